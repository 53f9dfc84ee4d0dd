"""The admin's import screen: upload, preview without writing, confirm by the uploader only."""

import csv
import hashlib
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplace import periods
from workplace.admin.imports import MENU
from workplace.import_templates import allowed_values
from workplace.models import (
    AuditEntry,
    Enterprise,
    HeadcountDeclaration,
    ImportLog,
    WorkerConference,
)
from workplace.resources import RESOURCES, VIETNAMESE_HEADINGS
from workplace.spreadsheets import import_rows, normalise_header

from ...conftest import day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADCOUNT_HEADER = ["tax_code", "as_of", "union_members", "workers", "operating"]
CONFERENCE_HEADER = ["tax_code", "held_on", "form", "attendees"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(scope):
    return scope["staff"]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- helpers -------------------------------------------------------------------------------


def csv_bytes(rows):
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return stream.getvalue().encode("utf-8-sig")


def upload(client, kind, name, data):
    return client.post(reverse("imports"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def upload_log(client, kind, name, data):
    response = upload(client, kind, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    log = ImportLog.objects.latest("pk")
    assert response["Location"] == reverse("import_preview", args=[log.pk])
    return log


def confirm(client, log):
    return client.post(reverse("import_confirm", args=[log.pk]))


def confirm_url(log):
    return reverse("import_confirm", args=[log.pk])


def stored_records():
    return {
        "headcounts": list(HeadcountDeclaration.objects.order_by("pk").values()),
        "conferences": list(WorkerConference.objects.order_by("pk").values()),
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def xlsx_bytes(book):
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def download_template(client, kind):
    response = client.get(reverse("import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def fill(book, rows):
    """Write ``rows`` from row 3 on, over the template's example."""
    sheet = book.active
    for number, row in enumerate(rows, start=3):
        for index, value in enumerate(row, start=1):
            sheet.cell(row=number, column=index, value=value)
    return xlsx_bytes(book)


@pytest.fixture
def headcount_file(scope):
    """unit_a: one row identical to its declaration and one new; unit_b: one changed row."""
    unit_a, unit_b = scope["unit_a"], scope["unit_b"]
    return csv_bytes(
        [
            HEADCOUNT_HEADER,
            [unit_a.tax_code, "2023-06-30", "25", "30", "true"],
            [unit_a.tax_code, "2023-12-31", "27", "33", "true"],
            [unit_b.tax_code, "2023-06-30", "40", "55", "true"],
        ]
    )


# --- upload and preview --------------------------------------------------------------------


def test_the_import_screen_lists_kinds_templates_and_past_imports(staff_client, staff):
    ImportLog.objects.create(
        actor=staff, kind="areas", file_name="địa-bàn.csv", checksum="0" * 64, status="refused"
    )
    response = staff_client.get(reverse("imports"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert "địa-bàn.csv" in body
    for kind in RESOURCES:
        assert f'value="{kind}"' in body
        assert reverse("import_template", args=[kind]) in body


def test_past_imports_are_listed_newest_first_and_paginated(staff_client, staff):
    for number in range(25):
        ImportLog.objects.create(
            actor=staff,
            kind="areas",
            file_name=f"file-{number:02d}.csv",
            checksum="0" * 64,
            status="refused",
        )
    first = staff_client.get(reverse("imports")).content.decode()
    second = staff_client.get(reverse("imports"), {"p": 2}).content.decode()
    assert "file-24.csv" in first and "file-00.csv" not in first
    assert first.index("file-24.csv") < first.index("file-23.csv")
    assert "file-00.csv" in second and "file-24.csv" not in second


def test_upload_previews_the_counts_and_writes_nothing(staff_client, staff, headcount_file):
    before = stored_records()
    log = upload_log(staff_client, "headcounts", "so-lao-dong.csv", headcount_file)

    assert stored_records() == before
    assert (log.status, log.kind, log.actor) == ("previewed", "headcounts", staff)
    assert (log.rows, log.new, log.updated, log.unchanged) == (3, 1, 1, 1)
    assert log.errors == []
    body = staff_client.get(reverse("import_preview", args=[log.pk])).content.decode()
    assert '<td data-count="new">1</td>' in body
    assert '<td data-count="updated">1</td>' in body
    assert '<td data-count="unchanged">1</td>' in body
    assert log.checksum in body
    assert confirm_url(log) in body


def test_the_log_keeps_the_file_name_checksum_and_bytes(
    staff_client, headcount_file, private_media
):
    log = upload_log(staff_client, "headcounts", "Khai báo số lao động.csv", headcount_file)

    assert log.file_name == "Khai báo số lao động.csv"
    assert log.checksum == hashlib.sha256(headcount_file).hexdigest()
    with log.file.open("rb") as stored:
        assert stored.read() == headcount_file
    assert "Khai" not in log.file.name and log.file.name.endswith(".csv")
    assert (private_media / log.file.name).is_file()


@pytest.mark.parametrize(
    "name, data",
    [
        ("records.txt", b"tax_code,as_of\r\n"),
        ("records.csv", b"x" * (11 * 1024 * 1024)),
    ],
    ids=["not-csv-or-xlsx", "over-10-MB"],
)
def test_a_wrong_kind_of_file_or_a_too_large_one_is_refused(
    staff_client, private_media, name, data
):
    response = upload(staff_client, "headcounts", name, data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportLog.objects.exists()
    assert not any(private_media.iterdir())


def test_an_unreadable_file_is_refused_with_its_reason(staff_client):
    log = upload_log(staff_client, "headcounts", "broken.xlsx", b"not a workbook")
    assert log.status == "refused"
    assert [(e["row"], e["column"]) for e in log.errors] == [(1, "—")]
    assert (
        confirm_url(log)
        not in staff_client.get(reverse("import_preview", args=[log.pk])).content.decode()
    )


def test_a_bad_row_is_listed_by_row_and_column_and_cannot_be_confirmed(staff_client, scope):
    unit = scope["unit_a"]
    data = csv_bytes(
        [
            CONFERENCE_HEADER,
            [unit.tax_code, "2023-03-01", "full", "20"],
            [unit.tax_code, "2023-04-01", "many", "20"],
        ]
    )
    before = stored_records()
    log = upload_log(staff_client, "conferences", "hoi-nghi.csv", data)

    assert log.status == "refused"
    assert [(e["row"], e["column"]) for e in log.errors] == [(3, "form")]
    assert "'many'" in log.errors[0]["message"]
    body = staff_client.get(reverse("import_preview", args=[log.pk])).content.decode()
    assert 'id="import-errors"' in body
    assert "<td>3</td>" in body and "<code>form</code>" in body
    assert confirm_url(log) not in body

    response = confirm(staff_client, log)
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.status == "refused"
    assert stored_records() == before


# --- confirm -------------------------------------------------------------------------------


def test_confirm_writes_everything_with_the_uploader_as_author(
    staff_client, staff, scope, headcount_file
):
    log = upload_log(staff_client, "headcounts", "so-lao-dong.csv", headcount_file)
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))

    response = confirm(staff_client, log)

    assert response.status_code == 302
    assert response["Location"] == reverse("import_preview", args=[log.pk])
    log.refresh_from_db()
    assert log.status == "imported"
    assert (log.rows, log.new, log.updated, log.unchanged) == (3, 1, 1, 1)
    assert log.errors == []
    declared = {
        (h.enterprise.tax_code, h.as_of): (h.union_members, h.workers)
        for h in HeadcountDeclaration.objects.select_related("enterprise")
    }
    assert declared == {
        (scope["unit_a"].tax_code, day("2023-06-30")): (25, 30),
        (scope["unit_a"].tax_code, day("2023-12-31")): (27, 33),
        (scope["unit_b"].tax_code, day("2023-06-30")): (40, 55),
    }
    entries = AuditEntry.objects.exclude(pk__in=audit_before)
    assert sorted(entries.values_list("action", flat=True)) == ["change", "create"]
    assert {(e.source, e.actor, e.actor_name) for e in entries} == {
        ("import", staff, staff.username)
    }


def test_a_second_confirm_does_nothing(staff_client, headcount_file):
    log = upload_log(staff_client, "headcounts", "so-lao-dong.csv", headcount_file)
    confirm(staff_client, log)
    after_first = stored_records()
    log.refresh_from_db()
    counts = (log.status, log.rows, log.new, log.updated, log.unchanged)

    response = confirm(staff_client, log)

    assert response.status_code == 302
    assert stored_records() == after_first
    log.refresh_from_db()
    assert (log.status, log.rows, log.new, log.updated, log.unchanged) == counts
    body = staff_client.get(reverse("import_preview", args=[log.pk])).content.decode()
    assert confirm_url(log) not in body


def test_another_federation_user_cannot_confirm_someone_elses_preview(
    client, make_user, staff_client, headcount_file
):
    log = upload_log(staff_client, "headcounts", "so-lao-dong.csv", headcount_file)
    before = stored_records()
    colleague = make_user("colleague", role="federation")
    client.force_login(colleague)

    preview = client.get(reverse("import_preview", args=[log.pk]))
    response = confirm(client, log)

    assert preview.status_code == 200
    assert confirm_url(log) not in preview.content.decode()
    assert response.status_code in (403, 404)
    assert stored_records() == before
    log.refresh_from_db()
    assert log.status == "previewed"


def test_confirm_imports_the_stored_file_not_a_new_upload(staff_client, headcount_file, scope):
    log = upload_log(staff_client, "headcounts", "so-lao-dong.csv", headcount_file)
    other = csv_bytes([HEADCOUNT_HEADER, [scope["unit_a"].tax_code, "2024-06-30", "9", "9", "1"]])

    staff_client.post(
        reverse("import_confirm", args=[log.pk]),
        {"kind": "headcounts", "file": SimpleUploadedFile("other.csv", other)},
    )

    assert not HeadcountDeclaration.objects.filter(as_of=day("2024-06-30")).exists()
    assert HeadcountDeclaration.objects.filter(as_of=day("2023-12-31")).exists()


def test_a_stored_file_changed_since_the_preview_is_refused(staff_client, headcount_file):
    log = upload_log(staff_client, "headcounts", "so-lao-dong.csv", headcount_file)
    before = stored_records()
    with open(log.file.path, "ab") as stored:
        stored.write(b"4900000999,2023-06-30,1,1,true\r\n")

    confirm(staff_client, log)

    log.refresh_from_db()
    assert log.status == "refused"
    assert log.errors and log.errors[0]["row"] == 1
    assert stored_records() == before


def test_a_period_locked_since_the_preview_makes_the_confirm_fail(staff_client, scope, period):
    unit = scope["unit_a"]
    data = csv_bytes(
        [
            CONFERENCE_HEADER,
            [unit.tax_code, "2023-09-01", "full", "20"],
            [unit.tax_code, "2023-04-01", "delegate", "15"],
        ]
    )
    log = upload_log(staff_client, "conferences", "hoi-nghi.csv", data)
    assert log.status == "previewed"
    periods.lock(period)
    before = stored_records()

    response = confirm(staff_client, log)

    assert response.status_code == 302
    log.refresh_from_db()
    assert log.status == "refused"
    assert [(e["row"], e["column"]) for e in log.errors] == [(3, "held_on")]
    assert period.name in log.errors[0]["message"]
    assert stored_records() == before
    body = staff_client.get(reverse("import_preview", args=[log.pk])).content.decode()
    assert period.name in body


# --- templates -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(RESOURCES))
def test_each_kind_has_a_template_with_both_headings_and_drop_down_lists(staff_client, kind):
    book = download_template(staff_client, kind)
    sheet = book.active
    columns = RESOURCES[kind].columns()
    names = [cell.value for cell in sheet[1]]
    headings = [cell.value for cell in sheet[2]]

    assert names == columns
    assert [normalise_header(heading) for heading in headings] == columns
    assert all(cell.font.bold for cell in (*sheet[1], *sheet[2]))
    assert [cell.value for cell in sheet[3]] != [None] * len(columns)
    validations = {
        str(validation.sqref): validation.formula1
        for validation in sheet.data_validations.dataValidation
    }
    expected = {
        f"{openpyxl.utils.get_column_letter(columns.index(name) + 1)}3:"
        f"{openpyxl.utils.get_column_letter(columns.index(name) + 1)}1000": '"{}"'.format(
            ",".join(values)
        )
        for name, values in allowed_values(kind).items()
    }
    assert validations == expected


def test_coded_columns_get_drop_down_lists():
    assert allowed_values("enterprises") == {
        "sector": [
            "non_state",
            "fdi",
            "non_public_service",
            "state",
            "public_service",
            "state_agency",
        ]
    }
    assert allowed_values("areas") == {
        "kind": ["province", "district", "commune", "zone"],
        "era": ["before_2025", "from_2025"],
    }
    assert allowed_values("conferences") == {"form": ["full", "delegate"]}
    assert allowed_values("dialogues") == {"kind": ["periodic", "on_request", "event"]}
    assert allowed_values("officers") == {"role": ["officer", "reviewer", "federation"]}
    assert allowed_values("headcounts") == {"operating": ["true", "false"]}
    assert allowed_values("agreements") == {"grade": ["A", "B", "C", "D"]}
    assert allowed_values("periods") == {"decimals": ["1", "2"]}


def test_every_vietnamese_heading_reads_back_as_its_column():
    for name, heading in VIETNAMESE_HEADINGS.items():
        assert normalise_header(heading) == name


@pytest.mark.parametrize("kind", list(RESOURCES))
def test_an_untouched_template_reads_its_example_as_row_3(staff_client, kind):
    data = xlsx_bytes(download_template(staff_client, kind))
    log = upload_log(staff_client, kind, f"{kind}.xlsx", data)
    assert log.rows == 1
    assert {e["row"] for e in log.errors} <= {3}


def test_a_templates_example_dates_show_day_month_year(staff_client):
    sheet = download_template(staff_client, "agreements").active
    dates = [cell for cell in sheet[3] if cell.is_date]
    assert len(dates) == 4  # signed, effective, expiry, submission
    assert {cell.number_format for cell in dates} == {"dd/mm/yyyy"}


def test_unknown_kinds_have_no_template(staff_client):
    assert staff_client.get(reverse("import_template", args=["payslips"])).status_code == 404


def test_a_filled_enterprise_template_imports(staff_client, province):
    data = fill(
        download_template(staff_client, "enterprises"),
        [
            [
                "4900555001",
                "Công ty TNHH Chè Bắc Sơn",
                "non_state",
                "186",
                "",
                "LDLD-186",
                day("2016-05-01"),
                None,
            ],
            [
                "4900555002",
                "Công ty CP Gạch Hữu Lũng",
                "fdi",
                "06250",
                "from_2025",
                "LDLD-186",
                "15/08/2018",
                None,
            ],
        ],
    )
    log = upload_log(staff_client, "enterprises", "doanh-nghiep.xlsx", data)
    assert (log.status, log.rows, log.new) == ("previewed", 2, 2)

    confirm(staff_client, log)

    log.refresh_from_db()
    assert log.status == "imported"
    units = {u.tax_code: u for u in Enterprise.objects.filter(tax_code__startswith="4900555")}
    assert units["4900555002"].area == province["commune"]
    assert units["4900555002"].union_established_on == day("2018-08-15")
    assert {u.registration for u in units.values()} == {"verified"}


def test_a_filled_headcount_template_imports(staff_client, scope):
    data = fill(
        download_template(staff_client, "headcounts"),
        [
            [scope["unit_a"].tax_code, day("2023-12-31"), 31, 45, "true"],
            [scope["unit_b"].tax_code, day("2023-12-31"), 8, 12, "false"],
        ],
    )
    log = upload_log(staff_client, "headcounts", "so-lao-dong.xlsx", data)
    confirm(staff_client, log)

    log.refresh_from_db()
    assert (log.status, log.new) == ("imported", 2)
    late = HeadcountDeclaration.objects.get(enterprise=scope["unit_b"], as_of=day("2023-12-31"))
    assert (late.union_members, late.workers, late.operating) == (8, 12, False)


def test_errors_in_a_filled_template_carry_the_row_numbers_the_spreadsheet_shows(
    staff_client, scope
):
    data = fill(
        download_template(staff_client, "headcounts"),
        [
            [scope["unit_a"].tax_code, day("2023-12-31"), 31, 45, "true"],
            [scope["unit_b"].tax_code, day("2023-12-31"), 8, 12, "perhaps"],
            [],
            ["4999999999", day("2023-12-31"), 8, 12, "true"],
        ],
    )
    log = upload_log(staff_client, "headcounts", "so-lao-dong.xlsx", data)

    assert log.status == "refused"
    assert [(e["row"], e["column"]) for e in log.errors] == [(4, "operating"), (6, "tax_code")]
    assert not HeadcountDeclaration.objects.filter(as_of=day("2023-12-31")).exists()


def test_a_second_row_of_vietnamese_headings_is_skipped_in_csv_too(scope):
    rows = [
        HEADCOUNT_HEADER,
        ["Mã số thuế", "Tính đến ngày", "Số đoàn viên", "Số lao động", ""],
        [scope["unit_a"].tax_code, "2023-12-31", "31", "bad", "true"],
    ]
    outcome = import_rows("headcounts", rows, dry_run=True)
    assert (outcome.rows, [(e.row, e.column) for e in outcome.errors]) == (1, [(3, "workers")])


def test_a_second_row_of_data_is_never_taken_for_headings(scope):
    rows = [
        CONFERENCE_HEADER,
        [scope["unit_a"].tax_code, "2023-03-01", "full", ""],
        [scope["unit_a"].tax_code, "2023-04-01", "delegate", ""],
    ]
    assert import_rows("conferences", rows, dry_run=True).rows == 2


# --- who may use it ------------------------------------------------------------------------


def test_the_admin_menu_offers_the_import_screen(staff_client):
    body = staff_client.get(reverse("imports")).content.decode()
    props = body.split('<script id="wagtail-sidebar-props" type="application/json">')[1]
    props = json.loads(props.split("</script>")[0])
    items = [
        item["_args"][0]
        for module in props["modules"]
        if module["_type"] == "wagtail.sidebar.MainMenuModule"
        for item in module["_args"][0]
    ]
    entry = next(item for item in items if item.get("url") == reverse("imports"))
    assert entry["icon_name"] == MENU[0][2] == "upload"


@pytest.mark.parametrize("who", ["officer_a", "reviewer_a"])
def test_officers_and_reviewers_cannot_reach_the_import_screen(client, scope, headcount_file, who):
    log = ImportLog.objects.create(
        actor=scope[who],
        kind="headcounts",
        file_name="so-lao-dong.csv",
        checksum=hashlib.sha256(headcount_file).hexdigest(),
        status="previewed",
    )
    before = stored_records()
    client.force_login(scope[who])

    responses = [
        client.get(reverse("imports")),
        client.get(reverse("import_preview", args=[log.pk])),
        client.get(reverse("import_template", args=["enterprises"])),
        upload(client, "headcounts", "so-lao-dong.csv", headcount_file),
        confirm(client, log),
    ]

    assert [r.status_code for r in responses if r.status_code == 200] == []
    assert all(r.status_code in (302, 403) for r in responses)
    assert ImportLog.objects.count() == 1
    log.refresh_from_db()
    assert log.status == "previewed"
    assert stored_records() == before
