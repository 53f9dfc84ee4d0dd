"""The coverage drill-down as one of the admin's Reports: the units of a period with their
standing and reasons, filtered, paginated and exported."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from workplace.admin.reports import COVERAGE_UNIT_COLUMNS
from workplace.models import UnionBody

from ...conftest import hold_conference, hold_dialogue, issue_regulation, sign_agreement


@pytest.fixture(autouse=True)
def in_vietnamese():
    with translation.override("vi"):
        yield
    translation.deactivate()


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff", role="federation"))
    return client


@pytest.fixture
def units(province, make_unit, period):
    """In Hữu Lũng, one unit that meets every indicator and one that held no conference; in
    the city, a foreign-invested unit too small to be required to hold one."""
    city_body = UnionBody.objects.create(
        code="LDLD-178", name="LĐLĐ thành phố Lạng Sơn", parent=province["federation"]
    )
    meets = make_unit(members=30)
    short = make_unit(members=20)
    small = make_unit(members=8, area=province["other"], body=city_body, sector="fdi")
    hold_conference(meets, "2023-03-01")
    for unit in (meets, short):
        sign_agreement(unit, "2022-07-01", "2024-06-30")
        issue_regulation(unit, "2021-07-01")
    hold_dialogue(meets, "2023-04-10")
    return {"meets": meets, "short": short, "small": small}


def drill_down(client, **params):
    return client.get(reverse("coverage_units"), params)


def listed(response):
    assert response.status_code == 200, response.status_code
    return {row["unit"].pk: row for row in response.context["rows"]}


def test_it_lists_each_unit_with_its_standing_and_reasons(staff_client, units, period):
    rows = listed(drill_down(staff_client, period=period.slug))

    assert set(rows) == {unit.pk for unit in units.values()}
    assert rows[units["meets"].pk]["reasons"] == []
    assert rows[units["meets"].pk]["standing"] == "Đạt tất cả các chỉ tiêu"
    assert rows[units["short"].pk]["standing"] == translation.gettext("Falls short")
    assert any("hội nghị người lao động" in r for r in rows[units["short"].pk]["reasons"])
    assert rows[units["small"].pk]["reasons"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"standing": "shortfall"}, {"short"}),
        ({"standing": "not_required"}, {"small"}),
        ({"standing": "meets"}, {"meets"}),
        ({"area": "186"}, {"meets", "short"}),
        ({"union_body": "LDLD-178"}, {"small"}),
        ({"sector": "fdi"}, {"small"}),
        ({"area": "186", "standing": "shortfall"}, {"short"}),
    ],
)
def test_it_filters(staff_client, units, period, params, expected):
    rows = listed(drill_down(staff_client, period=period.slug, **params))
    assert set(rows) == {units[name].pk for name in expected}


def test_the_results_fragment_filters_too(staff_client, units, period):
    response = staff_client.get(
        reverse("coverage_units_results"), {"period": period.slug, "standing": "shortfall"}
    )
    assert set(listed(response)) == {units["short"].pk}


@pytest.mark.parametrize(
    "params",
    [
        {"period": "1999-h1"},
        {"area": "999"},
        {"union_body": "nobody"},
        {"sector": "moon"},
        {"standing": "perfect"},
    ],
)
def test_an_unknown_filter_value_is_not_found(staff_client, units, period, params):
    assert drill_down(staff_client, **{"period": period.slug, **params}).status_code == 404


def test_it_is_paginated_by_fifty(staff_client, make_unit, period):
    for _ in range(55):
        make_unit(as_of=None)
    first = drill_down(staff_client, period=period.slug)
    second = drill_down(staff_client, period=period.slug, p=2)
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert first.context["page_obj"].paginator.count == 55


def file_heading():
    return [str(column.heading) for column in COVERAGE_UNIT_COLUMNS.columns]


def test_it_exports_the_filtered_units_as_csv(staff_client, units, period):
    response = drill_down(staff_client, period=period.slug, standing="shortfall", export="csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'units-{period.slug}.csv"')
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(content)))
    assert header == file_heading()
    assert [line[1] for line in lines] == [units["short"].tax_code]
    assert "hội nghị người lao động" in lines[0][-1]


def test_it_exports_every_unit_as_xlsx_beyond_one_page(staff_client, make_unit, period):
    for _ in range(55):
        make_unit(as_of=None)
    response = drill_down(staff_client, period=period.slug, export="xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'units-{period.slug}.xlsx"')
    content = b"".join(response.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].values)
    assert list(rows[0]) == file_heading()
    assert len(rows) == 1 + 55


def test_a_name_that_looks_like_a_formula_stays_text_in_the_export(staff_client, units, period):
    units["short"].name = "=1+1"
    units["short"].save()
    response = drill_down(staff_client, period=period.slug, export="csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=1+1" in content


def test_the_page_offers_its_downloads_and_the_filters(staff_client, units, period):
    page = drill_down(staff_client, period=period.slug).content.decode()
    assert "export=xlsx" in page and "export=csv" in page
    for name in ("period", "area", "union_body", "sector", "standing"):
        assert f'name="{name}"' in page, name


def test_it_is_in_the_reports_menu_alone(staff_client, units):
    from wagtail.admin.menu import admin_menu

    request = staff_client.get(reverse("wagtailadmin_home")).wsgi_request
    menu = {item.name: item for item in admin_menu.menu_items_for_request(request)}
    reports = menu["reports"].menu.menu_items_for_request(request)
    assert [item.url for item in reports] == [reverse("coverage_units")]


@pytest.mark.parametrize("account", ["officer_a", "reviewer_a"])
def test_only_federation_staff_reach_it(client, scope, period, account):
    client.force_login(scope[account])
    for params in ({"period": period.slug}, {"period": period.slug, "export": "csv"}):
        assert drill_down(client, **params).status_code in (302, 403)
