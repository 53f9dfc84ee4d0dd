"""The public-sector records and the new columns in the federation's admin (issue 14): the
upload's preview and confirm, the templates, the exports, the data screens and their labels."""

import csv
import io

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from workplace.admin.labels import kind_label, record_kind_choices
from workplace.history import describe_all
from workplace.models import (
    AuditEntry,
    CollectiveAgreement,
    ImportLog,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
)
from workplace.permissions import FEDERATION_GROUP, grant_every_permission
from workplace.resources import vietnamese_headings

from ...conftest import day, sign_agreement

NEW_KINDS = ("officials_conferences", "inspection_boards", "regulations")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


@pytest.fixture
def agency(make_unit):
    return make_unit(as_of=None, established="2015-01-01", sector="state_agency")


def csv_bytes(rows):
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return stream.getvalue().encode("utf-8-sig")


def upload(client, kind, name, data):
    response = client.post(
        reverse("imports"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportLog.objects.latest("pk")


def template_book(client, kind):
    response = client.get(reverse("import_template", args=[kind]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


# --- imports ---------------------------------------------------------------------------------


def test_an_upload_of_officials_conferences_is_previewed_then_written_on_confirm(
    staff_client, scope, agency
):
    headings = [heading for _name, heading in vietnamese_headings("officials_conferences")]
    data = csv_bytes(
        [headings, [agency.tax_code, "20/01/2023", "60"], [agency.tax_code, "2022-01-18", ""]]
    )

    log = upload(staff_client, "officials_conferences", "hoi-nghi-cbccvc.csv", data)

    assert (log.status, log.rows, log.new) == ("previewed", 2, 2)
    assert not OfficialsConference.objects.exists()
    preview = staff_client.get(reverse("import_preview", args=[log.pk])).content.decode()
    assert reverse("import_confirm", args=[log.pk]) in preview

    staff_client.post(reverse("import_confirm", args=[log.pk]))

    log.refresh_from_db()
    assert log.status == "imported"
    assert sorted(OfficialsConference.objects.values_list("held_on", "attendees")) == [
        (day("2022-01-18"), None),
        (day("2023-01-20"), 60),
    ]
    entries = AuditEntry.objects.filter(model="workplace.officialsconference", action="create")
    assert {(entry.source, entry.actor) for entry in entries} == {("import", scope["staff"])}


def test_a_board_of_twelve_members_is_refused_in_the_preview(staff_client, agency):
    data = csv_bytes(
        [
            ["tax_code", "elected_on", "term_ends_on", "members"],
            [agency.tax_code, "2022-01-18", "2027-01-17", "5"],
            [agency.tax_code, "2017-01-10", "2022-01-09", "12"],
        ]
    )
    log = upload(staff_client, "inspection_boards", "ban-ttnd.csv", data)

    assert log.status == "refused"
    assert [(e["row"], e["column"]) for e in log.errors] == [(3, "members")]
    assert log.errors[0]["message"] == "Ban thanh tra nhân dân có từ 3 đến 9 thành viên."
    staff_client.post(reverse("import_confirm", args=[log.pk]))
    assert not InspectionBoard.objects.exists()


def test_an_unknown_grade_is_refused_in_the_preview(staff_client, scope):
    data = csv_bytes(
        [
            ["tax_code", "signed_on", "effective_from", "expires_on", "votes_for"]
            + ["workers_consulted", "grade"],
            [scope["unit_a"].tax_code, "2023-02-01", "2023-02-01", "2025-01-31", "30", "40", "F"],
        ]
    )
    log = upload(staff_client, "agreements", "thoa-uoc.csv", data)

    assert [(e["row"], e["column"]) for e in log.errors] == [(2, "grade")]
    assert log.errors[0]["message"] == (
        "'F' không phải là xếp loại: hãy ghi A, B, C, D, hoặc để trống ô."
    )
    assert not CollectiveAgreement.objects.exists()


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_a_filled_template_of_a_new_kind_imports(staff_client, agency, kind):
    book = template_book(staff_client, kind)
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == [name for name, _ in vietnamese_headings(kind)]
    assert [cell.value for cell in sheet[2]] == [
        heading for _, heading in vietnamese_headings(kind)
    ]
    sheet.cell(row=3, column=1, value=agency.tax_code)
    stream = io.BytesIO()
    book.save(stream)

    log = upload(staff_client, kind, f"{kind}.xlsx", stream.getvalue())
    staff_client.post(reverse("import_confirm", args=[log.pk]))

    log.refresh_from_db()
    assert (log.status, log.new) == ("imported", 1), log.errors
    model = {"officials_conferences": OfficialsConference, "inspection_boards": InspectionBoard}
    assert model.get(kind, Regulation).objects.get().enterprise == agency


def test_the_agreement_template_offers_the_grades(staff_client):
    sheet = template_book(staff_client, "agreements").active
    names = [cell.value for cell in sheet[1]]
    assert names[-3:] == ["grade", "graded_on", "workers_covered"]
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"A,B,C,D"' in formulas


def test_the_period_template_offers_one_or_two_decimals(staff_client):
    sheet = template_book(staff_client, "periods").active
    assert [cell.value for cell in sheet[1]][-1] == "decimals"
    assert {v.formula1 for v in sheet.data_validations.dataValidation} == {'"1,2"'}


# --- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_the_export_screen_offers_each_new_kind_as_csv(staff_client, agency, kind):
    InspectionBoard.objects.create(
        enterprise=agency, elected_on=day("2022-01-18"), term_ends_on=day("2027-01-17"), members=5
    )
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-01-20"))
    Regulation.objects.create(enterprise=agency, issued_on=day("2021-07-01"))
    assert (
        reverse("export_csv", args=[kind]).encode() in staff_client.get(reverse("exports")).content
    )

    response = staff_client.get(reverse("export_csv", args=[kind]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [name for name, _ in vietnamese_headings(kind)]
    assert rows[1][0] == agency.tax_code


# --- data screens ----------------------------------------------------------------------------


def test_the_new_data_screens_list_their_records(staff_client, agency):
    agency.name = "Sở Nội vụ tỉnh Lạng Sơn"
    agency.save()
    InspectionBoard.objects.create(
        enterprise=agency, elected_on=day("2022-01-18"), term_ends_on=day("2027-01-17"), members=7
    )
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-01-20"), attendees=61)
    Regulation.objects.create(enterprise=agency, issued_on=day("2021-07-01"))
    for kind in NEW_KINDS:
        body = staff_client.get(reverse(f"{kind}:index"), {"q": "so noi vu"}).content.decode()
        assert "Sở Nội vụ tỉnh Lạng Sơn" in body, kind
        export = staff_client.get(reverse(f"{kind}:index"), {"export": "csv"})
        assert agency.name in b"".join(export.streaming_content).decode("utf-8-sig"), kind


def test_a_board_is_added_in_the_admin_and_audited(staff_client, scope, agency):
    data = {
        "enterprise": agency.pk,
        "elected_on": "2022-01-18",
        "term_ends_on": "2027-01-17",
        "members": "5",
    }
    response = staff_client.post(reverse("inspection_boards:add"), data)

    assert response.status_code == 302
    board = InspectionBoard.objects.get()
    entry = AuditEntry.objects.get(model="workplace.inspectionboard", action="create")
    assert (entry.actor, entry.source, entry.enterprise) == (scope["staff"], "admin", agency)
    with translation.override("en"):
        (described,) = describe_all([entry], scope["staff"])
        assert described["kind"] == "People's Inspection Board"
        changes = {str(change["label"]): change["after"] for change in described["changes"]}
    assert changes["Members"] == "5"
    assert changes["Term ends on"] == "17/01/2027"
    assert board.members == 5


def test_a_board_of_two_members_is_refused_by_the_admin_form(staff_client, agency):
    data = {
        "enterprise": agency.pk,
        "elected_on": "2022-01-18",
        "term_ends_on": "2027-01-17",
        "members": "2",
    }
    response = staff_client.post(reverse("inspection_boards:add"), data)

    assert response.status_code == 200
    assert "Ban thanh tra nhân dân có từ 3 đến 9 thành viên." in response.content.decode()
    assert not InspectionBoard.objects.exists()


def test_the_agreement_form_and_list_show_the_grade(staff_client, scope):
    agreement = sign_agreement(scope["unit_a"], "2023-02-01", "2025-01-31")
    url = reverse("agreements:edit", args=[agreement.pk])
    form = staff_client.get(url).content.decode()
    assert 'name="grade"' in form and 'name="graded_on"' in form
    assert 'name="workers_covered"' in form

    data = {
        "enterprise": agreement.enterprise_id,
        "signed_on": "2023-02-01",
        "effective_from": "2023-02-01",
        "expires_on": "2025-01-31",
        "votes_for": "30",
        "workers_consulted": "40",
        "submitted_on": "",
        "grade": "A",
        "graded_on": "2023-09-15",
        "workers_covered": "40",
        "version": agreement.version,
    }
    response = staff_client.post(url, data)

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.grade, agreement.graded_on, agreement.workers_covered) == (
        "A",
        day("2023-09-15"),
        40,
    )
    listing = staff_client.get(reverse("agreements:index"), {"grade": "A"}).content.decode()
    assert scope["unit_a"].name in listing


def test_the_period_form_sets_the_decimals_of_its_rates(staff_client, period):
    url = reverse("periods:edit", args=[period.pk])
    assert 'name="decimals"' in staff_client.get(url).content.decode()
    data = {
        "slug": period.slug,
        "name": period.name,
        "start": "2023-01-01",
        "end": "2023-06-30",
        "min_members": str(period.min_members),
        "decimals": "2",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert ReportingPeriod.objects.get(pk=period.pk).decimals == 2


# --- labels and rights -----------------------------------------------------------------------


def test_the_new_kinds_are_named_in_words_in_both_languages():
    with translation.override("en"):
        assert kind_label("officials_conferences") == "Officials' conferences"
        assert kind_label("inspection_boards") == "People's Inspection Boards"
        assert kind_label("regulations") == "Workplace democracy regulations"
    with translation.override("vi"):
        assert kind_label("officials_conferences") == "Hội nghị cán bộ, công chức, viên chức"
        assert kind_label("inspection_boards") == "Ban thanh tra nhân dân"
        assert kind_label("regulations") == "Quy chế dân chủ ở cơ sở tại nơi làm việc"
    audited = {label for label, _words in record_kind_choices()}
    assert {
        "workplace.officialsconference",
        "workplace.inspectionboard",
        "workplace.regulation",
    } <= audited


def test_an_existing_federation_group_gets_the_new_kinds_rights_on_migrate(scope):
    group = Group.objects.get(name=FEDERATION_GROUP)
    new_rights = Permission.objects.filter(
        content_type__app_label="workplace",
        content_type__model__in=["officialsconference", "inspectionboard", "regulation"],
    )
    group.permissions.remove(*new_rights)

    grant_every_permission(apps.get_app_config("workplace"))

    assert set(new_rights) <= set(group.permissions.all())


def test_a_period_form_posted_without_decimals_keeps_the_periods_own(staff_client, period):
    ReportingPeriod.objects.filter(pk=period.pk).update(decimals=2)
    data = {
        "slug": period.slug,
        "name": "Sáu tháng đầu năm 2023",
        "start": "2023-01-01",
        "end": "2023-06-30",
        "min_members": str(period.min_members),
    }

    response = staff_client.post(reverse("periods:edit", args=[period.pk]), data)

    assert response.status_code == 302
    assert ReportingPeriod.objects.get(pk=period.pk).decimals == 2
