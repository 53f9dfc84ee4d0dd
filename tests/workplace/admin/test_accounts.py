"""Accounts in the admin: an officer's units are picked in a searchable chooser, never from a
list of every unit, and every unit submitted is checked on the server."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplace.models import User


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


def account_data(**changes):
    data = {
        "username": "congdoan.moi",
        "email": "congdoan.moi@example.org",
        "full_name": "Nguyễn Thị Mới",
        "role": "officer",
        "union_body": "",
        "password1": "",
        "password2": "",
    }
    data.update(changes)
    return data


def test_an_officer_is_created_with_the_units_chosen(staff_client, scope):
    units = [scope["unit_a"].pk, scope["unit_b"].pk]
    response = staff_client.post(reverse("wagtailusers_users:add"), account_data(units=units))
    assert response.status_code == 302
    officer = User.objects.get(username="congdoan.moi")
    assert set(officer.units.values_list("pk", flat=True)) == set(units)


def test_a_unit_that_does_not_exist_is_refused_on_the_server(staff_client, scope):
    response = staff_client.post(
        reverse("wagtailusers_users:add"), account_data(units=[scope["unit_a"].pk, 999_999])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
    assert not User.objects.filter(username="congdoan.moi").exists()


def test_unticking_a_unit_takes_it_off_the_officer(staff_client, scope):
    officer = scope["officer_a"]
    data = account_data(
        username=officer.username, email=officer.email, full_name="Cán bộ A", is_active="on"
    )
    response = staff_client.post(reverse("wagtailusers_users:edit", args=[officer.pk]), data)
    assert response.status_code == 302
    assert not officer.units.exists()


def test_the_form_lists_the_chosen_units_only(staff_client, scope, make_unit):
    others = [make_unit(members=12 + n) for n in range(5)]
    officer = scope["officer_a"]

    content = staff_client.get(reverse("wagtailusers_users:edit", args=[officer.pk])).content
    content = content.decode()

    assert f'name="units" value="{scope["unit_a"].pk}"' in content
    for unit in [scope["unit_b"], *others]:
        assert f'name="units" value="{unit.pk}"' not in content
        assert unit.tax_code not in content
    assert reverse("unit_chooser:choose") in content  # where more units are found


def edit_page_queries(client, officer):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("wagtailusers_users:edit", args=[officer.pk]))
    assert response.status_code == 200
    return len(captured)


def test_the_form_costs_the_same_queries_however_many_units_exist(staff_client, scope, make_unit):
    officer = scope["officer_a"]
    edit_page_queries(staff_client, officer)  # fills the per-process caches
    few = edit_page_queries(staff_client, officer)
    for n in range(20):
        make_unit(members=12 + n)
    assert edit_page_queries(staff_client, officer) == few


def chooser_results(client, **params):
    response = client.get(reverse("unit_chooser:choose"), {"multiple": 1, **params})
    assert response.status_code == 200
    return [row.pk for row in response.context["results"]], json.loads(response.content)


def test_the_chooser_searches_names_and_tax_codes_without_accents(staff_client, scope):
    scope["unit_a"].name = "Công ty TNHH May Hữu Lũng"
    scope["unit_a"].save()

    by_name, modal = chooser_results(staff_client, q="may huu lung")
    by_tax_code, _modal = chooser_results(staff_client, q=scope["unit_b"].tax_code)

    assert by_name == [scope["unit_a"].pk]
    assert by_tax_code == [scope["unit_b"].pk]
    assert modal["step"] == "choose"
    assert 'type="checkbox"' in modal["html"]  # several units at once


def test_the_chooser_pages_through_many_units(staff_client, scope, make_unit):
    for n in range(25):
        make_unit(members=12 + n)
    response = staff_client.get(reverse("unit_chooser:choose"), {"multiple": 1})
    assert len(response.context["results"]) == 20
    assert response.context["results"].paginator.count == 27


def test_the_chosen_units_come_back_by_name(staff_client, scope):
    response = staff_client.get(
        reverse("unit_chooser:chosen_multiple"),
        {"id": [scope["unit_a"].pk, scope["unit_b"].pk, "x"], "multiple": 1},
    )
    result = json.loads(response.content)["result"]
    assert {item["id"] for item in result} == {str(scope["unit_a"].pk), str(scope["unit_b"].pk)}
    assert str(scope["unit_a"]) in {item["title"] for item in result}


@pytest.mark.parametrize("account", ["officer_a", "reviewer_a"])
def test_only_federation_staff_reach_the_chooser(client, scope, account):
    client.force_login(scope[account])
    response = client.get(reverse("unit_chooser:choose"))
    assert response.status_code in (302, 403)


def test_a_records_enterprise_is_picked_with_the_chooser_too(staff_client, scope):
    content = staff_client.get(reverse("headcounts:add")).content.decode()
    assert reverse("unit_chooser:choose") in content
    assert f'<option value="{scope["unit_b"].pk}"' not in content
