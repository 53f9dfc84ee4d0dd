"""Each unit that falls short is explained in words."""

from django.utils import translation

from workplace.compliance import shortfalls

from ..conftest import (
    declare,
    elect_board,
    hold_conference,
    hold_dialogue,
    issue_regulation,
    sign_agreement,
)


def reasons(unit, period):
    with translation.override("en"):
        return shortfalls(unit, period)


def make_regulated_unit(make_unit, **options):
    """A unit whose workplace democracy regulation was issued long before the period."""
    unit = make_unit(**options)
    issue_regulation(unit, "2021-07-01")
    return unit


def test_unit_meeting_every_rule_has_no_reasons(make_unit, period):
    unit = make_regulated_unit(make_unit)
    hold_conference(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31")
    hold_dialogue(unit, "2023-04-01")
    assert reasons(unit, period) == []


def test_few_members_are_named_with_the_minimum(make_unit, period):
    unit = make_unit(members=8)
    assert reasons(unit, period) == ["8 union members, fewer than 10."]


def test_suspended_unit_is_explained(make_unit, period):
    unit = make_unit(operating=False)
    assert reasons(unit, period) == [
        "Operations temporarily suspended (declaration of 30/06/2023)."
    ]


def test_missing_records_are_each_explained(make_unit, period):
    unit = make_regulated_unit(make_unit)
    hold_conference(unit, "2022-11-20")
    sign_agreement(unit, "2020-04-01", "2023-03-31")
    assert reasons(unit, period) == [
        "No worker conference held since 01/01/2023 (the last one was on 20/11/2022).",
        "The collective agreement expired on 31/03/2023.",
        "No periodic dialogue held since 01/01/2023.",
    ]


def test_agreement_not_yet_effective_is_explained(make_unit, period):
    unit = make_regulated_unit(make_unit)
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    sign_agreement(unit, "2023-08-01", "2025-07-31", signed_on="2023-06-15")
    assert reasons(unit, period) == ["The collective agreement only takes effect on 01/08/2023."]


def test_an_agreement_signed_after_the_period_does_not_explain_it(make_unit, period):
    unit = make_regulated_unit(make_unit)
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    sign_agreement(unit, "2020-04-01", "2022-09-30")
    sign_agreement(unit, "2024-02-08", "2026-02-07", signed_on="2024-02-01")
    assert reasons(unit, period) == ["The collective agreement expired on 30/09/2022."]


def test_stale_declaration_is_flagged_for_completeness(make_unit, period):
    unit = make_regulated_unit(make_unit, as_of="2022-12-31")
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31")
    assert reasons(unit, period) == [
        "No headcount declared since 01/01/2023 (the latest is of 31/12/2022)."
    ]


def test_a_regulation_issued_after_the_period_end_is_missing_on_it(make_unit, period):
    unit = make_unit()
    hold_conference(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31")
    hold_dialogue(unit, "2023-04-01")
    issue_regulation(unit, "2023-07-01")
    assert reasons(unit, period) == [
        "No workplace democracy regulation issued on or before 30/06/2023."
    ]


def test_a_regulation_is_not_asked_of_a_unit_with_too_few_members(make_unit, period):
    unit = make_unit(members=8)
    assert reasons(unit, period) == ["8 union members, fewer than 10."]


def test_a_state_owned_enterprise_without_a_board_in_office_falls_short(make_unit, period):
    unit = make_regulated_unit(make_unit, sector="state")
    hold_conference(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31")
    hold_dialogue(unit, "2023-04-01")
    # The term ended the day before the period's end.
    elect_board(unit, "2021-06-29", "2023-06-29")
    assert reasons(unit, period) == ["No People's Inspection Board in office on 30/06/2023."]
    elect_board(unit, "2023-06-30", "2025-12-31")
    assert reasons(unit, period) == []


def test_a_board_is_not_asked_of_a_private_enterprise(make_unit, period):
    unit = make_regulated_unit(make_unit, sector="non_state")
    hold_conference(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31")
    hold_dialogue(unit, "2023-04-01")
    assert reasons(unit, period) == []


def test_unit_out_of_scope_says_why(make_unit, period):
    dissolved = make_unit(dissolved="2023-05-31")
    pending = make_unit(registration="pending")
    assert reasons(dissolved, period) == ["The union was dissolved on 31/05/2023."]
    assert reasons(pending, period) == [
        "The registration has not been verified, so the unit is not counted."
    ]


def test_reasons_read_in_vietnamese_by_default(make_unit, period):
    unit = make_unit(members=8)
    declare(unit, "2023-01-15", members=9)
    with translation.override("vi"):
        assert shortfalls(unit, period) == ["8 đoàn viên công đoàn, ít hơn 10."]
