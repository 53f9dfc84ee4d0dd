"""Reading and writing the import files: CSV or XLSX in, every error with its row and column.

An import is all-or-nothing: one bad row and nothing is written. Row numbers are the ones a
spreadsheet shows, the header being row 1.
"""

import codecs
import csv
import dataclasses
import datetime
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import tablib
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import widgets

from .bulk_import import BulkImport, collector_paused
from .freeze_lock import writing_records
from .resources import RESOURCES, every_vietnamese_heading
from .text import defuse_formula

# An XLSX is a zip: its parts are checked before anything is unpacked, so a small upload that
# would unpack to gigabytes (a "decompression bomb") is refused instead of filling the memory.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
# ``import_records`` reads national-size files from the server's own disk.
MAX_XLSX_UNPACKED_BYTES_COMMAND = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 100
# No kind has more than a dozen columns: cells further right are never read, however wide
# the sheet says it is. A sheet holds at most 1,048,576 rows.
MAX_XLSX_COLUMNS = 64
MAX_SHEET_ROWS = 1_048_575
BLANK_ROW = ()
# Date cells stay real dates (sortable, computable) but show as people write them.
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Below this a part may compress as tightly as it likes: it cannot harm anyone.
XLSX_RATIO_FLOOR_BYTES = 1024 * 1024

# OOXML writes a character XML cannot hold (or would turn into another, as it turns a carriage
# return into a line feed) as _xHHHH_, and a literal "_xHHHH_" as _x005F_xHHHH_.
_OOXML_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_OOXML_LITERAL = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")

# Headings people write for a column in files of their own, besides its Vietnamese heading.
OTHER_HEADINGS = {
    "mst": "tax_code",
    "tên đơn vị": "name",
    "ngày khai báo": "as_of",
    "số lao động": "workers",
    "ngày hiệu lực": "effective_from",
    "ngày gửi": "submitted_on",
    "e-mail": "email",
    "họ tên": "full_name",
    "các mã số thuế": "tax_codes",
}
# Every heading read as a column, in lower case: the Vietnamese headings the templates write,
# and the other names.
HEADER_ALIASES = {
    **{heading.lower(): name for name, heading in every_vietnamese_heading()},
    **OTHER_HEADINGS,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; carries the errors to show."""

    def __init__(self, errors):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclasses.dataclass
class ImportOutcome:
    kind: str
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = dataclasses.field(default_factory=list)
    dry_run: bool = False
    # For accounts: each field the import changes on an existing one, for the preview.
    account_changes: list = dataclasses.field(default_factory=list)

    @property
    def written(self):
        return not self.errors and not self.dry_run

    def summary(self):
        return _(
            "%(kind)s: %(rows)s rows — %(new)s new, %(updated)s updated, %(unchanged)s unchanged."
        ) % dataclasses.asdict(self)


def normalise_header(text):
    text = unicodedata.normalize("NFC", str(text or "")).strip().lstrip("\ufeff").strip()
    lowered = text.lower()
    return HEADER_ALIASES.get(lowered, lowered.replace(" ", "_"))


def _decode_csv(data):
    """The text of a CSV: UTF-8 (with or without a BOM), else Windows-1258 made NFC.

    Vietnamese in Windows-1258 writes most tone marks as separate combining characters after
    the vowel; NFC joins them. A mark that joins nothing means the file was in another
    encoding (Latin-1 bytes read as Windows-1258, say), and the file is refused.
    """
    utf16 = _decode_utf16(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    refusal = ImportFileError(
        [
            RowError(
                1,
                "—",
                _("The file is neither UTF-8 nor Windows-1258 text; save it as CSV UTF-8 or XLSX."),
            )
        ]
    )
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        raise refusal from None
    if any(unicodedata.combining(char) for char in text):
        raise refusal
    return text


def _decode_utf16(data):
    """The text of a UTF-16 file (Excel's "Unicode text"), known by its byte-order mark.

    Read as UTF-8 or Windows-1258 it would give garbled cells and errors nobody can act on.
    """
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return unicodedata.normalize("NFC", data.decode("utf-16"))
    except UnicodeDecodeError:
        raise ImportFileError(
            [RowError(1, "—", _("The file starts as UTF-16 text but cannot be read as such."))]
        ) from None


def _csv_rows(data):
    try:
        return list(csv.reader(io.StringIO(_decode_csv(data), newline="")))
    except csv.Error as error:
        raise ImportFileError(
            [
                RowError(
                    1,
                    "—",
                    _("The file cannot be read as CSV (%(reason)s).") % {"reason": error},
                )
            ]
        ) from None


def _check_zip_sizes(data, max_unpacked):
    """Refuse an XLSX that would unpack to more than ``max_unpacked`` bytes or is a bomb."""
    unreadable = ImportFileError(
        [RowError(1, "—", _("The file cannot be opened as an XLSX workbook."))]
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise unreadable from None
    total = sum(member.file_size for member in members)
    bomb = total > max_unpacked or any(
        member.file_size > XLSX_RATIO_FLOOR_BYTES
        and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if bomb:
        raise ImportFileError(
            [
                RowError(
                    1,
                    "—",
                    _(
                        "The workbook would unpack to more than %(limit)s MB, or is compressed "
                        "more than %(ratio)s times; it was not opened. Save it again from a "
                        "spreadsheet program, or import it as CSV."
                    )
                    % {"limit": max_unpacked // (1024 * 1024), "ratio": MAX_XLSX_RATIO},
                )
            ]
        )


def _unescape_ooxml(value):
    if isinstance(value, str) and "_x" in value:
        return _OOXML_ESCAPED.sub(lambda match: chr(int(match[1], 16)), value)
    return value


def _escape_ooxml(text):
    text = _OOXML_LITERAL.sub("_x005F_", text)
    return _OOXML_UNSAFE.sub(lambda match: f"_x{ord(match[0]):04X}_", text)


def _xlsx_rows(data, max_unpacked=MAX_XLSX_UNPACKED_BYTES, max_rows=MAX_SHEET_ROWS):
    _check_zip_sizes(data, max_unpacked)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError(
            [RowError(1, "—", _("The file cannot be opened as an XLSX workbook."))]
        ) from None
    try:
        return _sheet_rows(book.worksheets[0], max_rows)
    finally:
        book.close()


def _sheet_rows(sheet, max_rows):
    """The cells the sheet really holds, at most ``MAX_XLSX_COLUMNS`` wide.

    A sheet declares its own size ("A1:XFD1048576"), and openpyxl pads every row to it: a
    4 KB file could ask for a billion empty cells. The declared size is ignored, rows are read
    as they come, each cut to the columns any kind can have, and reading stops past the row
    limit. Missing rows are one shared empty tuple, so row numbers stay as the sheet shows.
    """
    sheet.reset_dimensions()
    rows = []
    width = MAX_XLSX_COLUMNS
    for cells in sheet.iter_rows(max_col=MAX_XLSX_COLUMNS, values_only=True):
        if is_empty_row(cells):
            rows.append(BLANK_ROW)  # one shared object: a million blank rows cost 8 MB
            continue
        if len(rows) > max_rows:
            raise _too_many_rows(max_rows)
        if not any(rows):
            width = max(i for i, cell in enumerate(cells, start=1) if not is_empty_row([cell]))
        cells = cells[:width]  # a data row is read as wide as the header, no wider
        rows.append([_unescape_ooxml(cell) for cell in cells])
    return rows


def _too_many_rows(max_rows):
    return ImportFileError(
        [
            RowError(
                max_rows + 2,
                "—",
                _(
                    "The sheet has more than %(limit)s rows below its header; split the file "
                    "or import it on the server with python manage.py import_records."
                )
                % {"limit": max_rows},
            )
        ]
    )


def read_rows(data, filename, max_unpacked=MAX_XLSX_UNPACKED_BYTES, max_rows=MAX_SHEET_ROWS):
    """The file's rows as lists of cells, header first.

    ``max_unpacked`` bounds what an XLSX may unpack to and ``max_rows`` the rows it may hold;
    a CSV is read as it is (its size is the upload's).
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(data)
    if suffix == ".xlsx":
        return _xlsx_rows(data, max_unpacked, max_rows)
    raise ImportFileError([RowError(1, "—", _("Only .csv and .xlsx files can be imported."))])


def is_empty_row(cells):
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def is_heading_row(cells, headers):
    """Whether ``cells`` only repeat ``headers`` under other names, as a template's second row.

    The admin's templates give each column its Vietnamese heading in row 2; a row whose every
    filled cell names the column it stands in is such a heading, not data.
    """
    filled = [
        (cell, header)
        for cell, header in zip(cells, headers, strict=False)
        if not is_empty_row([cell])
    ]
    return bool(filled) and all(
        isinstance(cell, str) and normalise_header(cell) == header for cell, header in filled
    )


def build_dataset(kind, rows):
    """A tablib Dataset with canonical headers and the spreadsheet row number of each row."""
    resource_class = RESOURCES[kind]
    if not rows or is_empty_row(rows[0]):
        raise ImportFileError([RowError(1, "—", _("The file has no header row."))])
    headers = [normalise_header(h) for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    expected = resource_class.columns()
    errors = [
        RowError(
            1,
            header or "—",
            _("Unknown column; the columns are: %(columns)s.") % {"columns": ", ".join(expected)},
        )
        for header in headers
        if header not in expected
    ]
    errors += [
        RowError(1, name, _("This column is missing."))
        for name in resource_class.required_columns()
        if name not in headers
    ]
    duplicated = {h for h in headers if headers.count(h) > 1}
    errors += [RowError(1, name, _("This column appears twice.")) for name in sorted(duplicated)]
    if errors:
        raise ImportFileError(errors)

    dataset = tablib.Dataset(headers=headers)
    row_numbers = []
    for number, cells in enumerate(rows[1:], start=2):
        cells = list(cells)[: len(headers)]
        if is_empty_row(cells) or (number == 2 and is_heading_row(cells, headers)):
            continue
        dataset.append(cells + [None] * (len(headers) - len(cells)))
        row_numbers.append(number)
    if not row_numbers:
        raise ImportFileError([RowError(2, "—", _("The file has a header but no data rows."))])
    return dataset, row_numbers


def _collect_errors(resource, result, row_numbers):
    errors = []
    for invalid in result.invalid_rows:
        row = row_numbers[invalid.number - 1]
        for attribute, messages in invalid.error_dict.items():
            errors += [RowError(row, resource.column_of(attribute), m) for m in messages]
    for number, row_errors in result.row_errors():
        errors += [RowError(row_numbers[number - 1], "—", str(e.error)) for e in row_errors]
    for error in result.base_errors:
        errors.append(RowError(1, "—", str(error.error)))
    return sorted(errors, key=lambda e: e.row)


def import_rows(kind, rows, dry_run=False):
    """Import already-read rows; nothing is written when any row is wrong or ``dry_run``."""
    with collector_paused():
        return _import_rows(kind, rows, dry_run)


def duplicate_key_errors(resource, dataset, row_numbers):
    """One error for each row whose natural key an earlier row of the same file already has.

    Keys are compared as the importer reads them (a date written 2023-06-30 or 30/06/2023 is
    one day; a user name in any case is one account), so two rows can never quietly merge
    with the last one winning. Cells that cannot be read are left to the row checks.
    """
    key_fields = [resource.fields[name] for name in resource._meta.import_id_fields]
    first_row_of = {}
    errors = []
    for number, row in zip(row_numbers, dataset.dict, strict=True):
        key = _natural_key(key_fields, row)
        if key is None:
            continue
        if key in first_row_of:
            errors.append(
                RowError(
                    number,
                    ", ".join(field.column_name for field in key_fields),
                    _(
                        "Row %(first)s already has this %(key)s; each record may appear only "
                        "once in a file."
                    )
                    % {
                        "first": first_row_of[key],
                        "key": ", ".join(field.column_name for field in key_fields),
                    },
                )
            )
        else:
            first_row_of[key] = number
    return errors


def _natural_key(key_fields, row):
    """The row's key as comparable values, without reading the database; None if unreadable."""
    values = []
    for field in key_fields:
        value = row.get(field.column_name)
        widget = field.widget
        try:
            if hasattr(widget, "key"):  # a related object named by its code
                value = widget.key(value)
            else:
                value = widget.clean(value, row=row)
        except (ValueError, TypeError):
            return None
        if isinstance(value, str):
            value = value.casefold()
        values.append(value)
    return tuple(values)


def _import_rows(kind, rows, dry_run):
    dataset, row_numbers = build_dataset(kind, rows)
    resource = RESOURCES[kind]()
    outcome = ImportOutcome(kind=kind, rows=len(dataset), dry_run=dry_run)
    outcome.errors = duplicate_key_errors(resource, dataset, row_numbers)
    if outcome.errors:
        return outcome
    with transaction.atomic():
        writing_records()
        if resource.imports_in_bulk:
            result = BulkImport(resource, dry_run=dry_run).run(dataset, row_numbers)
            outcome.errors = sorted((RowError(*e) for e in result.errors), key=lambda e: e.row)
            outcome.new, outcome.updated, outcome.unchanged = (
                result.new,
                result.updated,
                result.unchanged,
            )
        else:
            result = resource.import_data(
                dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
            )
            outcome.errors = _collect_errors(resource, result, row_numbers)
            outcome.account_changes = list(getattr(resource, "account_changes", []))
            totals = result.totals
            outcome.new, outcome.updated, outcome.unchanged = (
                totals["new"],
                totals["update"],
                totals["skip"],
            )
        if outcome.errors or dry_run:
            transaction.set_rollback(True)
    return outcome


def read_file(path):
    """The rows of a CSV or XLSX file given on the command line."""
    path = Path(path)
    return read_rows(path.read_bytes(), path.name, max_unpacked=MAX_XLSX_UNPACKED_BYTES_COMMAND)


def import_file(kind, path, dry_run=False):
    return import_rows(kind, read_file(path), dry_run=dry_run)


def export_cells(kind):
    """Header and rows of every record of ``kind``: text rendered, dates and numbers typed.

    Text is as stored; ``write_csv`` and ``write_xlsx`` put formula-like text behind a quote.
    """
    resource = RESOURCES[kind]()
    names = resource.columns()
    yield names
    lookups = _flat_lookups(resource, names)
    if lookups is None:
        for obj in resource.export_queryset().iterator(chunk_size=2000):
            yield [_cell(resource.fields[name], obj) for name in names]
        return
    # Plain values straight from the database: a national export is 150,000 rows, too many
    # to build a model instance and ask each field for its value.
    renderers = [_value_renderer(resource.fields[name].widget) for name in names]
    rows = resource.export_queryset().values_list(*lookups)
    for values in rows.iterator(chunk_size=5000):
        yield [render(value) for render, value in zip(renderers, values, strict=True)]


def export_count(kind):
    return RESOURCES[kind]().export_queryset().count()


def _flat_lookups(resource, names):
    """The ORM lookup of each column (``area__code`` for an area named by its code), or None
    when a column holds several values (an officer's units) and needs the objects."""
    lookups = []
    for name in names:
        field = resource.fields[name]
        widget = field.widget
        if isinstance(widget, widgets.ManyToManyWidget):
            return None
        if isinstance(widget, widgets.ForeignKeyWidget):
            lookups.append(f"{field.attribute}__{widget.field}")
        else:
            lookups.append(field.attribute)
    return lookups


def _value_renderer(widget):
    # A related object's code arrives as text already; everything else renders as on export.
    render = str if isinstance(widget, widgets.ForeignKeyWidget) else widget.render

    def cell(value):
        if isinstance(value, (datetime.date, int)) and not isinstance(value, bool):
            return value
        return "" if value is None else render(value)

    return cell


def _cell(field, obj):
    value = field.get_value(obj)
    if isinstance(value, (datetime.date, int)) and not isinstance(value, bool):
        return value
    return field.widget.render(value)


def safe_cell(value):
    """A text cell that a spreadsheet would run (``=…``, ``+…``, ``-…``, ``@…``) behind a quote.

    Numbers and dates stay as they are; importing the file drops the quote again.
    """
    return defuse_formula(value) if isinstance(value, str) else value


def _csv_cell(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(value)


def write_csv(rows, stream):
    """CSV as UTF-8 with a BOM, so Excel shows Vietnamese; dates in ISO form.

    Every CSV the application writes goes through here: formula-like text gets its quote.
    """
    for chunk in csv_chunks(rows):
        stream.write(chunk)


def csv_chunks(rows, rows_per_chunk=1000):
    """``write_csv``'s text in pieces of many rows, for a response streamed as it is read."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(c) for c in row])
        if number % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(rows, path, title):
    """Typed cells: dates as dates, counts as numbers, text as text — never a formula."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_typed_cell(sheet, c) for c in row])
    book.save(path)


def xlsx_date_format(value):
    """The number format a date (dd/mm/yyyy) or a date and time cell is shown with."""
    return XLSX_DATETIME_FORMAT if isinstance(value, datetime.datetime) else XLSX_DATE_FORMAT


def _typed_cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=value)
        cell.number_format = xlsx_date_format(value)
        return cell
    if isinstance(value, str):
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=_escape_ooxml(safe_cell(value)))
        cell.data_type = "s"  # openpyxl would otherwise take a leading "=" as a formula
        return cell
    return value


def export_file(kind, path, rows=None):
    """Write every record of ``kind`` to ``path`` (.csv or .xlsx); ``rows`` are
    ``export_cells(kind)`` unless given (``export_records`` passes them through its progress
    line)."""
    path = Path(path)
    rows = export_cells(kind) if rows is None else rows
    if path.suffix.lower() == ".xlsx":
        write_xlsx(rows, path, kind)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8", newline="") as stream:
            write_csv(rows, stream)
    else:
        raise ValueError(_("Write to a .csv or .xlsx file."))
