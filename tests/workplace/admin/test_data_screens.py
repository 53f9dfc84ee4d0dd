"""The federation's data screens in the Wagtail admin, and who may enter it."""

import pytest
from django.urls import reverse

from workplace import periods
from workplace.models import AuditEntry, Enterprise, WorkerConference
from workplace.permissions import FEDERATION_GROUP

from ...conftest import hold_conference

DATA_SCREENS = [
    "enterprises",
    "headcounts",
    "conferences",
    "officials_conferences",
    "inspection_boards",
    "regulations",
    "agreements",
    "dialogues",
    "periods",
    "areas",
    "union_bodies",
    "audit",
    "import_log",
]


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


@pytest.mark.parametrize("who", ["officer_a", "reviewer_a"])
def test_officers_and_reviewers_are_refused_at_the_admin(client, scope, who):
    client.force_login(scope[who])
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")
    for name in DATA_SCREENS:
        assert client.get(reverse(f"{name}:index")).status_code in (302, 403)


def test_a_reviewer_put_in_the_federation_group_by_hand_still_cannot_enter(client, scope):
    from django.contrib.auth.models import Group

    reviewer = scope["reviewer_a"]
    scope["staff"].save()  # makes sure the federation group exists
    reviewer.groups.add(Group.objects.get(name=FEDERATION_GROUP))
    client.force_login(reviewer)
    assert client.get("/admin/").status_code in (302, 403)


def test_federation_staff_enter_and_see_every_data_screen(staff_client):
    assert staff_client.get("/admin/").status_code == 200
    for name in DATA_SCREENS:
        assert staff_client.get(reverse(f"{name}:index")).status_code == 200, name


def test_search_ignores_vietnamese_diacritics(staff_client, province):
    body = staff_client.get(reverse("areas:index"), {"q": "huu lung"}).content.decode()
    assert "Huyện Hữu Lũng" in body
    assert "Thành phố Lạng Sơn" not in body


def test_record_search_finds_records_by_their_enterprise_name(staff_client, scope):
    scope["unit_a"].name = "Công ty TNHH Đồng Đăng Xanh"
    scope["unit_a"].save()
    body = staff_client.get(reverse("headcounts:index"), {"q": "dong dang"}).content.decode()
    assert "Đồng Đăng Xanh" in body


def test_enterprises_export_as_a_spreadsheet(staff_client, scope):
    response = staff_client.get(reverse("enterprises:index"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert scope["unit_a"].tax_code in content
    assert scope["unit_b"].tax_code in content


def edit_data(unit, **changes):
    data = {
        "tax_code": unit.tax_code,
        "name": unit.name,
        "sector": unit.sector,
        "area": unit.area_id,
        "union_body": unit.union_body_id,
        "union_established_on": unit.union_established_on.isoformat(),
        "dissolved_on": "",
        "registration": unit.registration,
        "rejection_reason": "",
        "version": unit.version,
    }
    data.update(changes)
    return data


def test_an_admin_edit_is_audited_with_its_author(staff_client, scope):
    unit = scope["unit_a"]
    url = reverse("enterprises:edit", args=[unit.pk])
    response = staff_client.post(url, edit_data(unit, name="Tên sửa trong admin"))
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(enterprise=unit, action="change").latest("at")
    assert (entry.actor, entry.source) == (scope["staff"], "admin")
    assert entry.changes["name"][1] == "Tên sửa trong admin"


def test_an_admin_edit_over_a_newer_save_is_refused(staff_client, scope):
    unit = scope["unit_a"]
    stale = edit_data(unit, name="Bản cũ")
    unit.name = "Bản mới hơn"
    unit.save()
    response = staff_client.post(reverse("enterprises:edit", args=[unit.pk]), stale)
    unit.refresh_from_db()
    assert response.status_code == 200
    assert unit.name == "Bản mới hơn"


def test_an_admin_delete_inside_a_locked_period_is_refused(staff_client, scope, period):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    periods.lock(period)
    url = reverse("conferences:delete", args=[conference.pk])
    response = staff_client.post(url)
    assert response.status_code == 302
    assert WorkerConference.objects.filter(pk=conference.pk).exists()


def test_an_admin_edit_inside_a_locked_period_shows_the_refusal(staff_client, scope, period):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    periods.lock(period)
    data = {
        "enterprise": scope["unit_a"].pk,
        "held_on": "2023-03-01",
        "form": "delegate",
        "attendees": "40",
        "version": conference.version,
    }
    response = staff_client.post(reverse("conferences:edit", args=[conference.pk]), data)
    conference.refresh_from_db()
    assert response.status_code == 200
    assert conference.form == "full"
    assert "6 tháng đầu năm 2023" in response.content.decode()


def test_audit_entries_cannot_be_added_changed_or_deleted_in_the_admin(staff_client, scope):
    entry = AuditEntry.objects.filter(enterprise=scope["unit_a"]).first()
    assert staff_client.get(reverse("audit:add")).status_code in (302, 403, 404)
    assert staff_client.get(reverse("audit:edit", args=[entry.pk])).status_code in (
        302,
        403,
        404,
    )
    staff_client.post(reverse("audit:delete", args=[entry.pk]))
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert staff_client.get(reverse("audit:inspect", args=[entry.pk])).status_code == 200


def test_audit_entries_cannot_be_changed_through_the_orm_either(scope):
    from django.core.exceptions import PermissionDenied

    entry = AuditEntry.objects.first()
    entry.reason = "rewritten"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().update(reason="x")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()


def test_federation_role_follows_the_account(scope):
    staff = scope["staff"]
    assert staff.groups.filter(name=FEDERATION_GROUP).exists()
    staff.role = "officer"
    staff.save()
    assert not staff.groups.filter(name=FEDERATION_GROUP).exists()
    assert not Enterprise.objects.visible_to(staff).exists()
