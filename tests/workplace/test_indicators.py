"""The README's “Indicator definitions”, pinned at their edges."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workplace.compliance import compute_coverage, trees_changed
from workplace.indicators import rate
from workplace.models import Enterprise, HeadcountDeclaration, ReportingPeriod

from ..conftest import day, declare, hold_conference, hold_dialogue, sign_agreement


def totals(period):
    return compute_coverage(period)["totals"]


# --- in scope ---------------------------------------------------------------------------


def test_union_established_on_the_end_date_is_in_scope(make_unit, period):
    make_unit(established="2023-06-30")
    assert totals(period)["units"] == 1


def test_union_established_the_day_after_the_end_is_not_in_scope(make_unit, period):
    make_unit(established="2023-07-01", as_of=None)
    assert totals(period)["units"] == 0


def test_unit_dissolved_on_the_end_date_is_not_in_scope(make_unit, period):
    make_unit(dissolved="2023-06-30")
    assert totals(period)["units"] == 0


def test_unit_dissolved_the_day_after_the_end_is_in_scope(make_unit, period):
    make_unit(dissolved="2023-07-01")
    assert totals(period)["units"] == 1


@pytest.mark.parametrize("registration", ["pending", "rejected"])
def test_unverified_unit_counts_nowhere(make_unit, period, registration):
    unit = make_unit(registration=registration)
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    figures = totals(period)
    assert (figures["units"], figures["eligible"], figures["dialogues"]) == (0, 0, 0)


# --- eligible ---------------------------------------------------------------------------


def test_unit_with_exactly_min_members_is_eligible(make_unit, period):
    make_unit(members=10)
    assert totals(period)["eligible"] == 1


def test_unit_with_nine_members_is_not_eligible(make_unit, period):
    make_unit(members=9)
    figures = totals(period)
    assert (figures["units"], figures["eligible"]) == (1, 0)


def test_suspended_unit_is_not_eligible(make_unit, period):
    make_unit(members=200, operating=False)
    assert totals(period)["eligible"] == 0


def test_unit_without_declaration_is_neither_eligible_nor_declared(make_unit, period):
    make_unit(as_of=None)
    figures = totals(period)
    assert (figures["units"], figures["eligible"], figures["declared"]) == (1, 0, 0)
    assert figures["declared_rate"] == 0.0


def test_latest_declaration_on_or_before_the_end_decides(make_unit, period):
    unit = make_unit(members=30, as_of="2022-12-31")
    declare(unit, "2023-06-30", members=8)  # dropped below ten at the end date
    declare(unit, "2023-07-01", members=40)  # after the end: ignored
    assert totals(period)["eligible"] == 0


def test_declaration_from_last_year_still_decides_eligibility_but_not_declared(make_unit, period):
    make_unit(members=30, as_of="2022-12-31")
    figures = totals(period)
    assert (figures["eligible"], figures["declared"]) == (1, 0)


def test_min_members_is_read_from_each_period(make_unit, period):
    make_unit(members=7)
    lenient = ReportingPeriod.objects.create(
        slug="2023-h1-lenient",
        name="lenient",
        start=day("2023-01-01"),
        end=day("2023-06-30"),
        min_members=5,
    )
    assert totals(period)["eligible"] == 0
    assert totals(lenient)["eligible"] == 1


# --- conference held --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held_on", "counts"),
    [
        ("2022-12-31", False),  # the last day of the year before
        ("2023-01-01", True),  # the first day of the year
        ("2023-06-30", True),  # the end date
        ("2023-07-01", False),  # the day after the end
    ],
)
def test_conference_counts_from_first_of_january_to_the_end(make_unit, period, held_on, counts):
    unit = make_unit()
    hold_conference(unit, held_on)
    assert totals(period)["conference_held"] == (1 if counts else 0)


def test_conference_of_ineligible_unit_is_not_counted(make_unit, period):
    unit = make_unit(members=5)
    hold_conference(unit, "2023-03-01")
    assert totals(period)["conference_held"] == 0


def test_second_half_period_counts_conferences_from_january(make_unit):
    second_half = ReportingPeriod.objects.create(
        slug="2023-h2", name="h2", start=day("2023-07-01"), end=day("2023-12-31")
    )
    unit = make_unit(as_of="2023-12-31")
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    figures = totals(second_half)
    assert figures["conference_held"] == 1
    assert figures["periodic_dialogue_held"] == 1
    assert figures["dialogues"] == 0  # dialogues are counted from the period's own start


# --- agreement in force -----------------------------------------------------------------


def test_agreement_expiring_on_the_end_date_is_in_force(make_unit, period):
    sign_agreement(make_unit(), "2021-07-01", "2023-06-30")
    assert totals(period)["agreement_in_force"] == 1


def test_agreement_expiring_the_day_before_the_end_is_not_in_force(make_unit, period):
    sign_agreement(make_unit(), "2021-06-30", "2023-06-29")
    assert totals(period)["agreement_in_force"] == 0


def test_agreement_effective_after_the_end_is_not_in_force(make_unit, period):
    sign_agreement(make_unit(), "2023-07-01", "2024-06-30", signed_on="2023-06-20")
    figures = totals(period)
    assert figures["agreement_in_force"] == 0
    assert figures["agreements_signed"] == 1


# --- dialogues --------------------------------------------------------------------------


def test_dialogues_count_every_in_scope_unit_and_split_by_kind(make_unit, period):
    small = make_unit(members=3)
    big = make_unit(members=50)
    hold_dialogue(small, "2023-01-01", "on_request")
    hold_dialogue(big, "2023-06-30", "periodic")
    hold_dialogue(big, "2023-06-30", "event")
    hold_dialogue(big, "2022-12-31", "periodic")
    hold_dialogue(big, "2023-07-01", "periodic")
    figures = totals(period)
    assert (figures["dialogues"], figures["dialogues_periodic"], figures["dialogues_ad_hoc"]) == (
        3,
        1,
        2,
    )
    assert figures["periodic_dialogue_held"] == 1


# --- breakdowns -------------------------------------------------------------------------


def test_commune_rolls_up_into_its_district(make_unit, period, province):
    make_unit(area=province["commune"])
    make_unit(area=province["district"])
    make_unit(area=province["other"])
    rows = {r["code"]: r["units"] for r in compute_coverage(period)["breakdowns"]["area"]}
    assert rows == {"186": 2, "178": 1}


def test_union_body_rows_roll_up_their_whole_subtree(make_unit, period, province):
    make_unit(body=province["body"])
    make_unit(body=province["federation"])
    rows = {r["code"]: r["units"] for r in compute_coverage(period)["breakdowns"]["union_body"]}
    assert rows == {"LDLD-LS": 2, "LDLD-186": 1}


def test_sector_breakdown_sums_to_totals(make_unit, period):
    make_unit(sector="non_state")
    make_unit(sector="fdi", members=4)
    result = compute_coverage(period)
    rows = {r["code"]: (r["units"], r["eligible"]) for r in result["breakdowns"]["sector"]}
    assert rows == {"non_state": (1, 1), "fdi": (1, 0)}
    assert sum(r["units"] for r in result["breakdowns"]["sector"]) == result["totals"]["units"]


# --- rates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (95, 104, 91.3),
        (97, 104, 93.3),
        (1, 16, 6.3),  # 6.25 rounds half-up, not to even
        (1, 8, 12.5),
        (2, 3, 66.7),
        (0, 5, 0.0),
        (0, 0, None),
    ],
)
def test_rates_round_half_up_to_one_decimal(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


def test_engine_rate_rounds_half_up(make_unit, period):
    units = [make_unit() for _ in range(16)]
    hold_conference(units[0], "2023-02-01")
    assert totals(period)["conference_rate"] == 6.3


def test_rates_are_null_when_nothing_is_eligible(make_unit, period):
    make_unit(members=2)
    figures = totals(period)
    assert figures["conference_rate"] is None
    assert figures["agreement_rate"] is None


# --- query count ------------------------------------------------------------------------


def _add_units(province, count, start):
    units = Enterprise.objects.bulk_create(
        Enterprise(
            tax_code=f"{start + n:010d}",
            name=f"Đơn vị {n}",
            sector="non_state",
            area=province["commune"] if n % 2 else province["other"],
            union_body=province["body"],
            union_established_on=day("2010-01-01"),
            registration="verified",
        )
        for n in range(count)
    )
    HeadcountDeclaration.objects.bulk_create(
        HeadcountDeclaration(enterprise=u, as_of=day("2023-06-30"), union_members=n, workers=n + 1)
        for n, u in enumerate(units)
    )


def _queries_for_coverage(period):
    trees_changed()  # each count reads the trees, as the first after a change does
    with CaptureQueriesContext(connection) as captured:
        result = compute_coverage(period)
    return len(captured), result


def test_coverage_takes_the_same_number_of_queries_for_10_and_500_units(province, period):
    _add_units(province, 10, start=4900000000)
    small_count, small = _queries_for_coverage(period)
    _add_units(province, 490, start=4900100000)
    large_count, large = _queries_for_coverage(period)
    assert small["totals"]["units"] == 10
    assert large["totals"]["units"] == 500
    assert small_count == large_count
