"""Spreadsheet import and export: the README's “The import format”.

All-or-nothing imports whose errors name the spreadsheet row and column, re-imports and
export → import round trips that change nothing, formula-injection safety, and the tolerant
reading of what people actually type into spreadsheets (Vietnamese headers, tax codes turned
into numbers, DD/MM/YYYY dates, có/không).
"""

import codecs
import csv
import datetime
import io
import unicodedata

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from tests.conftest import day, declare, hold_conference, hold_dialogue, sign_agreement
from workplace.models import (
    Area,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
    UnionBody,
    User,
    WorkerConference,
)
from workplace.resources import RESOURCES
from workplace.spreadsheets import ImportFileError, export_cells, import_file

MODELS = {
    "areas": Area,
    "union_bodies": UnionBody,
    "periods": ReportingPeriod,
    "enterprises": Enterprise,
    "headcounts": HeadcountDeclaration,
    "conferences": WorkerConference,
    "officials_conferences": OfficialsConference,
    "inspection_boards": InspectionBoard,
    "regulations": Regulation,
    "agreements": CollectiveAgreement,
    "dialogues": Dialogue,
    "officers": User,
}

FORMULA_NAME = '=HYPERLINK("http://example.com","x")'
DASH_NAME = "-Công ty TNHH Hòa Bình"
BRANCH_TAX_CODE = "0101234567-001"

HEADCOUNT_HEADER = ["tax_code", "as_of", "union_members", "workers", "operating"]
AGREEMENT_HEADER = [
    "tax_code",
    "signed_on",
    "effective_from",
    "expires_on",
    "votes_for",
    "workers_consulted",
    "submitted_on",
]
ENTERPRISE_HEADER = [
    "tax_code",
    "name",
    "sector",
    "area_code",
    "union_body_code",
    "union_established_on",
    "dissolved_on",
]
# An export also names each unit's area's era (its code alone may name two areas).
EXPORTED_ENTERPRISE_HEADER = [*ENTERPRISE_HEADER[:4], "area_era", *ENTERPRISE_HEADER[4:]]


@pytest.fixture(autouse=True)
def english():
    """Messages in English, so assertions on their words do not depend on translations."""
    with translation.override("en"):
        yield


# --- helpers -------------------------------------------------------------------------------


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_rows(tmp_path, name, fmt, rows):
    path = tmp_path / f"{name}.{fmt}"
    return write_csv(path, rows) if fmt == "csv" else write_xlsx(path, rows)


def snapshot():
    """Every stored value of every imported model, timestamps included."""
    return {kind: list(model.objects.order_by("pk").values()) for kind, model in MODELS.items()}


def errors_at(outcome_or_error):
    return {(e.row, e.column) for e in outcome_or_error.errors}


def counts():
    return {kind: model.objects.count() for kind, model in MODELS.items()}


def read_csv_export(path):
    data = path.read_bytes()
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def unit(make_unit):
    """A verified unit whose union dates from 2015, with no records yet."""
    return make_unit(as_of=None, established="2015-01-01")


@pytest.fixture
def data_set(province, period, make_unit, make_user):
    """A little of everything, including a branch tax code and formula-like names."""
    formula = Enterprise.objects.create(
        tax_code=BRANCH_TAX_CODE,
        name=FORMULA_NAME,
        sector="fdi",
        area=province["commune"],
        union_body=province["body"],
        union_established_on=day("2015-01-01"),
        registration="verified",
    )
    dash = make_unit(
        members=8,
        workers=12,
        operating=False,
        area=province["other"],
        body=province["federation"],
        sector="state",
        established="2016-02-29",
        dissolved="2023-12-31",
    )
    dash.name = DASH_NAME
    dash.save()
    declare(formula, "2023-06-30", 120, 300)
    declare(formula, "2022-12-31", 100, 280)
    hold_conference(formula, "2023-03-01")
    WorkerConference.objects.create(
        enterprise=dash, held_on=day("2023-02-10"), form="delegate", attendees=9
    )
    graded = sign_agreement(formula, "2023-02-01", "2025-01-31", submitted_on="2023-02-08")
    graded.grade, graded.graded_on, graded.workers_covered = "B", day("2023-09-15"), 280
    graded.save()
    sign_agreement(dash, "2022-07-01", "2023-06-30")
    hold_dialogue(formula, "2023-04-01")
    hold_dialogue(formula, "2023-04-01", kind="event")
    hold_dialogue(dash, "2023-05-05", kind="on_request")
    agency = make_unit(as_of=None, sector="state_agency", established="2018-01-01")
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-01-20"), attendees=60)
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2022-01-18"))
    InspectionBoard.objects.create(
        enterprise=agency,
        elected_on=day("2022-01-18"),
        term_ends_on=day("2027-01-17"),
        members=5,
    )
    InspectionBoard.objects.create(
        enterprise=dash, elected_on=day("2021-05-10"), term_ends_on=day("2023-12-31"), members=3
    )
    Regulation.objects.create(
        enterprise=formula, issued_on=day("2021-07-01"), revised_on=day("2023-05-02")
    )
    Regulation.objects.create(enterprise=dash, issued_on=day("2019-01-15"))
    ReportingPeriod.objects.create(
        slug="2023",
        name="Năm 2023",
        start=day("2023-01-01"),
        end=day("2023-12-31"),
        min_members=5,
        decimals=2,
    )
    make_user("officer", units=[dash, formula], full_name=DASH_NAME)
    make_user("reviewer", role="reviewer", union_body=province["body"])
    return {"formula": formula, "dash": dash}


# --- all or nothing ------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing_and_names_row_and_column(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            HEADCOUNT_HEADER,
            [unit.tax_code, "2023-01-31", "20", "30", "true"],
            [unit.tax_code, "2023-02-28", "abc", "30", "true"],
            [unit.tax_code, "2023-03-31", "22", "30", "true"],
        ],
    )
    before = HeadcountDeclaration.objects.count()

    outcome = import_file("headcounts", path)

    assert HeadcountDeclaration.objects.count() == before == 0
    assert errors_at(outcome) == {(3, "union_members")}
    assert "abc" in outcome.errors[0].message
    assert not outcome.written


def test_members_above_workers_names_the_row_and_a_headcount_column(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            HEADCOUNT_HEADER,
            [unit.tax_code, "2023-01-31", "20", "30", "true"],
            [unit.tax_code, "2023-02-28", "31", "30", "true"],
            [unit.tax_code, "2023-03-31", "22", "30", "true"],
        ],
    )

    outcome = import_file("headcounts", path)

    assert HeadcountDeclaration.objects.count() == 0
    assert [e.row for e in outcome.errors] == [3]
    assert outcome.errors[0].column in {"union_members", "workers"}, outcome.errors


@pytest.mark.parametrize(
    ("cells", "columns"),
    [
        pytest.param(
            ["2023-02-01", "2023-02-01", "2025-01-31", "41", "40", ""],
            {"votes_for", "workers_consulted"},
            id="votes-above-consulted",
        ),
        pytest.param(
            ["2023-02-01", "2023-02-01", "2025-01-31", "30", "40", "2023-01-15"],
            {"submitted_on", "signed_on"},
            id="submitted-before-signed",
        ),
    ],
)
def test_an_agreement_constraint_is_reported_in_a_column_it_concerns(
    unit, tmp_path, cells, columns
):
    path = write_csv(tmp_path / "agreements.csv", [AGREEMENT_HEADER, [unit.tax_code, *cells]])

    outcome = import_file("agreements", path)

    assert CollectiveAgreement.objects.count() == 0
    assert outcome.errors
    assert {e.row for e in outcome.errors} == {2}
    assert all(e.column in columns for e in outcome.errors), outcome.errors


def test_unknown_tax_code_in_a_records_file_is_an_error_of_its_row_in_column_tax_code(
    unit, tmp_path
):
    path = write_csv(
        tmp_path / "conferences.csv",
        [
            ["tax_code", "held_on", "form", "attendees"],
            [unit.tax_code, "2023-03-01", "full", "25"],
            ["0999999999", "2023-03-02", "full", ""],
        ],
    )

    outcome = import_file("conferences", path)

    assert WorkerConference.objects.count() == 0
    assert errors_at(outcome) == {(3, "tax_code")}
    assert "0999999999" in outcome.errors[0].message


def test_a_record_dated_before_the_union_existed_or_in_the_future_is_refused_in_its_date_column(
    unit, tmp_path
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    path = write_csv(
        tmp_path / "dialogues.csv",
        [
            ["tax_code", "held_on", "kind"],
            [unit.tax_code, "2014-12-31", "periodic"],
            [unit.tax_code, tomorrow.isoformat(), "periodic"],
            [unit.tax_code, "2023-04-01", "periodic"],
        ],
    )

    outcome = import_file("dialogues", path)

    assert Dialogue.objects.count() == 0
    assert errors_at(outcome) == {(2, "held_on"), (3, "held_on")}


def test_every_bad_row_is_reported_not_only_the_first(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            HEADCOUNT_HEADER,
            [unit.tax_code, "31/02/2023", "20", "30", "true"],
            [unit.tax_code, "2023-03-31", "22", "30", "maybe"],
            [unit.tax_code, "2023-04-30", "22", "-1", "true"],
        ],
    )

    outcome = import_file("headcounts", path)

    assert HeadcountDeclaration.objects.count() == 0
    assert errors_at(outcome) == {(2, "as_of"), (3, "operating"), (4, "workers")}


# --- re-import and round trips -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_the_same_file_changes_nothing(unit, make_unit, tmp_path, fmt):
    other = make_unit(as_of=None)
    path = write_rows(
        tmp_path,
        "headcounts",
        fmt,
        [
            HEADCOUNT_HEADER,
            [unit.tax_code, "2023-01-31", "20", "30", "true"],
            [unit.tax_code, "30/06/2023", "22", "31", "không"],
            [other.tax_code, "2023-06-30", "5", "5", "1"],
        ],
    )
    first = import_file("headcounts", path)
    assert (first.new, first.updated, first.unchanged, first.errors) == (3, 0, 0, [])
    stamps = dict(HeadcountDeclaration.objects.values_list("pk", "updated_at"))
    before = snapshot()

    second = import_file("headcounts", path)

    assert second.errors == []
    assert (second.new, second.updated, second.unchanged) == (0, 0, 3)
    assert second.unchanged == second.rows
    assert dict(HeadcountDeclaration.objects.values_list("pk", "updated_at")) == stamps
    assert snapshot() == before


def test_a_changed_row_updates_the_record_matched_on_its_natural_key(unit, tmp_path):
    declare(unit, "2023-01-31", 20, 30)
    declare(unit, "2023-06-30", 22, 30)
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            HEADCOUNT_HEADER,
            [unit.tax_code, "2023-01-31", "20", "30", "true"],
            [unit.tax_code, "2023-06-30", "22", "40", "false"],
        ],
    )

    outcome = import_file("headcounts", path)

    assert (outcome.new, outcome.updated, outcome.unchanged, outcome.errors) == (0, 1, 1, [])
    june = HeadcountDeclaration.objects.get(enterprise=unit, as_of=day("2023-06-30"))
    assert (june.workers, june.operating) == (40, False)
    assert HeadcountDeclaration.objects.count() == 2


def test_a_dialogue_of_another_kind_on_the_same_day_is_a_new_record(unit, tmp_path):
    hold_dialogue(unit, "2023-04-01", kind="periodic")
    path = write_csv(
        tmp_path / "dialogues.csv",
        [
            ["tax_code", "held_on", "kind"],
            [unit.tax_code, "2023-04-01", "periodic"],
            [unit.tax_code, "2023-04-01", "event"],
        ],
    )

    outcome = import_file("dialogues", path)

    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 0, 1)
    assert sorted(Dialogue.objects.values_list("kind", flat=True)) == ["event", "periodic"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(RESOURCES))
def test_export_then_import_changes_nothing(data_set, tmp_path, kind, fmt):
    path = tmp_path / f"{kind}.{fmt}"
    before = snapshot()
    assert before[kind], "the data set must hold records of every kind"

    call_command("export_records", kind, str(path))
    outcome = import_file(kind, path)

    assert outcome.errors == []
    assert (outcome.new, outcome.updated) == (0, 0)
    assert outcome.unchanged == outcome.rows == len(before[kind])
    assert snapshot() == before
    assert Enterprise.objects.get(tax_code=BRANCH_TAX_CODE).name == FORMULA_NAME
    assert Enterprise.objects.get(pk=data_set["dash"].pk).name == DASH_NAME


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_files_rebuild_an_emptied_database(data_set, tmp_path, fmt):
    exported = {kind: list(export_cells(kind)) for kind in RESOURCES}
    for kind in RESOURCES:
        call_command("export_records", kind, str(tmp_path / f"{kind}.{fmt}"))
    for kind in reversed(list(RESOURCES)):
        model = MODELS[kind]
        if kind in ("areas", "union_bodies"):
            for node in model.objects.order_by("-path"):
                node.delete()
        else:
            model.objects.all().delete()
    assert sum(counts().values()) == 0

    for kind in RESOURCES:
        outcome = import_file(kind, tmp_path / f"{kind}.{fmt}")
        assert outcome.errors == [], kind
        assert outcome.new == outcome.rows == len(exported[kind]) - 1, kind

    assert {kind: list(export_cells(kind)) for kind in RESOURCES} == exported


def test_a_name_that_itself_begins_with_a_quote_and_a_formula_sign_survives_a_round_trip(
    make_unit, tmp_path
):
    quoted = make_unit(as_of=None)
    quoted.name = "'=1+1 Công ty"
    quoted.save()
    path = tmp_path / "enterprises.csv"

    call_command("export_records", "enterprises", str(path))
    outcome = import_file("enterprises", path)

    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, 1)
    quoted.refresh_from_db()
    assert quoted.name == "'=1+1 Công ty"


# --- what the exported files look like -----------------------------------------------------


def test_exported_csv_has_a_bom_and_formula_like_text_behind_a_quote(data_set, tmp_path):
    path = tmp_path / "enterprises.csv"

    call_command("export_records", "enterprises", str(path))

    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    rows = read_csv_export(path)
    assert rows[0] == EXPORTED_ENTERPRISE_HEADER
    by_tax_code = {row[0]: row for row in rows[1:]}
    assert by_tax_code[BRANCH_TAX_CODE][1] == "'" + FORMULA_NAME
    assert by_tax_code[data_set["dash"].tax_code][1] == "'" + DASH_NAME
    assert by_tax_code[BRANCH_TAX_CODE][4] == "from_2025"
    assert by_tax_code[BRANCH_TAX_CODE][6] == "2015-01-01"
    assert by_tax_code[data_set["dash"].tax_code][7] == "2023-12-31"
    assert "Hòa Bình".encode() in data


def test_exported_xlsx_has_text_cells_never_formulas_and_real_dates(data_set, tmp_path):
    path = tmp_path / "enterprises.xlsx"

    call_command("export_records", "enterprises", str(path))

    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == EXPORTED_ENTERPRISE_HEADER
    assert all(cell.data_type != "f" for row in rows for cell in row)
    formula_row = next(row for row in rows if row[0].value == BRANCH_TAX_CODE)
    assert formula_row[0].data_type == "s"
    name = formula_row[1]
    assert name.data_type == "s"
    assert name.value == "'" + FORMULA_NAME
    established = formula_row[6]
    assert established.is_date
    assert established.value == datetime.datetime(2015, 1, 1)


def test_exported_xlsx_records_have_numeric_counts_and_date_cells(data_set, tmp_path):
    path = tmp_path / "headcounts.xlsx"

    call_command("export_records", "headcounts", str(path))

    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows())
    assert [c.value for c in rows[0]] == HEADCOUNT_HEADER
    row = next(
        r
        for r in rows[1:]
        if r[0].value == BRANCH_TAX_CODE and r[1].value == datetime.datetime(2023, 6, 30)
    )
    assert row[1].is_date
    assert (row[2].data_type, row[2].value) == ("n", 120)
    assert (row[3].data_type, row[3].value) == ("n", 300)
    assert row[4].value == "true"


def test_export_refuses_an_unknown_file_type(data_set, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_records", "areas", str(tmp_path / "areas.ods"))


# --- what people type ----------------------------------------------------------------------


def test_utf8_csv_with_bom_and_vietnamese_headers_imports_areas_and_enterprises(province, tmp_path):
    areas = write_csv(
        tmp_path / "areas.csv",
        [
            ["Mã", "Tên", "Loại", "Mã cấp trên"],
            ["30", "Tỉnh Hải Dương", "province", ""],
            ["288", "Thành phố Hải Dương", "district", "30"],
        ],
    )
    assert areas.read_bytes().startswith(codecs.BOM_UTF8)
    enterprises = write_csv(
        tmp_path / "enterprises.csv",
        [
            [
                "Mã số thuế",
                "Tên doanh nghiệp",
                "Loại hình",
                "Mã địa bàn",
                "Mã công đoàn cấp trên",
                "Ngày thành lập công đoàn",
                "Ngày giải thể",
            ],
            [BRANCH_TAX_CODE, "Công ty TNHH Ánh Dương", "fdi", "288", "LDLD-186", "15/03/2016", ""],
            [
                "0300000001",
                "Công ty Cổ phần Đông Á",
                "non_state",
                "288",
                "LDLD-186",
                "2016-03-15",
                "",
            ],
        ],
    )

    assert import_file("areas", areas).errors == []
    outcome = import_file("enterprises", enterprises)

    assert outcome.errors == []
    assert outcome.new == 2
    city = Area.objects.get(code="288")
    assert (city.name, city.kind, city.parent.code, city.path) == (
        "Thành phố Hải Dương",
        "district",
        "30",
        "/30/288/",
    )
    anh_duong = Enterprise.objects.get(tax_code=BRANCH_TAX_CODE)
    assert anh_duong.name == "Công ty TNHH Ánh Dương"
    assert anh_duong.area == city
    assert anh_duong.union_body == province["body"]
    assert anh_duong.union_established_on == datetime.date(2016, 3, 15)
    assert anh_duong.dissolved_on is None
    assert Enterprise.objects.get(tax_code="0300000001").union_established_on == datetime.date(
        2016, 3, 15
    )


def test_csv_without_bom_and_decomposed_vietnamese_headers_imports(province, tmp_path):
    header = [unicodedata.normalize("NFD", h) for h in ["mã", "tên", "loại", "mã cấp trên"]]
    path = write_csv(
        tmp_path / "areas.csv",
        [header, ["06251", "Xã Minh Sơn", "commune", "186"]],
        encoding="utf-8",
    )
    assert not path.read_bytes().startswith(codecs.BOM_UTF8)

    outcome = import_file("areas", path)

    assert outcome.errors == []
    assert Area.objects.get(code="06251").parent == province["district"]


def test_xlsx_written_by_hand_imports_numeric_tax_codes_and_both_date_forms(province, tmp_path):
    enterprises = write_xlsx(
        tmp_path / "enterprises.xlsx",
        [
            [
                "mã số thuế",
                "tên",
                "loại hình",
                "mã địa bàn",
                "mã công đoàn cấp trên",
                "ngày thành lập công đoàn",
                "ngày giải thể",
            ],
            [
                101234567,
                "Công ty Cổ phần Sông Thương",
                "non_state",
                186,
                "LDLD-186",
                datetime.date(2016, 5, 1),
                None,
            ],
            [
                "0101234567-002",
                "Chi nhánh Sông Thương",
                "non_state",
                "186",
                "LDLD-186",
                "01/05/2016",
                "",
            ],
        ],
    )
    headcounts = write_xlsx(
        tmp_path / "headcounts.xlsx",
        [
            ["MST", "Tính đến ngày", "Số đoàn viên", "Số người lao động", "Đang hoạt động"],
            [101234567, datetime.date(2023, 6, 30), 40, 55, True],
            ["0101234567-002", "30/06/2023", 10.0, 12, "không"],
        ],
    )

    first = import_file("enterprises", enterprises)
    second = import_file("headcounts", headcounts)

    assert first.errors == [] and first.new == 2
    assert second.errors == [] and second.new == 2
    main = Enterprise.objects.get(tax_code="0101234567")
    branch = Enterprise.objects.get(tax_code="0101234567-002")
    assert main.area == branch.area == province["district"]
    assert main.union_established_on == branch.union_established_on == datetime.date(2016, 5, 1)
    main_count = HeadcountDeclaration.objects.get(enterprise=main)
    assert (main_count.as_of, main_count.union_members, main_count.workers) == (
        datetime.date(2023, 6, 30),
        40,
        55,
    )
    assert main_count.operating is True
    branch_count = HeadcountDeclaration.objects.get(enterprise=branch)
    assert (branch_count.as_of, branch_count.union_members, branch_count.operating) == (
        datetime.date(2023, 6, 30),
        10,
        False,
    )


def test_tax_codes_keep_their_leading_zeros_through_a_csv_import(province, tmp_path):
    enterprises = write_csv(
        tmp_path / "enterprises.csv",
        [
            ENTERPRISE_HEADER,
            [BRANCH_TAX_CODE, "Chi nhánh Hà Nội", "fdi", "186", "LDLD-186", "2015-01-01", ""],
            ["0012345678", "Công ty Số Không", "fdi", "186", "LDLD-186", "2015-01-01", ""],
        ],
    )
    headcounts = write_csv(
        tmp_path / "headcounts.csv",
        [HEADCOUNT_HEADER, [BRANCH_TAX_CODE, "2023-06-30", "10", "20", "true"]],
    )

    assert import_file("enterprises", enterprises).errors == []
    assert import_file("headcounts", headcounts).errors == []

    assert set(Enterprise.objects.values_list("tax_code", flat=True)) == {
        BRANCH_TAX_CODE,
        "0012345678",
    }
    assert HeadcountDeclaration.objects.get().enterprise.tax_code == BRANCH_TAX_CODE


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("không", False),
        ("KHÔNG", False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("False", False),
        ("", True),
    ],
)
def test_booleans_accept_co_khong_and_one_zero(unit, tmp_path, typed, expected):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [HEADCOUNT_HEADER, [unit.tax_code, "2023-06-30", "10", "20", typed]],
    )

    outcome = import_file("headcounts", path)

    assert outcome.errors == []
    assert HeadcountDeclaration.objects.get().operating is expected


def test_a_count_with_a_thousands_separator_is_never_read_as_a_small_number(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [HEADCOUNT_HEADER, [unit.tax_code, "2023-06-30", "1", "1,000", "true"]],
    )

    outcome = import_file("headcounts", path)

    if outcome.errors:
        assert errors_at(outcome) == {(2, "workers")}
        assert HeadcountDeclaration.objects.count() == 0
    else:
        assert HeadcountDeclaration.objects.get().workers == 1000


# --- model rules as column errors ----------------------------------------------------------


def test_agreement_without_a_majority_is_an_error_in_column_votes_for(unit, tmp_path):
    path = write_csv(
        tmp_path / "agreements.csv",
        [
            AGREEMENT_HEADER,
            [unit.tax_code, "2022-01-10", "2022-01-10", "2024-01-09", "30", "40", ""],
            [unit.tax_code, "2023-02-01", "2023-02-01", "2025-01-31", "20", "40", ""],
        ],
    )

    outcome = import_file("agreements", path)

    assert CollectiveAgreement.objects.count() == 0
    assert errors_at(outcome) == {(3, "votes_for")}
    assert "half" in outcome.errors[0].message


def test_agreement_running_over_three_years_is_an_error_in_column_expires_on(unit, tmp_path):
    path = write_csv(
        tmp_path / "agreements.csv",
        [
            AGREEMENT_HEADER,
            [unit.tax_code, "2023-01-01", "2023-01-01", "2026-06-01", "30", "40", "2023-01-05"],
        ],
    )

    outcome = import_file("agreements", path)

    assert CollectiveAgreement.objects.count() == 0
    assert errors_at(outcome) == {(2, "expires_on")}
    # Three years counting the first day: from 01/01/2023 the last day is 31/12/2025.
    assert "31/12/2025" in outcome.errors[0].message


# --- verification --------------------------------------------------------------------------


def test_imported_enterprises_are_verified(province, tmp_path):
    path = write_csv(
        tmp_path / "enterprises.csv",
        [
            ENTERPRISE_HEADER,
            ["4900000777", "Công ty Mới", "non_state", "186", "LDLD-186", "2020-01-01", ""],
        ],
    )

    outcome = import_file("enterprises", path)

    assert outcome.errors == [] and outcome.new == 1
    assert Enterprise.objects.get(tax_code="4900000777").registration == "verified"


@pytest.mark.parametrize("registration", ["pending", "rejected"])
def test_an_identical_row_verifies_a_unit_awaiting_or_refused_verification(
    make_unit, tmp_path, registration
):
    waiting = make_unit(as_of=None, registration=registration)
    waiting.rejection_reason = "Mã số thuế chưa khớp" if registration == "rejected" else ""
    waiting.save()
    path = tmp_path / "enterprises.csv"
    call_command("export_records", "enterprises", str(path))

    outcome = import_file("enterprises", path)

    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 1, 0)
    waiting.refresh_from_db()
    assert waiting.registration == "verified"
    assert waiting.rejection_reason == ""


# --- the commands --------------------------------------------------------------------------


def test_dry_run_writes_nothing_but_reports_the_counts(province, tmp_path):
    path = write_csv(
        tmp_path / "areas.csv",
        [
            ["code", "name", "kind", "parent_code"],
            ["06252", "Xã Hòa Lạc", "commune", "186"],
            ["06253", "Xã Hòa Sơn", "commune", "186"],
            ["186", "Huyện Hữu Lũng", "district", "20"],
        ],
    )
    before = snapshot()
    out = io.StringIO()

    call_command("import_records", "areas", str(path), "--dry-run", stdout=out)

    assert snapshot() == before
    report = out.getvalue()
    assert "3 rows" in report
    assert "2 new" in report
    assert "0 updated" in report
    assert "1 unchanged" in report
    assert "dry run" in report


def test_import_command_writes_and_reports(province, tmp_path):
    path = write_csv(
        tmp_path / "areas.csv",
        [["code", "name", "kind", "parent_code"], ["06252", "Xã Hòa Lạc", "commune", "186"]],
    )
    out = io.StringIO()

    call_command("import_records", "areas", str(path), stdout=out)

    assert Area.objects.get(code="06252").path == "/20/186/06252/"
    assert "1 new" in out.getvalue()


@pytest.mark.parametrize("dry_run", [False, True])
def test_import_command_fails_on_a_bad_row_naming_row_and_column(unit, tmp_path, dry_run):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            HEADCOUNT_HEADER,
            [unit.tax_code, "2023-01-31", "20", "30", "true"],
            [unit.tax_code, "2023-02-28", "abc", "30", "true"],
        ],
    )
    err = io.StringIO()
    options = ["--dry-run"] if dry_run else []

    with pytest.raises(CommandError) as failure:
        call_command(
            "import_records", "headcounts", str(path), *options, stdout=io.StringIO(), stderr=err
        )

    assert HeadcountDeclaration.objects.count() == 0
    shown = err.getvalue() + str(failure.value)
    assert "Row 3" in shown
    assert "union_members" in shown
    assert "abc" in shown


def test_import_command_fails_on_a_missing_column_naming_it(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            ["tax_code", "as_of", "union_members", "operating"],
            [unit.tax_code, "2023-01-31", "20", "true"],
        ],
    )

    with pytest.raises(CommandError) as failure:
        call_command("import_records", "headcounts", str(path), stderr=io.StringIO())

    assert "Row 1" in str(failure.value)
    assert "workers" in str(failure.value)
    assert HeadcountDeclaration.objects.count() == 0


def test_import_command_fails_on_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_records", "areas", str(tmp_path / "nowhere.csv"))


# --- files that cannot be read -------------------------------------------------------------


def test_a_missing_required_column_is_an_error_of_row_one(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            ["tax_code", "as_of", "union_members", "operating"],
            [unit.tax_code, "2023-01-31", "20", "true"],
        ],
    )

    with pytest.raises(ImportFileError) as failure:
        import_file("headcounts", path)

    assert errors_at(failure.value) == {(1, "workers")}
    assert "missing" in failure.value.errors[0].message


def test_an_optional_column_may_be_left_out(unit, tmp_path):
    path = write_csv(
        tmp_path / "conferences.csv",
        [["tax_code", "held_on", "form"], [unit.tax_code, "2023-03-01", "full"]],
    )

    outcome = import_file("conferences", path)

    assert outcome.errors == []
    assert WorkerConference.objects.get().attendees is None


def test_an_unknown_column_is_an_error_of_row_one(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            [*HEADCOUNT_HEADER, "colour"],
            [unit.tax_code, "2023-01-31", "20", "30", "true", "red"],
        ],
    )

    with pytest.raises(ImportFileError) as failure:
        import_file("headcounts", path)

    assert errors_at(failure.value) == {(1, "colour")}
    assert "union_members" in failure.value.errors[0].message  # it lists the known columns
    assert HeadcountDeclaration.objects.count() == 0


def test_a_column_given_twice_is_an_error_of_row_one(unit, tmp_path):
    path = write_csv(
        tmp_path / "headcounts.csv",
        [
            [*HEADCOUNT_HEADER, "số đoàn viên"],
            [unit.tax_code, "2023-01-31", "20", "30", "true", "21"],
        ],
    )

    with pytest.raises(ImportFileError) as failure:
        import_file("headcounts", path)

    assert errors_at(failure.value) == {(1, "union_members")}


def test_a_header_only_file_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "areas.csv", [["code", "name", "kind", "parent_code"]])

    with pytest.raises(ImportFileError) as failure:
        import_file("areas", path)

    assert len(failure.value.errors) == 1
    assert "no data rows" in failure.value.errors[0].message


def test_an_empty_file_is_refused_at_row_one(db, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_bytes(b"")

    with pytest.raises(ImportFileError) as failure:
        import_file("areas", path)

    assert [e.row for e in failure.value.errors] == [1]
    assert "header" in failure.value.errors[0].message


def test_a_windows_1258_csv_is_read_and_its_names_made_nfc(db, tmp_path):
    path = tmp_path / "areas.csv"
    data = "code,name,kind,parent_code\r\n30,Đông Thành Công,province,\r\n".encode("cp1258")
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    outcome = import_file("areas", path)

    assert outcome.errors == []
    assert Area.objects.get(code="30").name == "Đông Thành Công"


def test_a_latin1_csv_is_refused(db, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_bytes(
        "code,name,kind,parent_code\r\n30,Café Sài Gòn,province,\r\n".encode("latin-1")
    )

    with pytest.raises(ImportFileError) as failure:
        import_file("areas", path)

    assert [e.row for e in failure.value.errors] == [1]


def test_a_damaged_xlsx_or_another_file_type_is_refused(db, tmp_path):
    damaged = tmp_path / "areas.xlsx"
    damaged.write_bytes(b"code,name,kind,parent_code\r\n30,x,province,\r\n")
    other = tmp_path / "areas.txt"
    other.write_bytes(b"code,name,kind,parent_code\r\n30,x,province,\r\n")

    for path in (damaged, other):
        with pytest.raises(ImportFileError) as failure:
            import_file("areas", path)
        assert [e.row for e in failure.value.errors] == [1]
    assert Area.objects.count() == 0
