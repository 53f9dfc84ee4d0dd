"""The unit pages: listing, registration, verification, the profile and its scope."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from workplace.compliance import compute_coverage
from workplace.models import AuditEntry, Enterprise


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def registration_data(province, tax_code="4900999991"):
    return {
        "tax_code": tax_code,
        "name": "Công ty TNHH Mới Thành Lập",
        "sector": "non_state",
        "area": province["commune"].pk,
        "union_body": province["body"].pk,
        "union_established_on": "2020-05-01",
    }


# --- registering ------------------------------------------------------------------------


def test_officer_registers_a_unit_that_waits_for_verification(scope, province, as_user, period):
    client = as_user(scope["officer_a"])
    response = client.post(reverse("portal:unit_register"), registration_data(province))
    unit = Enterprise.objects.get(tax_code="4900999991")
    assert response.status_code == 302
    assert response.url == reverse("portal:unit", args=[unit.pk])
    assert unit.registration == "pending"
    assert unit.registered_by == scope["officer_a"]
    assert scope["officer_a"].units.filter(pk=unit.pk).exists()
    entry = AuditEntry.objects.get(model="workplace.enterprise", object_pk=str(unit.pk))
    assert (entry.action, entry.actor, entry.source) == ("create", scope["officer_a"], "portal")


def test_pending_unit_counts_nowhere(scope, province, as_user, period):
    before = compute_coverage(period)["totals"]["units"]
    as_user(scope["officer_a"]).post(reverse("portal:unit_register"), registration_data(province))
    assert compute_coverage(period)["totals"]["units"] == before


def test_registering_a_known_tax_code_is_refused_with_a_hint(scope, province, as_user):
    data = registration_data(province, tax_code=scope["unit_b"].tax_code)
    response = as_user(scope["officer_a"]).post(reverse("portal:unit_register"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "đã được đăng ký" in body or "already registered" in body
    assert Enterprise.objects.filter(tax_code=scope["unit_b"].tax_code).count() == 1


def test_registering_a_malformed_tax_code_is_refused(scope, province, as_user):
    data = registration_data(province, tax_code="49-123")
    response = as_user(scope["officer_a"]).post(reverse("portal:unit_register"), data)
    assert response.status_code == 200
    assert not Enterprise.objects.filter(tax_code="49-123").exists()


# --- verifying --------------------------------------------------------------------------


@pytest.fixture
def pending_unit(scope, make_unit, province):
    unit = make_unit(registration="pending", body=province["body"])
    scope["officer_a"].units.add(unit)
    return unit


def test_reviewer_in_scope_verifies_a_pending_unit(scope, pending_unit, as_user, period):
    client = as_user(scope["reviewer_a"])
    response = client.post(reverse("portal:unit_verify", args=[pending_unit.pk]))
    pending_unit.refresh_from_db()
    assert response.status_code == 302
    assert pending_unit.registration == "verified"
    assert compute_coverage(period)["totals"]["units"] == 3


def test_officer_cannot_verify_even_their_own_unit(scope, pending_unit, as_user):
    response = as_user(scope["officer_a"]).post(
        reverse("portal:unit_verify", args=[pending_unit.pk])
    )
    pending_unit.refresh_from_db()
    assert response.status_code == 403
    assert pending_unit.registration == "pending"


def test_reviewer_out_of_scope_cannot_see_or_verify(scope, make_user, pending_unit, as_user):
    city_reviewer = make_user("city", role="reviewer", union_body=scope["city_body"])
    client = as_user(city_reviewer)
    assert client.get(reverse("portal:unit", args=[pending_unit.pk])).status_code == 404
    response = client.post(reverse("portal:unit_verify", args=[pending_unit.pk]))
    pending_unit.refresh_from_db()
    assert response.status_code == 404
    assert pending_unit.registration == "pending"


def test_rejection_needs_a_reason_and_keeps_it(scope, pending_unit, as_user):
    client = as_user(scope["reviewer_a"])
    client.post(reverse("portal:unit_reject", args=[pending_unit.pk]), {"reason": "  "})
    pending_unit.refresh_from_db()
    assert pending_unit.registration == "pending"
    client.post(
        reverse("portal:unit_reject", args=[pending_unit.pk]),
        {"reason": "Mã số thuế không khớp với giấy phép"},
    )
    pending_unit.refresh_from_db()
    assert pending_unit.registration == "rejected"
    assert pending_unit.rejection_reason == "Mã số thuế không khớp với giấy phép"
    page = as_user(scope["officer_a"]).get(reverse("portal:unit", args=[pending_unit.pk]))
    assert "Mã số thuế không khớp với giấy phép" in page.content.decode()


def test_verification_is_recorded_in_the_history(scope, pending_unit, as_user):
    as_user(scope["reviewer_a"]).post(reverse("portal:unit_verify", args=[pending_unit.pk]))
    entry = AuditEntry.objects.filter(enterprise=pending_unit, action="change").latest("at")
    assert entry.changes["registration"] == ["pending", "verified"]
    assert entry.actor == scope["reviewer_a"]


def test_a_decision_is_recorded_as_its_reviewers_whatever_the_channel(scope, pending_unit):
    pending_unit.reject(by=scope["reviewer_a"], reason="Sai địa bàn")
    pending_unit.verify(by=scope["staff"])
    entries = AuditEntry.objects.filter(enterprise=pending_unit, action="change").order_by("pk")
    assert [(e.actor, e.source) for e in entries] == [
        (scope["reviewer_a"], "system"),
        (scope["staff"], "system"),
    ]
    assert entries.last().changes["rejection_reason"] == ["Sai địa bàn", None]


def test_only_a_pending_registration_is_rejected_and_never_without_a_reason(scope, pending_unit):
    with pytest.raises(ValidationError):
        pending_unit.reject(by=scope["reviewer_a"], reason="  ")
    pending_unit.verify(by=scope["reviewer_a"])
    with pytest.raises(ValueError):
        pending_unit.reject(by=scope["reviewer_a"], reason="Sai địa bàn")
    with pytest.raises(ValueError):
        pending_unit.verify(by=scope["reviewer_a"])
    pending_unit.refresh_from_db()
    assert (pending_unit.registration, pending_unit.rejection_reason) == ("verified", "")


# --- the profile ------------------------------------------------------------------------


def profile_data(unit, **changes):
    data = {
        "tax_code": unit.tax_code,
        "name": unit.name,
        "sector": unit.sector,
        "area": unit.area_id,
        "union_body": unit.union_body_id,
        "union_established_on": unit.union_established_on.isoformat(),
        "dissolved_on": "",
        "registration": unit.registration,
        "version": unit.version,
    }
    data.update(changes)
    return data


def test_officer_cannot_change_tax_code_area_body_or_status_whatever_they_post(
    scope, province, as_user
):
    unit = scope["unit_a"]
    data = profile_data(
        unit,
        name="Tên mới",
        tax_code="4900000001",
        area=province["other"].pk,
        union_body=scope["city_body"].pk,
        registration="rejected",
    )
    response = as_user(scope["officer_a"]).post(reverse("portal:unit_edit", args=[unit.pk]), data)
    unit.refresh_from_db()
    assert response.status_code == 302
    assert unit.name == "Tên mới"
    assert unit.tax_code != "4900000001"
    assert (unit.area, unit.union_body) == (province["district"], province["body"])
    assert unit.registration == "verified"


def test_reviewer_moves_a_unit_only_within_their_subtree(scope, province, as_user):
    unit = scope["unit_a"]
    client = as_user(scope["reviewer_a"])
    outside = profile_data(unit, union_body=scope["city_body"].pk)
    response = client.post(reverse("portal:unit_edit", args=[unit.pk]), outside)
    unit.refresh_from_db()
    assert response.status_code == 200
    assert unit.union_body == province["body"]
    inside = profile_data(unit, area=province["commune"].pk)
    client.post(reverse("portal:unit_edit", args=[unit.pk]), inside)
    unit.refresh_from_db()
    assert unit.area == province["commune"]


def test_a_save_based_on_a_stale_copy_is_refused_and_nothing_is_lost(scope, as_user):
    unit = scope["unit_a"]
    start = profile_data(unit)
    first = as_user(scope["reviewer_a"])
    first.post(reverse("portal:unit_edit", args=[unit.pk]), {**start, "name": "Tên của người A"})
    second = as_user(scope["officer_a"])
    response = second.post(
        reverse("portal:unit_edit", args=[unit.pk]), {**start, "name": "Tên của người B"}
    )
    unit.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 200
    assert unit.name == "Tên của người A"
    assert "Tên của người B" in body  # what B typed is still in the form
    assert "Tên của người A" in body  # and B sees what A saved


def test_unit_page_explains_why_the_unit_falls_short(scope, make_unit, as_user, period):
    small = make_unit(members=8)
    scope["officer_a"].units.add(small)
    page = as_user(scope["officer_a"]).get(
        reverse("portal:unit", args=[small.pk]), {"period": "2023-h1"}
    )
    assert "8 đoàn viên công đoàn, ít hơn 10." in page.content.decode()


def test_unit_page_for_an_unknown_period_is_404(scope, as_user):
    response = as_user(scope["officer_a"]).get(
        reverse("portal:unit", args=[scope["unit_a"].pk]), {"period": "1999"}
    )
    assert response.status_code == 404


# --- listings and scope -----------------------------------------------------------------


def test_home_lists_only_the_units_in_scope(scope, as_user):
    body = as_user(scope["officer_a"]).get(reverse("portal:home")).content.decode()
    assert scope["unit_a"].tax_code in body
    assert scope["unit_b"].tax_code not in body


def test_search_never_reaches_outside_the_scope(scope, as_user):
    client = as_user(scope["officer_a"])
    unit_b_link = reverse("portal:unit", args=[scope["unit_b"].pk])
    body = client.get(reverse("portal:home"), {"q": scope["unit_b"].tax_code}).content.decode()
    assert unit_b_link not in body
    assert "Không có đơn vị nào khớp" in body or "No unit matches" in body
    body = client.get(reverse("portal:home"), {"q": scope["unit_a"].tax_code}).content.decode()
    assert reverse("portal:unit", args=[scope["unit_a"].pk]) in body


UNIT_URLS = ["portal:unit", "portal:unit_edit", "portal:unit_verify", "portal:unit_reject"]


@pytest.mark.parametrize("name", UNIT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_officer_of_unit_a_cannot_reach_unit_b(scope, as_user, name, method):
    unit_b = scope["unit_b"]
    client = as_user(scope["officer_a"])
    before = Enterprise.objects.values().get(pk=unit_b.pk)
    data = profile_data(unit_b, name="Chiếm quyền") if method == "post" else None
    response = getattr(client, method)(reverse(name, args=[unit_b.pk]), data)
    assert response.status_code in (403, 404, 405)
    assert Enterprise.objects.values().get(pk=unit_b.pk) == before


@pytest.mark.parametrize("name", ["portal:home", "portal:unit_register"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


@pytest.mark.parametrize("name", UNIT_URLS)
def test_anonymous_visitors_are_sent_to_the_login_page_for_unit_urls(client, scope, name):
    response = client.post(reverse(name, args=[scope["unit_a"].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))
