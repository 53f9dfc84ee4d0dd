"""Issue 14's indicators pinned at their edges: the two regimes, boards, regulations, grades and
the workers an agreement covers."""

import json
from io import StringIO

from django.core.management import call_command

from workplace.compliance import FALLS_SHORT, compute_coverage, shortfalls
from workplace.indicators import rate
from workplace.models import Enterprise

from ..conftest import (
    declare,
    elect_board,
    hold_conference,
    hold_dialogue,
    hold_officials_conference,
    issue_regulation,
    sign_agreement,
)


def grade(agreement, letter):
    agreement.grade = letter
    agreement.save()
    return agreement


def figures(period):
    return compute_coverage(period)


# --- two regimes ------------------------------------------------------------------------


def test_agencies_and_public_service_units_leave_the_worker_figures(make_unit, period):
    make_unit(sector="non_state")
    make_unit(sector="state_agency")
    make_unit(sector="public_service")
    result = figures(period)
    assert result["totals"]["units"] == 1
    assert result["public_sector"]["totals"]["units"] == 2


def test_an_agency_needs_no_members_to_count(make_unit, period):
    make_unit(sector="state_agency", members=2)
    make_unit(sector="public_service", as_of=None)
    assert figures(period)["public_sector"]["totals"]["units"] == 2


def test_officials_conference_of_the_year_counts_and_last_year_does_not(make_unit, period):
    held = make_unit(sector="state_agency")
    hold_officials_conference(held, "2023-01-01")
    late = make_unit(sector="public_service")
    hold_officials_conference(late, "2022-12-31")
    totals = figures(period)["public_sector"]["totals"]
    assert (totals["officials_conference_held"], totals["officials_conference_rate"]) == (1, 50.0)


def test_an_enterprise_holding_an_officials_conference_is_not_concerned(make_unit, period):
    enterprise = make_unit(sector="non_state")
    hold_officials_conference(enterprise, "2023-03-01")
    result = figures(period)
    assert result["public_sector"]["totals"]["officials_conference_held"] == 0
    assert "officials_conference_held" not in result["totals"]


def test_a_worker_conference_of_an_agency_counts_nowhere(make_unit, period):
    agency = make_unit(sector="state_agency")
    hold_conference(agency, "2023-03-01")
    result = figures(period)
    assert result["totals"]["conference_held"] == 0
    assert result["public_sector"]["totals"]["officials_conference_held"] == 0


# --- inspection boards ------------------------------------------------------------------


def test_board_whose_term_ends_on_the_end_date_is_in_office(make_unit, period):
    agency = make_unit(sector="state_agency")
    elect_board(agency, "2021-07-01", "2023-06-30")
    assert figures(period)["public_sector"]["totals"]["inspection_board_in_office"] == 1


def test_board_whose_term_ended_the_day_before_is_not_in_office(make_unit, period):
    agency = make_unit(sector="state_agency")
    elect_board(agency, "2021-07-01", "2023-06-29")
    totals = figures(period)["public_sector"]["totals"]
    assert (totals["inspection_board_in_office"], totals["inspection_board_rate"]) == (0, 0.0)


def test_board_elected_after_the_end_is_not_in_office(make_unit, period):
    agency = make_unit(sector="public_service")
    elect_board(agency, "2023-07-01", "2025-06-30")
    assert figures(period)["public_sector"]["totals"]["inspection_board_in_office"] == 0


def test_only_eligible_state_owned_enterprises_are_asked_for_a_board(make_unit, period):
    state = make_unit(sector="state", members=30)
    elect_board(state, "2022-01-01", "2024-12-31")
    make_unit(sector="state", members=5)  # not eligible: not asked
    private = make_unit(sector="non_state", members=30)
    elect_board(private, "2022-01-01", "2024-12-31")  # not concerned
    totals = figures(period)["totals"]
    assert totals["inspection_board_required"] == 1
    assert (totals["inspection_board_in_office"], totals["inspection_board_rate"]) == (1, 100.0)


def test_no_state_owned_enterprise_gives_no_board_rate(make_unit, period):
    make_unit(sector="non_state")
    assert figures(period)["totals"]["inspection_board_rate"] is None


# --- regulations and dialogue of any kind ------------------------------------------------


def test_regulation_issued_on_the_end_date_counts_and_after_it_does_not(make_unit, period):
    issue_regulation(make_unit(), "2023-06-30")
    issue_regulation(make_unit(), "2023-07-01")
    make_unit(members=3)  # not eligible: outside the rate
    totals = figures(period)["totals"]
    assert (totals["regulation_issued"], totals["regulation_rate"]) == (1, 50.0)


def test_a_regulation_issued_years_ago_still_counts(make_unit, period):
    issue_regulation(make_unit(), "2019-05-01")
    assert figures(period)["totals"]["regulation_issued"] == 1


def test_dialogue_of_any_kind_in_the_year_counts(make_unit, period):
    hold_dialogue(make_unit(), "2023-02-01", kind="on_request")
    hold_dialogue(make_unit(), "2023-02-01", kind="periodic")
    hold_dialogue(make_unit(), "2022-12-31", kind="event")
    totals = figures(period)["totals"]
    assert (totals["dialogue_held"], totals["dialogue_rate"]) == (2, rate(2, 3))


# --- agreement grades and the workers covered ------------------------------------------


def test_agreements_in_force_counted_by_grade_of_the_latest_signed(make_unit, period):
    both = make_unit()
    grade(sign_agreement(both, "2022-01-01", "2024-12-31"), "C")
    grade(sign_agreement(both, "2023-02-01", "2024-06-30"), "A")  # the latest signed
    ungraded = make_unit()
    sign_agreement(ungraded, "2023-01-01", "2025-12-31")
    expired = make_unit()
    grade(sign_agreement(expired, "2021-01-01", "2022-12-31"), "B")
    grades = figures(period)["totals"]["agreements_by_grade"]
    assert grades == {"A": 1, "B": 0, "C": 0, "D": 0, "ungraded": 1}


def test_grade_of_an_agreement_not_yet_in_force_is_not_counted(make_unit, period):
    unit = make_unit()
    grade(sign_agreement(unit, "2022-01-01", "2024-12-31"), "B")
    grade(sign_agreement(unit, "2023-07-01", "2025-06-30", signed_on="2023-06-01"), "A")
    assert figures(period)["totals"]["agreements_by_grade"]["B"] == 1


def test_workers_covered_per_worker_beside_per_unit(make_unit, period):
    covered = make_unit(members=20, workers=300)
    sign_agreement(covered, "2023-01-01", "2025-12-31")
    make_unit(members=20, workers=100)  # no agreement
    totals = figures(period)["totals"]
    assert (totals["workers"], totals["workers_covered"]) == (400, 300)
    assert totals["worker_coverage_rate"] == 75.0
    assert totals["agreement_rate"] == 50.0


def test_workers_come_from_the_latest_declaration(make_unit, period):
    unit = make_unit(members=20, workers=100, as_of="2022-12-31")
    declare(unit, "2023-06-01", members=20, workers=150)
    declare(unit, "2023-07-01", members=20, workers=999)  # after the end
    assert figures(period)["totals"]["workers"] == 150


def test_a_unit_with_no_headcount_adds_no_worker(make_unit, period):
    unit = make_unit(as_of=None)
    sign_agreement(unit, "2023-01-01", "2025-12-31")
    totals = figures(period)["totals"]
    assert (totals["workers"], totals["workers_covered"], totals["worker_coverage_rate"]) == (
        0,
        0,
        None,
    )


# --- decimals, reasons and the JSON contract ----------------------------------------------


def test_rates_take_the_period_decimals(make_unit, period):
    hold_conference(make_unit(), "2023-03-01")
    make_unit()
    make_unit()
    period.decimals = 2
    period.save()
    assert figures(period)["totals"]["conference_rate"] == 33.33


def test_an_agency_falls_short_of_its_own_regime_only(make_unit, period):
    agency = make_unit(sector="state_agency", members=3)
    hold_officials_conference(agency, "2023-04-01")
    reasons = shortfalls(agency, period)
    assert len(reasons) == 1  # no board; never "fewer members" nor "no worker conference"
    short = Enterprise.objects.in_scope(period).with_shortfall_facts(period).filter(FALLS_SHORT)
    assert list(short) == [agency]


def test_coverage_json_has_a_public_sector_section(make_unit, period):
    hold_officials_conference(make_unit(sector="state_agency"), "2023-02-01")
    out = StringIO()
    call_command("coverage", period.slug, "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    section = report["public_sector"]
    assert set(section) == {"totals", "breakdown"}
    assert section["totals"]["officials_conference_rate"] == 100.0
    assert set(section["breakdown"][0]) == {"code", "name", "era", *section["totals"]}
