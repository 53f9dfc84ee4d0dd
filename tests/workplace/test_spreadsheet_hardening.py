"""Hostile spreadsheets: formula-like text in every file the application writes, round trips
of arbitrary names, the encodings an import accepts, and the files it refuses.

Every CSV and XLSX the application writes puts a text cell beginning with "=", "+", "-", "@",
a tab or a carriage return behind a quote; importing the file drops that quote again.
"""

import csv
import datetime
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cms.conftest import make_snapshot
from tests.conftest import day
from workplace import spreadsheets
from workplace.admin import imports as admin_imports
from workplace.indicators import Figures
from workplace.models import Area, Enterprise, ImportLog, ReportingPeriod
from workplace.spreadsheets import (
    ImportFileError,
    export_file,
    import_file,
    read_rows,
    write_csv,
    write_xlsx,
)

FORMULA = '=HYPERLINK("x")'
DEFUSED = "'" + FORMULA
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
AREA_HEADER = ["code", "name", "kind", "parent_code"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_of(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_cells(data, sheet=0):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in book.worksheets[sheet].iter_rows()]


def all_cells(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_defused_text_cell(cells, value=DEFUSED):
    """``value`` is in one of ``cells``, a text cell; no cell anywhere is a formula."""
    assert all(cell.data_type != "f" for cell in cells)
    matching = [cell for cell in cells if cell.value == value]
    assert matching, [cell.value for cell in cells]
    assert all(cell.data_type == "s" for cell in matching)


def to_cp1258(text):
    """``text`` as Windows writes it in Windows-1258: a letter the code page lacks becomes
    the nearest letter it has followed by combining tone marks."""
    out = b""
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        for cut in range(len(parts), 0, -1):
            try:
                head = unicodedata.normalize("NFC", parts[:cut]).encode("cp1258")
                out += head + parts[cut:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", char, 0, 1, "not in Windows-1258")
    return out


def csv_bytes(rows, encoding="utf-8-sig"):
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    if encoding == "cp1258":
        return to_cp1258(stream.getvalue())
    return stream.getvalue().encode(encoding)


def xlsx_bytes(rows, extra=None):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    if extra:
        with zipfile.ZipFile(stream, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, content in extra.items():
                archive.writestr(name, content)
    return stream.getvalue()


def only_error(failure):
    assert len(failure.value.errors) == 1, failure.value.errors
    return failure.value.errors[0]


# --- the writers -----------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_writers_defuse_every_trigger_and_keep_numbers_and_dates_typed(trigger):
    text = trigger + "1+2"
    rows = [["name", "count", "day", "plain", "negative"], [text, -5, day("2024-01-31"), "ok", -1]]

    stream = io.StringIO()
    write_csv(rows, stream)
    assert csv_of(stream.getvalue().encode())[1] == ["'" + text, "-5", "2024-01-31", "ok", "-1"]

    buffer = io.BytesIO()
    write_xlsx(rows, buffer, "test")
    cells = xlsx_cells(buffer.getvalue())[1]
    assert cells[0].data_type == "s"
    # A carriage return is written as OOXML's _x000D_, which the importer reads back.
    assert read_rows(buffer.getvalue(), "test.xlsx")[1][0] == "'" + text
    assert (cells[1].data_type, cells[1].value) == ("n", -5)
    assert cells[2].is_date and cells[2].value == datetime.datetime(2024, 1, 31)
    assert (cells[3].value, cells[4].value) == ("ok", -1)


def test_export_records_defuses_a_formula_name_in_csv_and_xlsx(make_unit, tmp_path):
    unit = make_unit()
    Enterprise.objects.filter(pk=unit.pk).update(name=FORMULA)

    call_command("export_records", "enterprises", str(tmp_path / "e.csv"))
    call_command("export_records", "enterprises", str(tmp_path / "e.xlsx"))

    rows = csv_of((tmp_path / "e.csv").read_bytes())
    assert rows[1][:2] == [unit.tax_code, DEFUSED]
    cells = xlsx_cells((tmp_path / "e.xlsx").read_bytes())
    assert_defused_text_cell([cell for row in cells for cell in row])
    assert cells[1][6].is_date  # union_established_on, after the area's code and era
    Enterprise.objects.filter(pk=unit.pk).update(name="something else")
    for name in ("e.csv", "e.xlsx"):
        import_file("enterprises", tmp_path / name)
        assert Enterprise.objects.get(pk=unit.pk).name == FORMULA


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("portal:review_units", "csv"),
        ("portal:review_units", "xlsx"),
        ("portal:review_pending", "csv"),
        ("portal:review_pending", "xlsx"),
    ],
)
def test_the_portal_review_exports_defuse_a_formula_name(scope, period, client, name, fmt):
    Enterprise.objects.filter(pk=scope["unit_a"].pk).update(name=FORMULA, registration="pending")
    if name == "portal:review_units":
        Enterprise.objects.filter(pk=scope["unit_a"].pk).update(registration="verified")
    client.force_login(scope["reviewer_a"])

    response = client.get(reverse(name), {"format": fmt})

    assert response.status_code == 200
    if fmt == "csv":
        cells = [cell for row in csv_of(response.content) for cell in row]
        assert DEFUSED in cells and FORMULA not in cells
    else:
        assert_defused_text_cell(all_cells(response.content))


def test_the_admin_coverage_xlsx_defuses_a_formula_name(scope, period, client, province):
    Area.objects.filter(pk=province["district"].pk).update(name=FORMULA)
    client.force_login(scope["staff"])

    response = client.get(reverse("coverage_report_xlsx", args=[period.slug]))

    assert response.status_code == 200
    assert_defused_text_cell(all_cells(response.content))


@pytest.fixture
def published(db):
    cache.clear()
    figures = Figures(
        units=10,
        eligible=8,
        declared=9,
        conference_held=7,
        agreement_in_force=6,
        periodic_dialogue_held=5,
        dialogues_periodic=6,
        dialogues_ad_hoc=2,
        agreements_signed=1,
    )
    period = ReportingPeriod.objects.create(
        slug="2023-h1",
        name="6 tháng đầu năm 2023",
        start=day("2023-01-01"),
        end=day("2023-06-30"),
        min_members=10,
        status="published",
        snapshot=make_snapshot([("186", FORMULA, figures), ("178", "-1 Lạng Sơn", figures)]),
        locked_at=timezone.now(),
        published_at=timezone.now(),
    )
    yield period
    cache.clear()


def test_the_public_api_csv_and_xlsx_defuse_a_formula_name(client, published):
    rows = csv_of(client.get("/api/coverage/2023-h1.csv").content)
    assert rows[1][:3] == ["186", DEFUSED, "10"]
    assert rows[2][1] == "'-1 Lạng Sơn"

    cells = all_cells(client.get("/api/coverage/2023-h1.xlsx").content)
    assert_defused_text_cell(cells)
    assert any(cell.value == 10 and cell.data_type == "n" for cell in cells)


def test_the_coverage_command_csv_defuses_a_formula_name(published):
    out = io.StringIO()
    call_command("coverage", "2023-h1", "--format", "csv", stdout=out)
    assert csv_of(out.getvalue().encode())[1][1] == DEFUSED


# --- round trips of arbitrary names ---------------------------------------------------------

# Any character but NUL (which no database text column holds) and lone surrogates (which no
# file can hold). Import trims surrounding whitespace, as forms do, so the names have none —
# except a leading tab or carriage return, which the export's quote shields.
characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
prefixes = st.sampled_from(["", "", "'", "''", "'=", *TRIGGERS, "=+", "@'"])
vietnamese = st.sampled_from(["Công ty TNHH Hòa Bình", "Đông Thành Công", "ữ", "Ắ", "Nguyễn"])
names = (
    st.tuples(prefixes, st.one_of(st.text(characters, max_size=40), vietnamese))
    .map("".join)
    .filter(lambda name: name and name == name.rstrip())
    .filter(lambda name: name == name.lstrip() or name[0] in "\t\r")
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_any_name_survives_an_export_and_an_import(make_unit, tmp_path, fmt):
    unit = make_unit(as_of=None)
    path = tmp_path / f"enterprises.{fmt}"

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(name=names)
    def round_trip(name):
        Enterprise.objects.filter(pk=unit.pk).update(name=name)
        export_file("enterprises", path)
        Enterprise.objects.filter(pk=unit.pk).update(name="placeholder")

        outcome = import_file("enterprises", path)

        assert outcome.errors == []
        assert Enterprise.objects.get(pk=unit.pk).name == name

    round_trip()


AWKWARD_NAMES = [
    "\tTab",
    "\rCR",
    "a\r\nb",
    "_x000D_ literal",
    "bell\x07",
    "'=1+1",
    "inner  double  space",
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_awkward_names_survive_an_export_and_an_import(make_unit, tmp_path, fmt, name):
    unit = make_unit(as_of=None)
    Enterprise.objects.filter(pk=unit.pk).update(name=name)
    path = tmp_path / f"enterprises.{fmt}"
    export_file("enterprises", path)
    Enterprise.objects.filter(pk=unit.pk).update(name="placeholder")

    assert import_file("enterprises", path).errors == []
    assert Enterprise.objects.get(pk=unit.pk).name == name


# --- encodings ------------------------------------------------------------------------------

AREA_ROW = ["06252", "Xã Đồng Tân", "commune", "186"]


@pytest.mark.parametrize(
    "filename, data",
    [
        ("areas.csv", csv_bytes([AREA_HEADER, AREA_ROW], "utf-8")),
        ("areas.csv", csv_bytes([AREA_HEADER, AREA_ROW], "utf-8-sig")),
        ("areas.xlsx", xlsx_bytes([AREA_HEADER, AREA_ROW])),
    ],
    ids=["utf-8", "utf-8-bom", "xlsx"],
)
def test_utf8_with_or_without_bom_and_xlsx_import(province, tmp_path, filename, data):
    path = tmp_path / filename
    path.write_bytes(data)
    assert import_file("areas", path).errors == []
    assert Area.objects.get(code="06252").name == "Xã Đồng Tân"


def test_a_windows_1258_csv_imports_as_nfc(province, tmp_path):
    data = csv_bytes([AREA_HEADER, AREA_ROW, ["06253", "Xã Hòa Lạc", "commune", "186"]], "cp1258")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    # Windows-1258 writes the tone marks of "ã", "ồ" and "ạ" as combining characters.
    assert {"\u0303", "\u0300", "\u0323"} <= set(data.decode("cp1258"))
    path = tmp_path / "areas.csv"
    path.write_bytes(data)

    assert import_file("areas", path).errors == []

    for code, name in (("06252", "Xã Đồng Tân"), ("06253", "Xã Hòa Lạc")):
        stored = Area.objects.get(code=code).name
        assert stored == name
        assert unicodedata.is_normalized("NFC", stored)


@pytest.mark.parametrize(
    "data",
    [
        b"code,name,kind,parent_code\r\n06252,X\x81\x8d,commune,186\r\n",
        "code,name,kind,parent_code\r\n06252,Café Gòn,commune,186\r\n".encode("latin-1"),
    ],
    ids=["undefined-in-utf8-and-cp1258", "latin-1"],
)
def test_undecodable_bytes_are_one_clear_error(province, tmp_path, data):
    path = tmp_path / "areas.csv"
    path.write_bytes(data)

    with pytest.raises(ImportFileError) as failure:
        import_file("areas", path)

    error = only_error(failure)
    assert error.row == 1
    assert "UTF-8" in error.message and "Windows-1258" in error.message
    assert not Area.objects.filter(code="06252").exists()


# --- refused files ----------------------------------------------------------------------------


def test_a_csv_the_csv_reader_refuses_is_one_clear_error(db):
    with pytest.raises(ImportFileError) as failure:
        read_rows(b"code,name\r\n" + b"x" * 200_000 + b",y\r\n", "areas.csv")
    assert "cannot be read as CSV" in only_error(failure).message


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(db):
    bomb = xlsx_bytes([AREA_HEADER, AREA_ROW], extra={"xl/media/zeros.bin": b"\0" * 5_000_000})

    with pytest.raises(ImportFileError) as failure:
        read_rows(bomb, "areas.xlsx")

    error = only_error(failure)
    assert "unpack" in error.message and "100" in error.message


def test_a_workbook_that_would_unpack_beyond_the_limit_is_refused(db):
    data = xlsx_bytes([AREA_HEADER, AREA_ROW])
    assert read_rows(data, "areas.xlsx")[1] == AREA_ROW

    with pytest.raises(ImportFileError) as failure:
        read_rows(data, "areas.xlsx", max_unpacked=1000)

    assert "unpack" in only_error(failure).message


@pytest.mark.parametrize(
    "rows, words",
    [
        ([AREA_HEADER], "no data rows"),
        ([["code", "kind", "parent_code"], ["06252", "commune", "186"]], "missing"),
        ([[*AREA_HEADER, "colour"], [*AREA_ROW, "red"]], "Unknown column"),
    ],
    ids=["header-only", "missing-column", "unknown-column"],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_badly_shaped_file_is_one_clear_error(province, tmp_path, rows, words, fmt):
    path = tmp_path / f"areas.{fmt}"
    path.write_bytes(csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows))

    with pytest.raises(ImportFileError) as failure:
        import_file("areas", path)

    assert words in only_error(failure).message


# --- upload limits -------------------------------------------------------------------------


def upload(client, name, data, kind="areas"):
    return client.post(reverse("imports"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.fixture
def staff_client(client, scope, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(scope["staff"])
    return client


def area_rows(count):
    return [AREA_HEADER] + [[f"9{n:05d}", f"Xã {n}", "commune", "186"] for n in range(count)]


def test_an_upload_over_20000_rows_points_to_import_records(staff_client):
    response = upload(staff_client, "areas.csv", csv_bytes(area_rows(20_001)))

    assert response.status_code == 302
    log = ImportLog.objects.get()
    assert log.status == "refused"
    assert len(log.errors) == 1
    assert "import_records" in log.errors[0]["message"]
    assert not Area.objects.filter(code="900000").exists()


def test_an_upload_of_20000_rows_is_not_refused_for_its_size(staff_client, monkeypatch):
    checked = []

    def check_only(kind, rows, dry_run):
        checked.append(rows)
        return admin_imports.ImportOutcome(kind=kind, rows=len(rows) - 1, dry_run=dry_run)

    monkeypatch.setattr(admin_imports, "import_rows", check_only)
    response = upload(staff_client, "areas.csv", csv_bytes(area_rows(20_000)))
    assert response.status_code == 302
    assert len(checked[0]) == 20_001
    assert ImportLog.objects.get().errors == []


def test_an_upload_over_10_mb_points_to_import_records(staff_client):
    response = upload(staff_client, "areas.csv", b"x" * (10 * 1024 * 1024 + 1))

    assert response.status_code == 200
    (message,) = response.context["form"].errors["file"]
    assert "10 MB" in message and "import_records" in message
    assert not ImportLog.objects.exists()


def test_import_records_takes_files_over_the_web_limit(db, tmp_path, monkeypatch):
    # Importing 20,001 rows for real takes a while; what matters is that the command hands
    # every row to the importer instead of refusing the file.
    handed = []

    def count_only(kind, rows, dry_run=False):
        handed.append(len(rows) - 1)
        return spreadsheets.ImportOutcome(kind=kind, rows=len(rows) - 1, dry_run=dry_run)

    monkeypatch.setattr(spreadsheets, "import_rows", count_only)
    path = tmp_path / "areas.csv"
    path.write_bytes(csv_bytes(area_rows(admin_imports.MAX_IMPORT_ROWS + 1)))
    assert path.stat().st_size < admin_imports.MAX_IMPORT_BYTES

    call_command("import_records", "areas", str(path), "--dry-run")

    assert handed == [20_001]


def test_import_records_takes_files_over_10_mb(province, tmp_path):
    # Three rows, then blank rows (which an import skips) that take the file past 10 MB.
    path = tmp_path / "areas.csv"
    padding = (b" " * 100_000 + b"\r\n") * (admin_imports.MAX_IMPORT_BYTES // 100_000 + 1)
    path.write_bytes(csv_bytes(area_rows(3)) + padding)
    assert path.stat().st_size > admin_imports.MAX_IMPORT_BYTES

    call_command("import_records", "areas", str(path))

    assert Area.objects.filter(code__startswith="9").count() == 3
