"""The reviewer's workspace: coverage, lists and exports, always within the reviewer's scope."""

import codecs
import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplace.models import CollectiveAgreement, Enterprise, ReportingPeriod

from ...conftest import hold_conference, hold_dialogue, issue_regulation, sign_agreement

REVIEW_PAGES = (
    "portal:review",
    "portal:review_units",
    "portal:review_pending",
    "portal:review_expiring",
    "portal:review_late",
)
NAME_A = "Công ty May Hữu Lũng"
NAME_B = "Công ty Bia Thành Phố"


@pytest.fixture
def named(scope):
    """``scope`` with unit names that tell unit_a (Hữu Lũng) and unit_b (the city) apart."""
    Enterprise.objects.filter(pk=scope["unit_a"].pk).update(name=NAME_A)
    Enterprise.objects.filter(pk=scope["unit_b"].pk).update(name=NAME_B)
    scope["unit_a"].refresh_from_db()
    scope["unit_b"].refresh_from_db()
    return scope


@pytest.fixture
def visit(client):
    """GET a review page as ``user`` (English when ``english``)."""

    def get(user, name, english=False, **params):
        client.force_login(user)
        # The portal's language is the one chosen with its switch, which sets this cookie.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en" if english else "vi"
        return client.get(reverse(name), params)

    return get


def today():
    return timezone.localdate()


def days_from_today(days):
    return today() + datetime.timedelta(days=days)


def iso(day):
    return day.isoformat()


def csv_rows(response):
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def exported(response, fmt):
    return csv_rows(response) if fmt == "csv" else xlsx_rows(response)


def text_of(response):
    return response.content.decode("utf-8", errors="replace")


def agreement_expiring_on(unit, expires_on, **kwargs):
    effective = expires_on - datetime.timedelta(days=700)
    return sign_agreement(unit, iso(effective), iso(expires_on), **kwargs)


def meet_every_indicator(unit):
    hold_conference(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31", submitted_on="2022-01-05")
    hold_dialogue(unit, "2023-04-01")
    issue_regulation(unit, "2021-07-01")


# --- who may open the review pages ----------------------------------------------------------


@pytest.mark.parametrize("name", REVIEW_PAGES)
@pytest.mark.parametrize("fmt", [None, "csv", "xlsx"])
def test_officers_are_refused_every_review_page_and_export(named, period, visit, name, fmt):
    params = {"format": fmt} if fmt else {}
    response = visit(named["officer_a"], name, **params)
    assert response.status_code == 403
    assert NAME_A not in text_of(response)


@pytest.mark.parametrize("name", REVIEW_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(named, period, client, name):
    response = client.get(reverse(name), {"format": "csv"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


# --- the dashboard --------------------------------------------------------------------------


def test_reviewer_dashboard_counts_only_their_units(named, period, visit):
    meet_every_indicator(named["unit_a"])
    response = visit(named["reviewer_a"], "portal:review")
    content = text_of(response)
    assert response.status_code == 200
    assert response.context["totals"]["units"] == 1
    assert response.context["totals"]["conference"] == "1/1 (100,0%)"
    assert "Huyện Hữu Lũng" in content
    assert "LĐLĐ huyện Hữu Lũng" in content
    assert "Thành phố Lạng Sơn" not in content
    assert "LĐLĐ thành phố Lạng Sơn" not in content


def test_reviewer_dashboard_leaves_out_the_bodies_above_their_own(named, period, visit):
    response = visit(named["reviewer_a"], "portal:review")
    tables = {t["by"]: t for t in response.context["tables"]}
    assert [row["code"] for row in tables["union_body"]["rows"]] == ["LDLD-186"]
    assert "LĐLĐ tỉnh Lạng Sơn" not in text_of(response)


def test_federation_dashboard_covers_every_unit(named, period, visit):
    meet_every_indicator(named["unit_a"])
    response = visit(named["staff"], "portal:review")
    tables = {t["by"]: t for t in response.context["tables"]}
    assert response.context["totals"]["units"] == 2
    assert response.context["totals"]["conference"] == "1/2 (50,0%)"
    assert [row["code"] for row in tables["area"]["rows"]] == ["178", "186"]
    assert {"LDLD-178", "LDLD-186"} <= {row["code"] for row in tables["union_body"]["rows"]}


def test_dashboard_rows_link_to_their_drill_down(named, period, visit):
    response = visit(named["reviewer_a"], "portal:review")
    units_url = reverse("portal:review_units")
    content = text_of(response)
    assert f"{units_url}?period=2023-h1&amp;area=186" in content
    assert f"{units_url}?period=2023-h1&amp;union_body=LDLD-186" in content
    assert f"{units_url}?period=2023-h1&amp;sector=non_state" in content


def test_dashboard_shows_the_chosen_period(named, period, visit):
    ReportingPeriod.objects.create(
        slug="2022",
        name="Năm 2022",
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2022, 12, 31),
    )
    assert visit(named["staff"], "portal:review").context["period"] == period
    chosen = visit(named["staff"], "portal:review", period="2022")
    assert chosen.context["period"].slug == "2022"


def test_unknown_period_is_not_found(named, period, visit):
    assert visit(named["staff"], "portal:review", period="1999").status_code == 404
    assert visit(named["staff"], "portal:review_units", period="1999").status_code == 404


def test_dashboard_counts_pending_registrations_in_scope(named, period, visit, make_unit):
    make_unit(registration="pending")
    make_unit(registration="pending", area=named["unit_b"].area, body=named["city_body"])
    response = visit(named["reviewer_a"], "portal:review")
    assert response.context["pending_count"] == 1
    assert reverse("portal:review_pending") in text_of(response)
    assert visit(named["staff"], "portal:review").context["pending_count"] == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_coverage_export_holds_only_the_reviewers_rows(named, period, visit, fmt):
    meet_every_indicator(named["unit_a"])
    response = visit(
        named["reviewer_a"], "portal:review", english=True, by="union_body", format=fmt
    )
    rows = exported(response, fmt)
    assert response["Content-Disposition"] == (
        f'attachment; filename="coverage-union-body-2023-h1.{fmt}"'
    )
    assert rows[0][:4] == ["Code", "Name", "Units", "Eligible"]
    assert [row[0] or "" for row in rows[1:]] == ["LDLD-186", ""]
    assert rows[-1][1] == "Total"
    units, conference_rate = rows[1][2], rows[1][5]
    if fmt == "xlsx":
        assert (units, conference_rate) == (1, 100)
    else:
        assert (units, conference_rate) == ("1", "100.0")


def test_coverage_export_of_federation_breaks_down_by_area(named, period, visit):
    rows = csv_rows(visit(named["staff"], "portal:review", format="csv"))
    assert [row[0] for row in rows[1:]] == ["178", "186", ""]


def test_coverage_export_refuses_an_unknown_breakdown_or_format(named, period, visit):
    assert visit(named["staff"], "portal:review", by="tax_code", format="csv").status_code == 404
    assert visit(named["staff"], "portal:review", format="pdf").status_code == 404


# --- the units of a period ------------------------------------------------------------------


def test_reviewer_unit_list_shows_their_units_only(named, period, visit):
    content = text_of(visit(named["reviewer_a"], "portal:review_units"))
    assert NAME_A in content
    assert named["unit_a"].tax_code in content
    assert f"/portal/units/{named['unit_a'].pk}/" in content
    assert NAME_B not in content
    assert named["unit_b"].tax_code not in content


def test_federation_unit_list_shows_every_unit(named, period, visit):
    content = text_of(visit(named["staff"], "portal:review_units"))
    assert NAME_A in content
    assert NAME_B in content


@pytest.mark.parametrize("fmt", [None, "csv", "xlsx"])
@pytest.mark.parametrize(
    "filters",
    [
        {"union_body": "LDLD-178"},
        {"area": "178"},
        {"q": "TAX_B"},
        {"q": "Bia"},
        {"union_body": "LDLD-LS"},
    ],
)
def test_no_filter_reveals_a_unit_outside_the_reviewers_scope(named, period, visit, filters, fmt):
    unit_b = named["unit_b"]
    params = {k: unit_b.tax_code if v == "TAX_B" else v for k, v in filters.items()}
    if fmt:
        params["format"] = fmt
    response = visit(named["reviewer_a"], "portal:review_units", **params)
    assert response.status_code in (200, 404)
    if response.status_code == 200 and fmt:
        cells = {str(cell) for row in exported(response, fmt) for cell in row}
        assert unit_b.tax_code not in cells
        assert NAME_B not in cells
    else:
        # The search box shows back what was typed; the unit itself must not appear.
        assert f"/portal/units/{unit_b.pk}/" not in text_of(response)
        assert NAME_B not in text_of(response)
        if response.status_code == 200:
            assert unit_b.pk not in [row["unit"].pk for row in response.context["rows"]]


def test_union_body_outside_the_reviewers_scope_is_not_found(named, period, visit):
    response = visit(named["reviewer_a"], "portal:review_units", union_body="LDLD-178")
    assert response.status_code == 404


def test_unknown_area_or_sector_is_not_found(named, period, visit):
    assert visit(named["staff"], "portal:review_units", area="999").status_code == 404
    assert visit(named["staff"], "portal:review_units", sector="bank").status_code == 404


def test_area_filter_takes_in_the_areas_below(named, period, visit, make_unit, province):
    in_commune = make_unit(area=province["commune"])
    units = visit(named["staff"], "portal:review_units", area="186").context["page"]
    assert {u.pk for u in units} == {named["unit_a"].pk, in_commune.pk}


def test_union_body_filter_takes_in_the_bodies_below(named, period, visit, province):
    units = visit(named["staff"], "portal:review_units", union_body="LDLD-LS").context["page"]
    assert {u.pk for u in units} == {named["unit_a"].pk, named["unit_b"].pk}
    units = visit(named["staff"], "portal:review_units", union_body="LDLD-178").context["page"]
    assert [u.pk for u in units] == [named["unit_b"].pk]


def test_sector_filter_keeps_that_sector(named, period, visit, make_unit):
    fdi = make_unit(sector="fdi")
    units = visit(named["staff"], "portal:review_units", sector="fdi").context["page"]
    assert [u.pk for u in units] == [fdi.pk]


def test_search_finds_a_unit_by_name_or_tax_code(named, period, visit):
    by_name = visit(named["staff"], "portal:review_units", q="May Hữu").context["page"]
    by_code = visit(named["staff"], "portal:review_units", q=named["unit_b"].tax_code)
    assert [u.pk for u in by_name] == [named["unit_a"].pk]
    assert [u.pk for u in by_code.context["page"]] == [named["unit_b"].pk]


def test_unit_list_leaves_out_units_not_in_scope_of_the_period(named, period, visit, make_unit):
    make_unit(registration="pending")
    make_unit(established="2023-07-01")
    make_unit(dissolved="2023-05-01")
    units = visit(named["staff"], "portal:review_units").context["page"]
    assert {u.pk for u in units} == {named["unit_a"].pk, named["unit_b"].pk}


def test_drill_down_explains_why_a_unit_falls_short_in_english(named, period, visit, make_unit):
    make_unit(members=8)
    response = visit(named["reviewer_a"], "portal:review_units", english=True)
    content = text_of(response)
    assert "8 union members, fewer than 10." in content
    assert "No worker conference held since 01/01/2023." in content


def test_drill_down_explains_why_a_unit_falls_short_in_vietnamese(named, period, visit, make_unit):
    make_unit(members=8)
    content = text_of(visit(named["reviewer_a"], "portal:review_units"))
    assert "8 đoàn viên công đoàn, ít hơn 10." in content


def test_shortfall_filter_lists_only_units_that_fall_short(named, period, visit):
    meet_every_indicator(named["unit_a"])
    units = visit(named["staff"], "portal:review_units", shortfall="1").context["page"]
    assert [u.pk for u in units] == [named["unit_b"].pk]
    everyone = visit(named["staff"], "portal:review_units").context["page"]
    assert {u.pk for u in everyone} == {named["unit_a"].pk, named["unit_b"].pk}


def test_shortfall_filter_keeps_units_with_only_a_stale_declaration(named, period, visit):
    unit = named["unit_a"]
    meet_every_indicator(unit)
    rows = visit(named["reviewer_a"], "portal:review_units", shortfall="1").context["rows"]
    assert rows == []
    unit.headcounts.update(as_of=datetime.date(2022, 12, 31))
    rows = visit(named["reviewer_a"], "portal:review_units", shortfall="1").context["rows"]
    assert [row["unit"].pk for row in rows] == [unit.pk]


def test_unit_list_pages_by_fifty_and_exports_every_row(named, period, visit, make_unit):
    for _ in range(50):
        make_unit()
    first = visit(named["staff"], "portal:review_units")
    second = visit(named["staff"], "portal:review_units", page="2")
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 2
    assert len(csv_rows(visit(named["staff"], "portal:review_units", format="csv"))) == 53


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unit_export_holds_the_reviewers_units_with_reasons(named, period, visit, fmt):
    response = visit(named["reviewer_a"], "portal:review_units", english=True, format=fmt)
    rows = exported(response, fmt)
    assert response["Content-Disposition"] == f'attachment; filename="units-2023-h1.{fmt}"'
    assert rows[0] == [
        "Tax code",
        "Name",
        "Sector",
        "Area",
        "Union body",
        "Eligible",
        "Why it falls short",
        "Why it is not required to hold a worker conference",
    ]
    assert [row[:2] for row in rows[1:]] == [[named["unit_a"].tax_code, NAME_A]]
    assert rows[1][5] == "Yes"
    assert "No worker conference held since 01/01/2023." in rows[1][6]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unit_export_follows_the_filters(named, period, visit, fmt):
    response = visit(named["staff"], "portal:review_units", union_body="LDLD-178", format=fmt)
    assert [row[0] for row in exported(response, fmt)[1:]] == [named["unit_b"].tax_code]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_never_hand_a_formula_to_the_spreadsheet(named, period, visit, fmt):
    Enterprise.objects.filter(pk=named["unit_a"].pk).update(name="=cmd()")
    response = visit(named["reviewer_a"], "portal:review_units", format=fmt)
    names = [row[1] for row in exported(response, fmt)[1:]]
    assert names == ["'=cmd()"]
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.worksheets[0]["B2"].data_type == "s"


def test_unknown_export_format_is_not_found(named, period, visit):
    for name in REVIEW_PAGES:
        assert visit(named["staff"], name, format="pdf").status_code == 404


# --- registrations awaiting verification ----------------------------------------------------


def test_pending_list_shows_pending_units_in_scope_newest_first(named, visit, make_unit):
    older = make_unit(registration="pending")
    newer = make_unit(registration="pending")
    make_unit(registration="pending", area=named["unit_b"].area, body=named["city_body"])
    response = visit(named["reviewer_a"], "portal:review_pending")
    assert [row["unit"].pk for row in response.context["rows"]] == [newer.pk, older.pk]
    assert f"/portal/units/{newer.pk}/" in text_of(response)
    assert named["unit_a"].tax_code not in text_of(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_pending_export_holds_the_pending_units_in_scope(named, visit, make_unit, fmt):
    mine = make_unit(registration="pending")
    theirs = make_unit(registration="pending", body=named["city_body"])
    response = visit(named["reviewer_a"], "portal:review_pending", format=fmt)
    codes = [row[0] for row in exported(response, fmt)[1:]]
    assert codes == [mine.tax_code]
    assert theirs.tax_code not in codes
    assert response["Content-Disposition"].startswith("attachment;")


# --- agreements about to expire -------------------------------------------------------------


def test_expiring_list_runs_from_today_to_ninety_days_ahead(named, visit, make_unit):
    for offset in (-1, 0, 90, 91):
        agreement_expiring_on(make_unit(), days_from_today(offset))
    agreement_expiring_on(named["unit_b"], days_from_today(10))
    rows = visit(named["reviewer_a"], "portal:review_expiring").context["rows"]
    assert [row["agreement"].expires_on for row in rows] == [today(), days_from_today(90)]
    assert [row["days_left"] for row in rows] == [0, 90]


def test_expiring_list_leaves_out_dissolved_units(named, visit, make_unit):
    dissolved = make_unit(dissolved=iso(days_from_today(-5)))
    agreement_expiring_on(dissolved, days_from_today(20))
    assert visit(named["staff"], "portal:review_expiring").context["rows"] == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_expiring_export_holds_the_reviewers_agreements(named, visit, fmt):
    agreement_expiring_on(named["unit_a"], days_from_today(30))
    agreement_expiring_on(named["unit_b"], days_from_today(30))
    response = visit(named["reviewer_a"], "portal:review_expiring", format=fmt)
    rows = exported(response, fmt)
    assert [row[0] for row in rows[1:]] == [named["unit_a"].tax_code]
    assert str(rows[1][-1]) == "30"
    assert NAME_B not in response.content.decode("utf-8", errors="replace")


# --- agreements submitted late --------------------------------------------------------------


def test_late_list_counts_from_the_tenth_day_after_signing(named, visit, make_unit):
    signed = days_from_today(-60)
    on_time = make_unit()
    sign_agreement(
        on_time,
        iso(signed),
        iso(signed + datetime.timedelta(days=700)),
        submitted_on=iso(signed + datetime.timedelta(days=10)),
    )
    late = make_unit()
    sign_agreement(
        late,
        iso(signed),
        iso(signed + datetime.timedelta(days=700)),
        submitted_on=iso(signed + datetime.timedelta(days=11)),
    )
    still_in_time = make_unit()
    ten_days_ago = days_from_today(-10)
    sign_agreement(
        still_in_time, iso(ten_days_ago), iso(ten_days_ago + datetime.timedelta(days=700))
    )
    overdue = make_unit()
    eleven_days_ago = days_from_today(-11)
    sign_agreement(
        overdue, iso(eleven_days_ago), iso(eleven_days_ago + datetime.timedelta(days=700))
    )
    rows = visit(named["reviewer_a"], "portal:review_late").context["rows"]
    assert {row["agreement"].enterprise_id: row["days_late"] for row in rows} == {
        late.pk: 1,
        overdue.pk: 1,
    }


def test_late_list_stays_within_the_reviewers_scope(named, visit):
    long_ago = days_from_today(-100)
    sign_agreement(named["unit_b"], iso(long_ago), iso(long_ago + datetime.timedelta(days=700)))
    response = visit(named["reviewer_a"], "portal:review_late")
    assert response.context["rows"] == []
    assert NAME_B not in text_of(response)
    assert len(visit(named["staff"], "portal:review_late").context["rows"]) == 1


def test_the_database_and_each_agreement_agree_on_the_deadlines(named, make_unit):
    """``AgreementQuerySet`` and the model's own methods read the same two constants."""
    signed = days_from_today(-400)
    shapes = {
        "on time": (signed, signed + datetime.timedelta(days=10)),
        "submitted late": (signed, signed + datetime.timedelta(days=11)),
        "expired unsubmitted": (signed, None),
        "still in time": (days_from_today(-10), None),
        "overdue": (days_from_today(-11), None),
    }
    agreements = {}
    for name, (signed_on, submitted_on) in shapes.items():
        agreements[name] = sign_agreement(
            make_unit(),
            iso(signed_on),
            iso(signed_on + datetime.timedelta(days=366)),
            submitted_on=submitted_on and iso(submitted_on),
        )
    late = set(CollectiveAgreement.objects.late(today()))
    assert {name for name, a in agreements.items() if a in late} == {
        "submitted late",
        "expired unsubmitted",
        "overdue",
    }
    for agreement in agreements.values():
        in_python = agreement.submitted_late or agreement.unsubmitted_past_deadline(today())
        assert in_python == (agreement in late)
    assert agreements["overdue"].days_late(today()) == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_late_export_gives_the_days_late(named, visit, fmt):
    signed = days_from_today(-100)
    sign_agreement(
        named["unit_a"],
        iso(signed),
        iso(signed + datetime.timedelta(days=700)),
        submitted_on=iso(signed + datetime.timedelta(days=25)),
    )
    sign_agreement(named["unit_b"], iso(signed), iso(signed + datetime.timedelta(days=700)))
    response = visit(named["reviewer_a"], "portal:review_late", format=fmt)
    rows = exported(response, fmt)
    assert [row[0] for row in rows[1:]] == [named["unit_a"].tax_code]
    assert str(rows[1][-1]) == "15"


# --- a fixed number of queries whatever the number of units ---------------------------------


def populate(count, make_unit, body):
    """Units that show up on every list: short of indicators, expiring, late and pending."""
    signed = days_from_today(-400)
    for _ in range(count):
        unit = make_unit(body=body)
        sign_agreement(unit, iso(signed), iso(days_from_today(30)))
        make_unit(body=body, registration="pending")


@pytest.mark.parametrize(
    "name, params",
    [
        ("portal:review", {}),
        ("portal:review", {"format": "xlsx", "by": "union_body"}),
        ("portal:review_units", {}),
        ("portal:review_units", {"shortfall": "1", "area": "186", "union_body": "LDLD-186"}),
        ("portal:review_units", {"format": "csv"}),
        ("portal:review_pending", {}),
        ("portal:review_pending", {"format": "csv"}),
        ("portal:review_expiring", {}),
        ("portal:review_expiring", {"format": "xlsx"}),
        ("portal:review_late", {}),
        ("portal:review_late", {"format": "csv"}),
    ],
)
def test_pages_make_as_many_queries_for_thirty_units_as_for_three(
    named, period, visit, make_unit, province, name, params
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = visit(named["reviewer_a"], name, **params)
        assert response.status_code == 200
        return len(captured)

    populate(3, make_unit, province["body"])
    visit(named["reviewer_a"], name, **params)
    few = queries()
    populate(27, make_unit, province["body"])
    assert queries() == few


def test_review_pages_say_so_when_there_is_no_period_yet(named, visit):
    for name in ("portal:review", "portal:review_units"):
        response = visit(named["staff"], name, english=True)
        assert response.status_code == 200
        assert "There is no reporting period yet." in text_of(response)
    assert visit(named["staff"], "portal:review", format="csv").status_code == 404


# --- units not required to hold a worker conference are not "falling short" -----------------


def test_units_not_required_are_listed_apart_from_those_that_fall_short(
    named, period, visit, make_unit
):
    meet_every_indicator(named["unit_a"])
    few_members = make_unit(members=8)
    suspended = make_unit(operating=False)
    undeclared = make_unit(as_of=None)
    short = make_unit()  # eligible, with no conference, agreement or dialogue

    def listed(**params):
        response = visit(named["reviewer_a"], "portal:review_units", english=True, **params)
        return {row["unit"].pk: row["standing"] for row in response.context["rows"]}

    falling_short = listed(shortfall="1")
    not_required = listed(not_required="1")

    assert set(falling_short) == {short.pk}
    assert set(not_required) == {few_members.pk, suspended.pk, undeclared.pk}
    assert not_required[few_members.pk].not_required == ["8 union members, fewer than 10."]
    assert not_required[few_members.pk].falls_short == []
    assert set(listed()) == {named["unit_a"].pk, *falling_short, *not_required}


def test_the_status_column_says_not_required_in_vietnamese(named, period, visit, make_unit):
    make_unit(members=8)

    content = text_of(visit(named["reviewer_a"], "portal:review_units"))

    assert "Không thuộc diện bắt buộc" in content
    assert "8 đoàn viên công đoàn, ít hơn 10." in content


def test_a_unit_not_required_still_falls_short_of_a_stale_declaration(
    named, period, visit, make_unit
):
    meet_every_indicator(named["unit_a"])
    stale = make_unit(members=8, as_of="2022-12-31")

    short = visit(named["reviewer_a"], "portal:review_units", english=True, shortfall="1")

    (row,) = short.context["rows"]
    assert row["unit"].pk == stale.pk
    assert row["standing"].falls_short == [
        "No headcount declared since 01/01/2023 (the latest is of 31/12/2022)."
    ]
    assert row["standing"].not_required == ["8 union members, fewer than 10."]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_keeps_not_required_apart_from_falling_short(
    named, period, visit, make_unit, fmt
):
    meet_every_indicator(named["unit_a"])
    few = make_unit(members=8)

    rows = exported(
        visit(named["reviewer_a"], "portal:review_units", english=True, format=fmt), fmt
    )

    (line,) = [row for row in rows[1:] if row[0] == few.tax_code]
    assert line[5] == "No"
    assert line[6] in ("", None)
    assert line[7] == "8 union members, fewer than 10."


def test_the_views_of_the_unit_list_keep_the_other_filters(named, period, visit):
    response = visit(named["reviewer_a"], "portal:review_units", area="186", not_required="1")

    links = response.context["standing_links"]
    assert [link["current"] for link in links] == [False, False, True]
    assert all("area=186" in link["url"] for link in links)
    assert "not_required=1" not in links[1]["url"] and "shortfall=1" in links[1]["url"]


def test_a_published_periods_dashboard_shows_its_frozen_figures_and_marks_todays_apart(
    named, period, visit
):
    from workplace import periods

    meet_every_indicator(named["unit_a"])
    periods.publish(period)
    # A unit registered late, with an old establishment: today's records, not the frozen ones.
    make_late = named["unit_a"].__class__.objects.filter(pk=named["unit_a"].pk).values()[0]
    late = named["unit_a"].__class__(
        **{k: v for k, v in make_late.items() if k not in ("id", "tax_code", "version")},
        tax_code="4900999999",
    )
    late.save()

    response = visit(named["reviewer_a"], "portal:review", period=period.slug)

    frozen = {figure["key"]: figure["value"] for figure in response.context["frozen"]}
    live = {figure["key"]: figure for figure in response.context["live_figures"]}
    assert frozen["units"] == 1
    assert live["units"]["value"] == 2
    assert live["units"]["moved"]
    assert not live["dialogues"]["moved"]
    html = text_of(response)
    assert html.index('id="frozen-heading"') < html.index('class="moved"')


def test_an_open_periods_dashboard_has_no_frozen_figures(named, period, visit):
    response = visit(named["reviewer_a"], "portal:review", period=period.slug)
    assert response.context["frozen"] is None
    assert not any(figure["moved"] for figure in response.context["live_figures"])
