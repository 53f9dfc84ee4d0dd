"""The import and export of the public-sector records and the new columns (issue 14).

Officials' conferences, People's Inspection Boards and workplace democracy regulations import
like the other records, from CSV or XLSX, under their column names or Vietnamese headings;
agreements gain a grade, its date and the workers covered, periods the decimals of their
rates. Files written before these columns existed import exactly as before.
"""

import csv

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.conftest import day, sign_agreement
from workplace.models import (
    CollectiveAgreement,
    Enterprise,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
)
from workplace.resources import vietnamese_headings
from workplace.spreadsheets import export_cells, import_file

NEW_KINDS = {
    "officials_conferences": OfficialsConference,
    "inspection_boards": InspectionBoard,
    "regulations": Regulation,
}
AGREEMENT_HEADER = [
    "tax_code",
    "signed_on",
    "effective_from",
    "expires_on",
    "votes_for",
    "workers_consulted",
    "submitted_on",
]
PERIOD_HEADER = ["slug", "name", "start", "end", "min_members"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def unit(make_unit):
    """A state agency whose union dates from 2015, with no records yet."""
    return make_unit(as_of=None, established="2015-01-01", sector="state_agency")


def write_rows(tmp_path, name, fmt, rows):
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream, lineterminator="\r\n").writerows(rows)
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    return path


def good_rows(unit):
    """Two rows of each new kind, the first with every optional cell filled."""
    tax_code = unit.tax_code
    return {
        "officials_conferences": [
            [tax_code, "2023-01-20", "60"],
            [tax_code, "18/01/2022", ""],
        ],
        "inspection_boards": [
            [tax_code, "2022-01-18", "2027-01-17", "5"],
            [tax_code, "2017-01-10", "2022-01-09", "3"],
        ],
        "regulations": [
            [tax_code, "2021-07-01", "2023-05-02"],
            [tax_code, "2019-01-15", ""],
        ],
    }


def header(kind, language):
    headings = vietnamese_headings(kind)
    if language == "vi":
        return [heading for _name, heading in headings]
    return [name for name, _heading in headings]


def stored(kind):
    model = NEW_KINDS[kind]
    columns = [name for name, _heading in vietnamese_headings(kind) if name != "tax_code"]
    return sorted(
        (record.enterprise.tax_code, *(getattr(record, name) for name in columns))
        for record in model.objects.select_related("enterprise")
    )


# --- the new kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(NEW_KINDS))
def test_each_new_kind_imports_from_csv_and_xlsx_under_either_heading(
    unit, tmp_path, kind, fmt, language
):
    path = write_rows(tmp_path, kind, fmt, [header(kind, language), *good_rows(unit)[kind]])

    outcome = import_file(kind, path)

    assert outcome.errors == []
    assert (outcome.rows, outcome.new) == (2, 2)
    expected = {
        "officials_conferences": [
            (unit.tax_code, day("2022-01-18"), None),
            (unit.tax_code, day("2023-01-20"), 60),
        ],
        "inspection_boards": [
            (unit.tax_code, day("2017-01-10"), day("2022-01-09"), 3),
            (unit.tax_code, day("2022-01-18"), day("2027-01-17"), 5),
        ],
        "regulations": [
            (unit.tax_code, day("2019-01-15"), None),
            (unit.tax_code, day("2021-07-01"), day("2023-05-02")),
        ],
    }
    assert stored(kind) == expected[kind]

    again = import_file(kind, path)

    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    ("kind", "bad_row", "column"),
    [
        ("officials_conferences", ["2023-13-01", "60"], "held_on"),
        ("officials_conferences", ["2023-03-01", "sáu mươi"], "attendees"),
        ("inspection_boards", ["2023-03-01", "2023-02-01", "5"], "term_ends_on"),
        ("inspection_boards", ["2023-03-01", "", "5"], "term_ends_on"),
        ("regulations", ["2023-03-01", "2023-02-01"], "revised_on"),
        ("regulations", ["2014-12-31", ""], "issued_on"),
    ],
)
def test_a_bad_row_of_a_new_kind_names_its_row_and_column_and_writes_nothing(
    unit, tmp_path, kind, bad_row, column
):
    rows = [header(kind, "en"), *good_rows(unit)[kind], [unit.tax_code, *bad_row]]
    path = write_rows(tmp_path, kind, "csv", rows)

    outcome = import_file(kind, path)

    assert [(e.row, e.column) for e in outcome.errors] == [(4, column)]
    assert not outcome.written
    assert not NEW_KINDS[kind].objects.exists()


@pytest.mark.parametrize("members", ["2", "10", "0"])
def test_a_board_of_fewer_than_3_or_more_than_9_members_is_refused(unit, tmp_path, members):
    rows = [
        header("inspection_boards", "en"),
        [unit.tax_code, "2022-01-18", "2027-01-17", "5"],
        [unit.tax_code, "2017-01-10", "2022-01-09", members],
    ]
    path = write_rows(tmp_path, "inspection_boards", "csv", rows)

    outcome = import_file("inspection_boards", path)

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "members")]
    assert "3 to 9 members" in outcome.errors[0].message
    assert not InspectionBoard.objects.exists()


def test_a_record_of_an_unknown_unit_is_an_error_of_its_tax_code(unit, tmp_path):
    rows = [header("regulations", "en"), ["0999999999", "2021-07-01", ""]]
    path = write_rows(tmp_path, "regulations", "csv", rows)

    outcome = import_file("regulations", path)

    assert [(e.row, e.column) for e in outcome.errors] == [(2, "tax_code")]
    assert "0999999999" in outcome.errors[0].message


def test_the_import_command_reads_a_new_kind(unit, tmp_path, capsys):
    rows = [header("inspection_boards", "vi"), *good_rows(unit)["inspection_boards"]]
    path = write_rows(tmp_path, "inspection_boards", "xlsx", rows)

    call_command("import_records", "inspection_boards", str(path))

    assert "2 new" in capsys.readouterr().out
    assert InspectionBoard.objects.count() == 2


def test_the_import_command_fails_on_a_board_with_too_many_members(unit, tmp_path):
    rows = [header("inspection_boards", "en"), [unit.tax_code, "2022-01-18", "2027-01-17", "12"]]
    path = write_rows(tmp_path, "inspection_boards", "csv", rows)

    with pytest.raises(CommandError):
        call_command("import_records", "inspection_boards", str(path))

    assert not InspectionBoard.objects.exists()


@pytest.mark.parametrize("kind", list(NEW_KINDS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_a_new_kind_imports_back_unchanged(unit, tmp_path, kind, fmt):
    import_file(
        kind, write_rows(tmp_path, kind, "csv", [header(kind, "en"), *good_rows(unit)[kind]])
    )
    exported = list(export_cells(kind))
    path = tmp_path / f"export-{kind}.{fmt}"
    call_command("export_records", kind, str(path))
    before = stored(kind)
    NEW_KINDS[kind].objects.all().delete()

    outcome = import_file(kind, path)

    assert outcome.errors == []
    assert outcome.new == outcome.rows == 2
    assert stored(kind) == before
    assert list(export_cells(kind)) == exported


# --- the new columns of agreements and periods ---------------------------------------------


def agreement_row(unit, *extra):
    return [unit.tax_code, "2023-02-01", "2023-02-01", "2025-01-31", "30", "40", "", *extra]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_agreement_takes_its_grade_its_date_and_the_workers_covered(unit, tmp_path, fmt):
    rows = [
        [*AGREEMENT_HEADER, "grade", "graded_on", "workers_covered"],
        agreement_row(unit, "b", "15/09/2023", "38"),
    ]

    outcome = import_file("agreements", write_rows(tmp_path, "agreements", fmt, rows))

    assert outcome.errors == []
    agreement = CollectiveAgreement.objects.get()
    assert (agreement.grade, agreement.graded_on, agreement.workers_covered) == (
        "B",
        day("2023-09-15"),
        38,
    )


def test_the_vietnamese_headings_of_the_agreement_columns_are_read(unit, tmp_path):
    names = [*AGREEMENT_HEADER, "grade", "graded_on", "workers_covered"]
    headings = dict(vietnamese_headings("agreements"))
    rows = [[headings[name] for name in names], agreement_row(unit, "A", "2023-09-15", "40")]

    outcome = import_file("agreements", write_rows(tmp_path, "agreements", "csv", rows))

    assert outcome.errors == []
    assert CollectiveAgreement.objects.get().grade == "A"


def test_an_ungraded_agreement_has_empty_grade_cells(unit, tmp_path):
    rows = [
        [*AGREEMENT_HEADER, "grade", "graded_on", "workers_covered"],
        agreement_row(unit, "", "", ""),
    ]

    outcome = import_file("agreements", write_rows(tmp_path, "agreements", "csv", rows))

    assert outcome.errors == []
    agreement = CollectiveAgreement.objects.get()
    assert (agreement.grade, agreement.graded_on, agreement.workers_covered) == ("", None, None)


@pytest.mark.parametrize("grade", ["E", "AB", "1", "tốt"])
def test_an_unknown_grade_is_refused_saying_which_grades_there_are(unit, tmp_path, grade):
    rows = [
        [*AGREEMENT_HEADER, "grade"],
        agreement_row(unit, "A"),
        [unit.tax_code, "2023-08-01", "2023-08-01", "2025-07-31", "30", "40", "", grade],
    ]

    outcome = import_file("agreements", write_rows(tmp_path, "agreements", "csv", rows))

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "grade")]
    message = outcome.errors[0].message
    assert f"'{grade}' is not a grade" in message
    assert "A, B, C, D" in message and "empty" in message
    assert not CollectiveAgreement.objects.exists()


def test_an_old_agreements_file_imports_as_before_and_keeps_a_stored_grade(unit, tmp_path):
    graded = sign_agreement(unit, "2023-02-01", "2025-01-31")
    graded.grade, graded.graded_on, graded.workers_covered = "C", day("2023-10-01"), 41
    graded.save()
    rows = [
        AGREEMENT_HEADER,
        agreement_row(unit),
        [unit.tax_code, "2022-01-05", "2022-01-05", "2023-01-04", "30", "40", "2022-01-10"],
    ]

    outcome = import_file("agreements", write_rows(tmp_path, "agreements", "csv", rows))

    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 0, 1)
    graded.refresh_from_db()
    assert (graded.grade, graded.graded_on, graded.workers_covered) == ("C", day("2023-10-01"), 41)
    added = CollectiveAgreement.objects.get(signed_on=day("2022-01-05"))
    assert (added.grade, added.graded_on, added.workers_covered) == ("", None, None)


def period_row(slug, *extra):
    return [slug, f"Năm {slug}", "2023-01-01", "2023-12-31", "10", *extra]


@pytest.mark.parametrize(("cell", "decimals"), [("2", 2), ("1", 1), ("", 1)])
def test_a_period_takes_the_decimals_of_its_rates_one_by_default(db, tmp_path, cell, decimals):
    rows = [[*PERIOD_HEADER, "decimals"], period_row("2023", cell)]

    outcome = import_file("periods", write_rows(tmp_path, "periods", "csv", rows))

    assert outcome.errors == []
    assert ReportingPeriod.objects.get(slug="2023").decimals == decimals


def test_a_number_cell_of_decimals_in_xlsx_is_read(db, tmp_path):
    rows = [[*PERIOD_HEADER, "Số chữ số thập phân của tỷ lệ"], period_row("2023", 2)]

    outcome = import_file("periods", write_rows(tmp_path, "periods", "xlsx", rows))

    assert outcome.errors == []
    assert ReportingPeriod.objects.get(slug="2023").decimals == 2


@pytest.mark.parametrize("cell", ["3", "0", "1.5", "hai"])
def test_decimals_other_than_1_or_2_are_refused(db, tmp_path, cell):
    rows = [[*PERIOD_HEADER, "decimals"], period_row("2023", cell)]

    outcome = import_file("periods", write_rows(tmp_path, "periods", "csv", rows))

    assert [(e.row, e.column) for e in outcome.errors] == [(2, "decimals")]
    assert "1, 2" in outcome.errors[0].message
    assert not ReportingPeriod.objects.exists()


def test_an_old_periods_file_imports_as_before_and_keeps_stored_decimals(db, tmp_path):
    ReportingPeriod.objects.create(
        slug="2023",
        name="Năm 2023",
        start=day("2023-01-01"),
        end=day("2023-12-31"),
        min_members=10,
        decimals=2,
    )
    rows = [
        PERIOD_HEADER,
        period_row("2023"),
        ["2024-h1", "6 tháng 2024", "2024-01-01", "2024-06-30", "10"],
    ]

    outcome = import_file("periods", write_rows(tmp_path, "periods", "csv", rows))

    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 0, 1)
    assert ReportingPeriod.objects.get(slug="2023").decimals == 2
    assert ReportingPeriod.objects.get(slug="2024-h1").decimals == 1


def test_agreements_and_periods_export_their_new_columns(unit):
    graded = sign_agreement(unit, "2023-02-01", "2025-01-31")
    graded.grade, graded.workers_covered = "D", 12
    graded.save()
    ReportingPeriod.objects.create(
        slug="2023", name="Năm 2023", start=day("2023-01-01"), end=day("2023-12-31"), decimals=2
    )

    agreements = list(export_cells("agreements"))
    periods = list(export_cells("periods"))

    assert agreements[0][-3:] == ["grade", "graded_on", "workers_covered"]
    assert agreements[1][-3:] == ["D", "", 12]
    assert periods[0][-1] == "decimals"
    assert periods[1][-1] == 2


# --- state agencies --------------------------------------------------------------------------


def test_an_enterprises_file_accepts_the_state_agency_sector(province, tmp_path):
    rows = [
        ["tax_code", "name", "sector", "area_code", "union_body_code", "union_established_on"],
        ["0300000002", "Sở Lao động", "state_agency", "186", "LDLD-186", "2010-01-01"],
    ]

    outcome = import_file("enterprises", write_rows(tmp_path, "enterprises", "csv", rows))

    assert outcome.errors == []
    assert Enterprise.objects.get(tax_code="0300000002").sector == "state_agency"
