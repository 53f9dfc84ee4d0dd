"""Each unit that falls short is explained in words."""

from django.utils import translation

from workplace.compliance import shortfalls

from ..conftest import declare, hold_conference, hold_dialogue, sign_agreement


def reasons(unit, period):
    with translation.override("en"):
        return shortfalls(unit, period)


def test_unit_meeting_every_rule_has_no_reasons(make_unit, period):
    unit = make_unit()
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
    unit = make_unit()
    hold_conference(unit, "2022-11-20")
    sign_agreement(unit, "2020-04-01", "2023-03-31")
    assert reasons(unit, period) == [
        "No worker conference held since 01/01/2023 (the last one was on 20/11/2022).",
        "The collective agreement expired on 31/03/2023.",
        "No periodic dialogue held since 01/01/2023.",
    ]


def test_agreement_not_yet_effective_is_explained(make_unit, period):
    unit = make_unit()
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    sign_agreement(unit, "2023-08-01", "2025-07-31", signed_on="2023-06-15")
    assert reasons(unit, period) == ["The collective agreement only takes effect on 01/08/2023."]


def test_an_agreement_signed_after_the_period_does_not_explain_it(make_unit, period):
    unit = make_unit()
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    sign_agreement(unit, "2020-04-01", "2022-09-30")
    sign_agreement(unit, "2024-02-08", "2026-02-07", signed_on="2024-02-01")
    assert reasons(unit, period) == ["The collective agreement expired on 30/09/2022."]


def test_stale_declaration_is_flagged_for_completeness(make_unit, period):
    unit = make_unit(as_of="2022-12-31")
    hold_conference(unit, "2023-03-01")
    hold_dialogue(unit, "2023-03-01")
    sign_agreement(unit, "2022-01-01", "2024-12-31")
    assert reasons(unit, period) == [
        "No headcount declared since 01/01/2023 (the latest is of 31/12/2022)."
    ]


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
