"""Files an import must refuse, or read without harm: hostile sheets, duplicated keys, look-alike
codes, other encodings, and accounts an import may not touch."""

import csv
import io
import resource
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from workplace.models import Enterprise, HeadcountDeclaration, User
from workplace.spreadsheets import ImportFileError, import_file, read_rows

AREA_HEADER = ["code", "name", "kind", "parent_code"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_bytes(rows):
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return stream.getvalue().encode("utf-8")


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def with_declared_size(data, dimension):
    """The workbook ``data`` with its first sheet claiming to span ``dimension``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<dimension ref=")
                end = text.index("/>", start) + 2
                text = text[:start] + f'<dimension ref="{dimension}"/>' + text[end:]
                # A lone cell at the sheet's far corner, as a hostile file would hold.
                text = text.replace(
                    "</sheetData>",
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    "</row></sheetData>",
                )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


# --- sheets that declare an enormous size ---------------------------------------------------


def test_a_sheet_declaring_an_enormous_size_is_read_as_what_it_holds(db):
    data = with_declared_size(
        xlsx_bytes([AREA_HEADER, ["06252", "Xã A", "commune", "186"]]), "A1:XFD1048576"
    )
    assert len(data) < 10_000

    tracemalloc.start()
    try:
        rows = read_rows(data, "areas.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert list(rows[0]) == AREA_HEADER
    assert list(rows[1]) == ["06252", "Xã A", "commune", "186"]
    assert all(len(row) <= len(AREA_HEADER) for row in rows)
    # A million rows of the header's width would take gigabytes; what exists takes little.
    assert peak < 64 * 1024 * 1024, f"reading took {peak / 1e6:.0f} MB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 4 * 1024 * 1024  # KiB


def test_rows_past_the_limit_are_refused_with_a_clear_message(db):
    data = xlsx_bytes([AREA_HEADER] + [[f"9{n:05d}", "Xã", "commune", ""] for n in range(6)])

    with pytest.raises(ImportFileError) as failure:
        read_rows(data, "areas.xlsx", max_rows=5)

    (error,) = failure.value.errors
    assert "more than 5 rows" in error.message
    assert len(read_rows(data, "areas.xlsx", max_rows=6)) == 7


# --- the same record twice in one file ------------------------------------------------------


def test_the_same_tax_code_twice_is_refused_naming_both_rows(province, tmp_path):
    header = [
        "tax_code",
        "name",
        "sector",
        "area_code",
        "union_body_code",
        "union_established_on",
        "dissolved_on",
    ]
    rows = [
        header,
        ["4900000001", "Công ty A", "non_state", "186", "LDLD-186", "2015-01-01", ""],
        ["4900000002", "Công ty B", "non_state", "186", "LDLD-186", "2015-01-01", ""],
        ["4900000001", "Công ty A mới", "non_state", "186", "LDLD-186", "2015-01-01", ""],
    ]

    outcome = import_file("enterprises", write(tmp_path, "enterprises.csv", rows))

    assert not outcome.written
    assert [(error.row, error.column) for error in outcome.errors] == [(4, "tax_code")]
    assert "Row 2" in outcome.errors[0].message
    assert not Enterprise.objects.filter(tax_code="4900000001").exists()


def test_a_headcount_with_its_date_written_two_ways_is_one_record_twice(make_unit, tmp_path):
    unit = make_unit(as_of=None)
    rows = [
        ["tax_code", "as_of", "union_members", "workers", "operating"],
        [unit.tax_code, "2023-06-30", "20", "30", "true"],
        [unit.tax_code, "30/06/2023", "25", "30", "true"],
    ]

    outcome = import_file("headcounts", write(tmp_path, "headcounts.csv", rows))

    assert [(error.row, error.column) for error in outcome.errors] == [(3, "tax_code, as_of")]
    assert "Row 2" in outcome.errors[0].message
    assert not HeadcountDeclaration.objects.filter(enterprise=unit).exists()


def test_user_names_differing_only_in_case_are_one_account_in_a_file(scope, tmp_path):
    rows = [
        ["username", "email", "full_name", "role", "tax_codes", "union_body_code"],
        ["new.officer", "a@example.org", "A", "officer", "", ""],
        ["New.Officer", "b@example.org", "B", "officer", "", ""],
    ]

    outcome = import_file("officers", write(tmp_path, "officers.csv", rows))

    assert [error.row for error in outcome.errors] == [3]
    assert not User.objects.filter(username__iexact="new.officer").exists()


# --- tax codes are ASCII digits -------------------------------------------------------------


def test_full_width_digits_are_read_as_the_same_tax_code(make_unit, tmp_path):
    unit = make_unit(as_of=None)
    full_width = unit.tax_code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        ["tax_code", "as_of", "union_members", "workers", "operating"],
        [full_width, "2023-06-30", "20", "30", "true"],
    ]

    outcome = import_file("headcounts", write(tmp_path, "headcounts.csv", rows))

    assert outcome.written, outcome.errors
    assert HeadcountDeclaration.objects.filter(enterprise=unit).count() == 1


def test_an_enterprise_cannot_be_registered_twice_with_look_alike_digits(make_unit, province):
    unit = make_unit()
    full_width = unit.tax_code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    twin = Enterprise(
        tax_code=full_width,
        name="Bản sao",
        sector="non_state",
        area=province["district"],
        union_body=province["body"],
        union_established_on=unit.union_established_on,
    )
    with pytest.raises(ValidationError) as failure:
        twin.full_clean()
    assert "tax_code" in failure.value.message_dict
    assert twin.tax_code == unit.tax_code  # read as the ASCII code it stands for


@pytest.mark.parametrize("digits", ["٤٩٠٠٠٠٠٠٠١", "४९००००००१२"], ids=["arabic-indic", "devanagari"])
def test_other_scripts_digits_are_refused(province, digits):
    unit = Enterprise(
        tax_code=digits,
        name="Chữ số lạ",
        sector="non_state",
        area=province["district"],
        union_body=province["body"],
        union_established_on="2015-01-01",
    )
    with pytest.raises(ValidationError) as failure:
        unit.full_clean()
    assert "tax_code" in failure.value.message_dict


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_csv_imports_like_utf8(province, tmp_path, encoding):
    text = "code,name,kind,parent_code\r\n06252,Xã Minh Sơn,commune,186\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "areas.csv"
    path.write_bytes(data)

    outcome = import_file("areas", path)

    assert outcome.written, outcome.errors
    from workplace.models import Area

    assert Area.objects.get(code="06252").name == "Xã Minh Sơn"


# --- accounts an import may not touch -------------------------------------------------------

OFFICER_HEADER = ["username", "email", "full_name", "role", "tax_codes", "union_body_code"]


def test_an_import_cannot_change_a_federation_account(scope, tmp_path):
    staff = scope["staff"]
    rows = [OFFICER_HEADER, [staff.username, "attacker@example.org", "X", "reviewer", "", ""]]

    outcome = import_file("officers", write(tmp_path, "officers.csv", rows))

    assert (2, "username") in [(error.row, error.column) for error in outcome.errors]
    staff.refresh_from_db()
    assert staff.email != "attacker@example.org"
    assert staff.role == User.Role.FEDERATION


def test_an_import_cannot_create_federation_staff(db, tmp_path):
    rows = [OFFICER_HEADER, ["new.boss", "boss@example.org", "B", "federation", "", ""]]

    outcome = import_file("officers", write(tmp_path, "officers.csv", rows))

    assert [(error.row, error.column) for error in outcome.errors] == [(2, "role")]
    assert not User.objects.filter(username="new.boss").exists()


def test_an_import_matches_an_existing_officer_whatever_the_case(scope, tmp_path):
    officer = scope["officer_a"]
    rows = [OFFICER_HEADER, [officer.username.upper(), "new@example.org", "Tên mới", "officer"]]
    rows[1] += ["", ""]

    outcome = import_file("officers", write(tmp_path, "officers.csv", rows))

    assert outcome.written, outcome.errors
    assert User.objects.filter(username__iexact=officer.username).count() == 1
    officer.refresh_from_db()
    assert officer.email == "new@example.org"


def test_two_accounts_cannot_differ_only_in_case(scope):
    twin = User(username=scope["officer_a"].username.upper(), email="twin@example.org")
    twin.set_unusable_password()
    with pytest.raises(ValidationError):
        twin.validate_constraints()


def test_signing_in_ignores_the_case_of_the_user_name(scope, client):
    officer = scope["officer_a"]
    response = client.post(
        reverse("portal:login"),
        {"username": officer.username.upper(), "password": "pass-1234-word"},
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == officer.pk


def test_the_preview_lists_each_field_an_import_changes_on_an_account(scope, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workplace.models import ImportLog

    officer = scope["officer_a"]
    rows = [
        OFFICER_HEADER,
        [
            officer.username,
            "moi@example.org",
            officer.full_name,
            "officer",
            scope["unit_b"].tax_code,
            "",
        ],
    ]
    client.force_login(scope["staff"])
    response = client.post(
        reverse("imports"),
        {"kind": "officers", "file": SimpleUploadedFile("officers.csv", csv_bytes(rows))},
        follow=True,
    )

    log = ImportLog.objects.get()
    changed = {(c["username"], c["before"], c["after"]) for c in log.account_changes}
    assert (officer.username, officer.email, "moi@example.org") in changed
    assert (officer.username, scope["unit_a"].tax_code, scope["unit_b"].tax_code) in changed
    html = response.content.decode()
    assert 'id="account-changes"' in html and "moi@example.org" in html
    officer.refresh_from_db()
    assert officer.email != "moi@example.org"  # a preview writes nothing


def test_registering_in_the_portal_with_full_width_digits_finds_the_existing_unit(scope, client):
    unit = scope["unit_a"]
    full_width = unit.tax_code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    client.force_login(scope["officer_a"])
    response = client.post(
        reverse("portal:unit_register"),
        {
            "tax_code": full_width,
            "name": "Bản sao",
            "sector": "non_state",
            "area": unit.area_id,
            "union_body": unit.union_body_id,
            "union_established_on": "2015-01-01",
        },
    )
    assert response.status_code == 200
    assert "tax_code" in response.context["form"].errors
    assert Enterprise.objects.filter(name="Bản sao").count() == 0
