"""The downloadable import template of each kind: an XLSX workbook with the column names in
row 1, their Vietnamese headings in row 2 (which the importer skips), an example row, and a
drop-down list on every column that takes a code.
"""

import datetime
import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .resources import RESOURCES, ChoiceWidget, FlagWidget, vietnamese_headings
from .spreadsheets import xlsx_date_format

TAX_CODE = "4900123456"
# The examples of the public-sector records: a state agency or public service unit.
PUBLIC_UNIT_TAX_CODE = "4900654321"
# Row 3 of each template: one record of the kind, which its user replaces with their own.
EXAMPLES = {
    "areas": {
        "code": "186",
        "name": "Huyện Hữu Lũng",
        "kind": "district",
        "parent_code": "20",
        "era": "before_2025",
    },
    "union_bodies": {"code": "LDLD-186", "name": "LĐLĐ huyện Hữu Lũng", "parent_code": "LDLD-LS"},
    "periods": {
        "slug": "2024-h1",
        "name": "6 tháng đầu năm 2024",
        "start": datetime.date(2024, 1, 1),
        "end": datetime.date(2024, 6, 30),
        "min_members": 10,
        "decimals": 1,
    },
    "enterprises": {
        "tax_code": TAX_CODE,
        "name": "Công ty TNHH May Hữu Lũng",
        "sector": "non_state",
        "area_code": "186",
        "area_era": "before_2025",
        "union_body_code": "LDLD-186",
        "union_established_on": datetime.date(2015, 3, 1),
        "dissolved_on": None,
    },
    "headcounts": {
        "tax_code": TAX_CODE,
        "as_of": datetime.date(2024, 6, 30),
        "union_members": 25,
        "workers": 40,
        "operating": "true",
    },
    "conferences": {
        "tax_code": TAX_CODE,
        "held_on": datetime.date(2024, 3, 15),
        "form": "full",
        "attendees": 38,
    },
    "agreements": {
        "tax_code": TAX_CODE,
        "signed_on": datetime.date(2024, 2, 1),
        "effective_from": datetime.date(2024, 3, 1),
        "expires_on": datetime.date(2027, 2, 28),
        "votes_for": 30,
        "workers_consulted": 40,
        "submitted_on": datetime.date(2024, 2, 8),
        "grade": None,
        "graded_on": None,
        "workers_covered": 40,
    },
    "officials_conferences": {
        "tax_code": PUBLIC_UNIT_TAX_CODE,
        "held_on": datetime.date(2024, 1, 25),
        "attendees": 45,
    },
    "inspection_boards": {
        "tax_code": PUBLIC_UNIT_TAX_CODE,
        "elected_on": datetime.date(2024, 1, 25),
        "term_ends_on": datetime.date(2029, 1, 24),
        "members": 5,
    },
    "regulations": {
        "tax_code": TAX_CODE,
        "issued_on": datetime.date(2023, 7, 1),
        "revised_on": datetime.date(2024, 1, 15),
    },
    "dialogues": {"tax_code": TAX_CODE, "held_on": datetime.date(2024, 5, 20), "kind": "periodic"},
    "officers": {
        "username": "nguyenvana",
        "email": "nguyenvana@example.org",
        "full_name": "Nguyễn Văn A",
        "role": "officer",
        "tax_codes": TAX_CODE,
        "union_body_code": None,
    },
}

# Codes with leading zeros ("06250") must stay text when someone types them into the sheet.
TEXT_COLUMNS = {"code", "parent_code", "tax_code", "area_code", "union_body_code", "tax_codes"}
FIRST_DATA_ROW = 3
LAST_VALIDATED_ROW = 1000


def allowed_values(kind):
    """{column: the codes it accepts} for the columns of ``kind`` that take a code."""
    allowed = {}
    for name, field in RESOURCES[kind]().fields.items():
        if isinstance(field.widget, ChoiceWidget):
            allowed[name] = list(field.widget.values)
        elif isinstance(field.widget, FlagWidget):
            allowed[name] = ["true", "false"]
    return allowed


def template_workbook(kind):
    """The XLSX template of ``kind``: canonical names, Vietnamese headings, one example row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = kind
    headings = vietnamese_headings(kind)
    sheet.append([name for name, _heading in headings])
    sheet.append([heading for _name, heading in headings])
    example = EXAMPLES[kind]
    sheet.append([example.get(name) for name, _heading in headings])

    bold, sample = Font(bold=True), Font(italic=True, color="808080")
    for index, (name, heading) in enumerate(headings, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(len(name), len(heading), 12) + 2
        if name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        for row in (1, 2):
            sheet.cell(row=row, column=index).font = bold
        cell = sheet.cell(row=FIRST_DATA_ROW, column=index)
        cell.font = sample
        if isinstance(cell.value, datetime.date):
            cell.number_format = xlsx_date_format(cell.value)
        elif isinstance(cell.value, str):
            cell.data_type = "s"
    sheet.cell(row=FIRST_DATA_ROW, column=1).comment = Comment(
        _("An example: replace this row with your own."), "UDT"
    )
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"

    columns = [name for name, _heading in headings]
    for name, values in allowed_values(kind).items():
        letter = get_column_letter(columns.index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(values)),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not an accepted value"),
            error=_("Choose one of: %(values)s.") % {"values": ", ".join(values)},
        )
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}")
        sheet.add_data_validation(validation)
    return book


def template_bytes(kind):
    stream = io.BytesIO()
    template_workbook(kind).save(stream)
    return stream.getvalue()
