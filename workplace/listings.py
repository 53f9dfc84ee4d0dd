"""Lists of units and records, each described once by its columns.

A list's ``Columns`` drive both its page table (headings and cells) and its CSV/XLSX export
(the header row and each row's values), so a heading or a value is written in one place. A
column may be on the page only (a status shown in colour), in the file only (details a phone
has no room for) or both; the page may head it with other words and dress its value up.

A row is a dict holding at least its ``unit``; a list adds the facts its columns read.
"""

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Column:
    heading: str  # translated lazily: the reader's language when the list is drawn
    # The cell's value as an export writes it: a date stays a date, a count a number, and a
    # list of sentences is one text. None for a column shown on the page only.
    value: Callable[[dict], Any] | None = None
    page_heading: str | None = None  # the page's heading, when it differs from the file's
    cell: Callable[[dict], str] | None = None  # the page's cell as HTML, when not its value
    blank: str = ""  # what the page shows for an empty value
    list_class: str = ""  # the class of the page's bulleted list, for a list value
    on_page: bool = True
    in_file: bool = True
    heads_row: bool = False  # the cell naming the row, first on the page
    numeric: bool = False
    wide: bool = False  # a long text a phone shows below its heading, not beside it

    @property
    def shown_heading(self):
        return self.page_heading or self.heading

    @property
    def classes(self):
        """The page cell's classes: numbers line up on the right, a wide cell takes the row."""
        return " ".join(name for name, on in (("num", self.numeric), ("wide", self.wide)) if on)

    def only_in_file(self):
        return dataclasses.replace(self, on_page=False)

    def page_html(self, row):
        if self.cell is not None:
            return self.cell(row)
        value = self.value(row)
        if value is None or (isinstance(value, (str, list, tuple)) and not value):
            return conditional_escape(self.blank)
        if isinstance(value, (list, tuple)):
            items = format_html_join("", "<li>{}</li>", ((item,) for item in value))
            if self.list_class:
                return format_html('<ul class="{}">{}</ul>', self.list_class, items)
            return format_html("<ul>{}</ul>", items)
        if isinstance(value, datetime.date):
            return conditional_escape(date_format(value, "SHORT_DATE_FORMAT"))
        return conditional_escape(localize(value))

    def file_value(self, row):
        value = self.value(row)
        return " ".join(value) if isinstance(value, (list, tuple)) else value


@dataclasses.dataclass(frozen=True)
class Cell:
    column: Column
    html: str


class Columns:
    """The columns of one list, in the export's order."""

    def __init__(self, *columns):
        self.columns = columns

    def page_columns(self):
        """The page's columns: the one naming the row first, then the others in order."""
        return sorted((c for c in self.columns if c.on_page), key=lambda c: not c.heads_row)

    def table(self, rows):
        """The page's table: its columns, and each row as its cells' HTML."""
        columns = self.page_columns()
        return {
            "columns": columns,
            "rows": [[Cell(column, column.page_html(row)) for column in columns] for row in rows],
        }

    def file_rows(self, rows):
        """The export: the header row, then each row's values (``rows`` is read as it goes)."""
        columns = [c for c in self.columns if c.in_file]
        yield [str(column.heading) for column in columns]
        for row in rows:
            yield [column.file_value(row) for column in columns]


def template_cell(template_name):
    """A cell drawn by a template, which is given the ``row``."""

    def cell(row):
        # The template has escaped what it shows; stripping its outer blank keeps it safe.
        return mark_safe(render_to_string(template_name, {"row": row}).strip())  # noqa: S308

    return cell


def yes_no(flag):
    return gettext("Yes") if flag else gettext("No")


# The columns every list of units shares.
TAX_CODE = Column(_("Tax code"), lambda row: row["unit"].tax_code)
NAME = Column(_("Name"), lambda row: row["unit"].name, heads_row=True)
SECTOR = Column(_("Sector"), lambda row: row["unit"].get_sector_display())
AREA = Column(_("Area"), lambda row: row["unit"].area.name)
UNION_BODY = Column(_("Union body"), lambda row: row["unit"].union_body.name)
ELIGIBLE = Column(_("Eligible"), lambda row: yes_no(row["unit"].eligible))
