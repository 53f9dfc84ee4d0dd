"""Reporting periods, coverage reports and the home-page headline in the Wagtail admin."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from workplace import periods
from workplace.compliance import compute_coverage
from workplace.models import (
    AuditEntry,
    FrozenPeriodError,
    ReportingPeriod,
    UnionBody,
    WorkerConference,
)

from ...conftest import day, hold_conference, hold_dialogue, issue_regulation, sign_agreement

PERIOD_NAME = "6 tháng đầu năm 2023"


@pytest.fixture
def staff(make_user):
    return make_user("staff", role="federation")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def figures(province, make_unit, period):
    """Two eligible units in Hữu Lũng, one of which held its conference, and one unit with
    too few members in the city: conferences 1/2 (50%), agreements 2/2, one dialogue."""
    city_body = UnionBody.objects.create(
        code="LDLD-178", name="LĐLĐ thành phố Lạng Sơn", parent=province["federation"]
    )
    held = make_unit(members=30)
    missed = make_unit(members=20)
    small = make_unit(members=8, area=province["other"], body=city_body, sector="fdi")
    hold_conference(held, "2023-03-01")
    for unit in (held, missed):
        sign_agreement(unit, "2022-07-01", "2024-06-30")
    hold_dialogue(held, "2023-04-10")
    issue_regulation(held, "2021-07-01")
    return {"held": held, "missed": missed, "small": small, "city_body": city_body}


def lifecycle_url(name, period):
    return reverse(f"periods:{name}", args=[period.pk])


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def button_markup(page, url, tag="a"):
    """The element that leads to ``url``: the link itself, or the form posting there with its
    button, up to its closing tag."""
    attribute = "href" if tag == "a" else "action"
    start = page.index(f'{attribute}="{url}"')
    start = page.rindex(f"<{tag} ", 0, start)
    return page[start : page.index(f"</{tag}>", start)]


def drift_of(response):
    return {row["key"]: row["difference"] for row in response.context["rows"]}


# --- lock, publish, unlock ------------------------------------------------------------------


def test_locking_through_the_admin_freezes_the_figures_and_is_audited(
    staff_client, staff, figures, period
):
    response = staff_client.post(lifecycle_url("lock", period))

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.LOCKED
    assert period.locked_at is not None
    assert period.snapshot["totals"] == compute_coverage(period)["totals"]
    assert period.snapshot["totals"]["conference_held"] == 1
    entry = AuditEntry.objects.get(action="lock", object_pk=str(period.pk))
    assert (entry.source, entry.actor) == ("admin", staff)
    assert any(PERIOD_NAME in message for message in shown_messages(response))


def test_publishing_an_open_period_locks_it_first(staff_client, figures, period):
    response = staff_client.post(lifecycle_url("publish", period))

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.PUBLISHED
    assert period.snapshot["totals"]["units"] == 3
    actions = AuditEntry.objects.filter(object_pk=str(period.pk), model="workplace.reportingperiod")
    assert sorted(actions.values_list("action", flat=True)) == ["lock", "publish"]
    assert set(actions.values_list("source", flat=True)) == {"admin"}
    assert any(PERIOD_NAME in message for message in shown_messages(response))


def test_unlocking_with_a_reason_reopens_the_period(staff_client, staff, figures, period):
    periods.publish(period)

    response = staff_client.post(lifecycle_url("unlock", period), {"reason": "Sai số liệu"})

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.OPEN
    assert period.snapshot is None
    entry = AuditEntry.objects.get(action="unlock", object_pk=str(period.pk))
    assert (entry.source, entry.actor, entry.reason) == ("admin", staff, "Sai số liệu")
    assert any(PERIOD_NAME in message for message in shown_messages(response))


@pytest.mark.parametrize("reason", ["", "   "])
def test_unlocking_without_a_reason_is_refused_and_changes_nothing(
    staff_client, figures, period, reason
):
    periods.lock(period)
    snapshot = ReportingPeriod.objects.get(pk=period.pk).snapshot

    response = staff_client.post(lifecycle_url("unlock", period), {"reason": reason})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.LOCKED
    assert period.snapshot == snapshot
    assert not AuditEntry.objects.filter(action="unlock").exists()


def test_the_unlock_page_asks_for_a_reason(staff_client, figures, period):
    periods.lock(period)
    response = staff_client.get(lifecycle_url("unlock", period))
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


def test_lock_takes_post_only(staff_client, figures, period):
    response = staff_client.get(lifecycle_url("lock", period))
    assert response.status_code == 405
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.OPEN


def test_publishing_asks_first_with_the_figures_that_become_public(staff_client, figures, period):
    response = staff_client.get(lifecycle_url("publish", period))

    assert response.status_code == 200
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.OPEN
    assert not AuditEntry.objects.filter(object_pk=str(period.pk), action="publish").exists()
    content = response.content.decode()
    assert PERIOD_NAME in content
    assert f'action="{lifecycle_url("publish", period)}" method="post"' in content
    assert lifecycle_url("status", period) in content  # the way back without publishing
    shown = {row["key"]: row["value"] for row in response.context["rows"]}
    assert (shown["units"], shown["eligible"], shown["conference_held"]) == ("3", "2", "1")
    assert shown["conference_rate"] == "50,0"


def test_the_publish_page_of_a_locked_period_shows_its_frozen_figures(
    staff_client, make_unit, figures, period
):
    periods.lock(period)
    make_unit(members=40, as_of="2022-12-31")  # today's records no longer match the snapshot

    response = staff_client.get(lifecycle_url("publish", period))

    assert response.context["frozen"] is True
    assert {row["key"]: row["value"] for row in response.context["rows"]}["units"] == "3"


def test_the_publish_page_of_a_published_period_offers_nothing_to_confirm(
    staff_client, figures, period
):
    periods.publish(period)
    response = staff_client.get(lifecycle_url("publish", period))
    assert response.status_code == 200
    assert 'method="post"' not in response.content.decode().split('id="main"')[-1]


def test_the_listings_publish_action_opens_the_confirmation(staff_client, period):
    content = staff_client.get(reverse("periods:index")).content.decode()
    assert f'href="{lifecycle_url("publish", period)}"' in content
    assert f'data-w-action-url-value="{lifecycle_url("publish", period)}"' not in content
    assert f'data-w-action-url-value="{lifecycle_url("lock", period)}"' in content


def test_lock_and_publish_look_different_and_publish_is_a_link_to_its_confirmation(
    staff_client, figures, period
):
    page = staff_client.get(lifecycle_url("status", period)).content.decode()

    publish = button_markup(page, lifecycle_url("publish", period))
    lock = button_markup(page, lifecycle_url("lock", period), tag="form")
    # Wagtail's button markup: the icon sits in its own wrapper, sized by Wagtail's styles.
    assert publish.startswith("<a ") and "button-secondary" not in publish
    assert "button--icon" in publish and "icon-wrapper" in publish
    assert "button-secondary" in lock and "icon-wrapper" in lock


# --- a frozen period's records, rules and drift ---------------------------------------------


def test_after_lock_a_record_inside_the_period_is_refused_through_orm_and_admin(
    staff_client, figures, period
):
    staff_client.post(lifecycle_url("lock", period))

    with pytest.raises(FrozenPeriodError):
        hold_conference(figures["missed"], "2023-05-01")
    response = staff_client.post(
        reverse("conferences:add"),
        {"enterprise": figures["missed"].pk, "held_on": "2023-05-01", "form": "full"},
    )
    assert response.status_code == 200
    assert PERIOD_NAME in response.content.decode()
    assert not WorkerConference.objects.filter(enterprise=figures["missed"]).exists()


def test_the_status_page_shows_no_drift_right_after_lock(staff_client, figures, period):
    periods.lock(period)

    response = staff_client.get(lifecycle_url("status", period))

    assert response.status_code == 200
    assert response.context["frozen"] is True
    assert response.context["has_drift"] is False
    assert set(drift_of(response).values()) == {0}


def test_the_status_page_shows_how_far_todays_records_have_moved(
    staff_client, make_unit, figures, period
):
    periods.lock(period)
    make_unit(members=40, as_of="2022-12-31")  # in scope, declared before the period

    response = staff_client.get(lifecycle_url("status", period))

    drift = drift_of(response)
    assert response.context["has_drift"] is True
    assert drift["units"] == 1
    assert drift["eligible"] == 1
    assert drift["conference_held"] == 0
    assert drift["conference_rate"] == round(100 / 3 - 50.0, 1)
    row = next(row for row in response.context["rows"] if row["key"] == "units")
    assert (row["frozen"], row["live"], row["shown_difference"]) == ("3", "4", "+1")


def test_the_status_page_of_an_open_period_shows_live_figures(staff_client, figures, period):
    response = staff_client.get(lifecycle_url("status", period))
    assert response.context["frozen"] is False
    units = next(row for row in response.context["rows"] if row["key"] == "units")
    assert units["live"] == "3"


def edit_data(period, **changes):
    data = {
        "slug": period.slug,
        "name": period.name,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "min_members": period.min_members,
    }
    return {**data, **changes}


def test_editing_a_locked_periods_dates_shows_a_form_error_and_changes_nothing(
    staff_client, figures, period
):
    periods.lock(period)

    response = staff_client.post(
        lifecycle_url("edit", period), edit_data(period, end="2023-07-31", min_members=5)
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert PERIOD_NAME in " ".join(response.context["form"].non_field_errors())
    stored = ReportingPeriod.objects.get(pk=period.pk)
    assert (stored.end, stored.min_members) == (day("2023-06-30"), 10)
    assert stored.snapshot == period.snapshot


def test_a_locked_periods_name_can_still_be_corrected(staff_client, figures, period):
    periods.lock(period)
    response = staff_client.post(
        lifecycle_url("edit", period), edit_data(period, name="6 tháng đầu năm 2023 (sửa)")
    )
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(pk=period.pk).name.endswith("(sửa)")


def test_an_open_periods_dates_can_change(staff_client, period):
    response = staff_client.post(lifecycle_url("edit", period), edit_data(period, end="2023-07-31"))
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(pk=period.pk).end == day("2023-07-31")


def test_a_frozen_period_cannot_be_deleted(staff_client, figures, period):
    periods.lock(period)

    listing = staff_client.get(reverse("periods:index"))
    response = staff_client.post(lifecycle_url("delete", period))

    assert listing.status_code == 200
    assert lifecycle_url("delete", period) not in listing.content.decode()
    assert response.status_code == 302
    assert ReportingPeriod.objects.filter(pk=period.pk).exists()


def test_an_open_period_can_be_deleted(staff_client, period):
    response = staff_client.post(lifecycle_url("delete", period))
    assert response.status_code == 302
    assert not ReportingPeriod.objects.filter(pk=period.pk).exists()


def test_the_listing_shows_each_period_with_its_status(staff_client, period):
    periods.lock(period)
    response = staff_client.get(reverse("periods:index"))
    content = response.content.decode()
    assert PERIOD_NAME in content and "2023-h1" in content
    assert lifecycle_url("status", period) in content


def test_a_period_can_be_created(staff_client, db):
    response = staff_client.post(
        reverse("periods:add"),
        {
            "slug": "2024-h1",
            "name": "6 tháng đầu năm 2024",
            "start": "2024-01-01",
            "end": "2024-06-30",
            "min_members": 10,
        },
    )
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(slug="2024-h1").status == ReportingPeriod.Status.OPEN


# --- the coverage report --------------------------------------------------------------------


def report(client, **params):
    return client.get(reverse("coverage_report"), params)


def test_the_coverage_report_shows_the_figures_as_ratios(staff_client, figures, period):
    response = report(staff_client, period=period.slug)

    content = response.content.decode()
    assert response.status_code == 200
    assert "1/2 (50,0%)" in content  # conferences
    assert "2/2 (100,0%)" in content  # agreements
    assert "Huyện Hữu Lũng" in content and "Thành phố Lạng Sơn" in content
    totals = response.context["totals"]
    assert (totals["units"], totals["eligible"], totals["conference"]) == (3, 2, "1/2 (50,0%)")


def test_the_coverage_report_defaults_to_the_current_period(staff_client, figures, period):
    response = report(staff_client)
    assert response.context["period"] == period


@pytest.mark.parametrize(
    ("by", "codes"),
    [("union_body", {"LDLD-LS", "LDLD-186", "LDLD-178"}), ("sector", {"non_state", "fdi"})],
)
def test_the_coverage_report_breaks_down_by_union_body_and_sector(
    staff_client, figures, period, by, codes
):
    response = report(staff_client, period=period.slug, by=by)
    rows = {row["code"]: row for row in response.context["rows"]}
    assert set(rows) == codes
    first = "LDLD-186" if by == "union_body" else "non_state"
    assert rows[first]["conference"] == "1/2 (50,0%)"
    assert rows[first]["url"].endswith(f"&{by}={first}")


def test_an_unknown_breakdown_or_period_is_not_found(staff_client, figures, period):
    assert report(staff_client, period=period.slug, by="nowhere").status_code == 404
    assert report(staff_client, period="1999-h1").status_code == 404


def test_a_frozen_periods_report_shows_the_snapshot(staff_client, make_unit, figures, period):
    periods.lock(period)
    make_unit(members=40, as_of="2022-12-31")

    response = report(staff_client, period=period.slug)

    assert response.context["totals"]["units"] == 3
    assert "1/2 (50,0%)" in response.content.decode()


def test_each_row_drills_down_to_its_units(staff_client, figures, period):
    response = report(staff_client, period=period.slug)
    district = next(row for row in response.context["rows"] if row["code"] == "186")
    assert district["url"] == f"{reverse('coverage_units')}?period=2023-h1&area=186"


def units_page(client, **params):
    return client.get(reverse("coverage_units"), params)


def test_the_drill_down_lists_the_slices_units_with_their_reasons(staff_client, figures, period):
    response = units_page(staff_client, period=period.slug, area="186")

    listed = {row["unit"].pk: row["reasons"] for row in response.context["rows"]}
    assert set(listed) == {figures["held"].pk, figures["missed"].pk}
    assert listed[figures["held"].pk] == []
    assert any("2023" in reason for reason in listed[figures["missed"].pk])
    assert response.context["rows"][0]["unit"].area.name


def test_the_drill_down_by_union_body_and_sector(staff_client, figures, period):
    by_body = units_page(staff_client, period=period.slug, union_body="LDLD-178")
    by_sector = units_page(staff_client, period=period.slug, sector="fdi")
    small = figures["small"].pk
    assert [row["unit"].pk for row in by_body.context["rows"]] == [small]
    assert [row["unit"].pk for row in by_sector.context["rows"]] == [small]
    reasons = by_sector.context["rows"][0]["reasons"]
    assert any("8" in reason for reason in reasons)


def test_the_drill_down_refuses_unknown_codes(staff_client, figures, period):
    assert units_page(staff_client, period=period.slug, area="999").status_code == 404
    assert units_page(staff_client, period=period.slug, sector="moon").status_code == 404


def count_queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = units_page(client, **params)
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.context["rows"])


def test_the_drill_down_takes_the_same_queries_for_3_and_30_units(
    staff_client, make_unit, province, period
):
    for _ in range(3):
        make_unit()
    few, listed_few = count_queries(staff_client, period=period.slug, area="186")
    for _ in range(27):
        make_unit(members=5)
    many, listed_many = count_queries(staff_client, period=period.slug, area="186")
    assert (listed_few, listed_many) == (3, 30)
    assert few == many


def test_the_drill_down_is_paginated(staff_client, make_unit, period):
    for _ in range(55):
        make_unit(as_of=None)
    first = units_page(staff_client, period=period.slug)
    second = units_page(staff_client, period=period.slug, p=2)
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5


# --- the half-year spreadsheet --------------------------------------------------------------


def test_the_half_year_xlsx_has_districts_a_total_and_typed_cells(staff_client, figures, period):
    response = staff_client.get(reverse("coverage_report_xlsx", args=[period.slug]))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2023-h1.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    # The enterprises' three breakdowns, then those of agencies and public service units.
    assert len(book.worksheets) == 6
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert PERIOD_NAME in rows[0][0]
    with translation.override(settings.LANGUAGE_CODE):
        assert rows[1][0] == gettext("No.")
        assert rows[1][5] == gettext("Rate (%)")
        total = gettext("Total")
    # Districts in the order of their codes; the city (178) holds only the unit too small to
    # hold a conference, Hữu Lũng (186) two eligible units with one conference between them.
    assert rows[2][:10] == (1, "Thành phố Lạng Sơn", 1, 0, 0, None, 0, None, 0, 1)
    assert rows[3][:10] == (2, "Huyện Hữu Lũng", 2, 2, 1, 50.0, 2, 100.0, 1, 2)
    assert rows[4][:10] == (None, total, 3, 2, 1, 50.0, 2, 100.0, 1, 3)
    assert len(rows) == 5
    assert isinstance(rows[3][2], int) and isinstance(rows[3][5], int | float)
    assert sheet.cell(row=4, column=6).number_format == "0.0"
    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_the_half_year_xlsx_sheets_by_union_body_and_sector(staff_client, figures, period):
    response = staff_client.get(reverse("coverage_report_xlsx", args=[period.slug]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    bodies = [row[1] for row in book.worksheets[1].iter_rows(min_row=3, values_only=True)]
    sectors = [row[1] for row in book.worksheets[2].iter_rows(min_row=3, values_only=True)]
    assert "LĐLĐ thành phố Lạng Sơn" in bodies and "LĐLĐ huyện Hữu Lũng" in bodies
    assert len(sectors) == 3  # domestic private, foreign-invested, total


def test_a_name_that_looks_like_a_formula_stays_text(staff_client, figures, period, province):
    province["other"].name = "=1+1"
    province["other"].save()
    response = staff_client.get(reverse("coverage_report_xlsx", args=[period.slug]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=3, column=2).value == "'=1+1"
    assert sheet.cell(row=3, column=2).data_type == "s"


# --- the home page --------------------------------------------------------------------------


def test_the_dashboard_shows_the_current_periods_headline(staff_client, figures, period):
    response = staff_client.get(reverse("wagtailadmin_home"))

    content = response.content.decode()
    assert response.status_code == 200
    assert PERIOD_NAME in content
    assert "1/2 (50,0%)" in content and "2/2 (100,0%)" in content
    assert f"{reverse('coverage_report')}?period=2023-h1" in content
    assert lifecycle_url("status", period) in content


def test_the_dashboard_without_any_period_offers_to_add_one(staff_client, db):
    response = staff_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert reverse("periods:add") in response.content.decode()


# --- nobody else gets in --------------------------------------------------------------------


def admin_urls(period):
    return [
        reverse("periods:index"),
        lifecycle_url("edit", period),
        lifecycle_url("status", period),
        lifecycle_url("unlock", period),
        reverse("coverage_report"),
        f"{reverse('coverage_units')}?period={period.slug}",
        reverse("coverage_report_xlsx", args=[period.slug]),
    ]


@pytest.mark.parametrize("account", ["officer_a", "reviewer_a"])
def test_officers_and_reviewers_cannot_reach_these_screens(client, scope, period, account):
    client.force_login(scope[account])
    for url in admin_urls(period):
        assert client.get(url).status_code != 200, url
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code != 200


@pytest.mark.parametrize("account", ["officer_a", "reviewer_a"])
def test_officers_and_reviewers_cannot_change_a_periods_status(client, scope, period, account):
    client.force_login(scope[account])
    for name in ("lock", "publish"):
        assert client.post(lifecycle_url(name, period)).status_code != 200
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.OPEN

    periods.lock(period)
    response = client.post(lifecycle_url("unlock", period), {"reason": "không được phép"})
    assert response.status_code != 200
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.LOCKED
    assert not AuditEntry.objects.filter(action="unlock").exists()


def test_every_screen_renders_for_a_locked_period(staff_client, figures, period):
    periods.lock(period)
    for url in [
        reverse("periods:index"),
        lifecycle_url("edit", period),
        lifecycle_url("status", period),
        lifecycle_url("unlock", period),
        reverse("coverage_report"),
        f"{reverse('coverage_units')}?period={period.slug}&area=186",
        reverse("wagtailadmin_home"),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert PERIOD_NAME in response.content.decode(), url
