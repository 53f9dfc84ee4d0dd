"""A frozen period's figures cannot move through records dated outside it, nor through its
units; a unit registered late is allowed and shows only as drift."""

import pytest
from django.core.exceptions import ValidationError

from workplace import periods
from workplace.compliance import compute_coverage, coverage
from workplace.models import CollectiveAgreement, Enterprise, FrozenPeriodError, ReportingPeriod
from workplace.spreadsheets import import_rows

from ..conftest import day, declare, sign_agreement

AGREEMENT_HEADER = [
    "tax_code",
    "signed_on",
    "effective_from",
    "expires_on",
    "votes_for",
    "workers_consulted",
    "submitted_on",
]


@pytest.fixture
def frozen(make_unit, period):
    """A unit counted in the locked 2023-h1, with an agreement signed before the period and in
    force at its end, and a declaration made before the period that decides its eligibility."""
    unit = make_unit(as_of="2022-12-01")
    agreement = sign_agreement(unit, "2022-10-01", "2024-09-30")
    bare = make_unit(as_of=None)  # counted among the units, with no record
    periods.lock(period)
    return {"unit": unit, "agreement": agreement, "bare": bare, "period": period}


def refused_naming_the_period(action, error=FrozenPeriodError):
    with pytest.raises(error) as refusal:
        action()
    assert "6 tháng đầu năm 2023" in str(refusal.value)


def test_an_agreement_in_force_at_the_end_cannot_be_cut_short(frozen):
    agreement = frozen["agreement"]
    agreement.expires_on = day("2023-05-31")
    refused_naming_the_period(agreement.save)
    agreement.refresh_from_db()
    assert agreement.expires_on == day("2024-09-30")


def test_an_agreement_in_force_at_the_end_cannot_be_moved_after_it(frozen):
    agreement = frozen["agreement"]
    agreement.signed_on = agreement.effective_from = day("2023-07-01")
    agreement.expires_on = day("2025-06-30")
    refused_naming_the_period(agreement.save)


def test_an_agreement_in_force_at_the_end_cannot_be_deleted(frozen):
    refused_naming_the_period(frozen["agreement"].delete)
    assert CollectiveAgreement.objects.filter(pk=frozen["agreement"].pk).exists()


def test_a_new_agreement_reaching_into_the_end_is_refused(frozen):
    refused_naming_the_period(lambda: sign_agreement(frozen["unit"], "2022-11-01", "2023-12-31"))


def test_details_that_count_for_nothing_may_still_change(frozen):
    agreement = frozen["agreement"]
    agreement.votes_for = 35
    agreement.expires_on = day("2024-09-29")  # still in force at the period's end
    agreement.save()
    agreement.refresh_from_db()
    assert (agreement.votes_for, agreement.expires_on) == (35, day("2024-09-29"))


def test_the_bulk_update_path_is_guarded_too(frozen):
    records = CollectiveAgreement.objects.filter(pk=frozen["agreement"].pk)
    refused_naming_the_period(lambda: records.update(expires_on=day("2023-01-31")))
    refused_naming_the_period(records.delete)


def test_an_import_that_cuts_the_agreement_short_is_refused(frozen):
    unit = frozen["unit"]
    rows = [
        AGREEMENT_HEADER,
        [unit.tax_code, "2022-10-01", "2022-10-01", "2023-03-31", "30", "40", ""],
    ]
    outcome = import_rows("agreements", rows)
    assert outcome.errors and "6 tháng đầu năm 2023" in outcome.errors[0].message
    frozen["agreement"].refresh_from_db()
    assert frozen["agreement"].expires_on == day("2024-09-30")


def test_the_declaration_deciding_eligibility_cannot_change(frozen):
    declaration = frozen["unit"].headcounts.get()
    declaration.union_members = 3
    refused_naming_the_period(declaration.save)
    refused_naming_the_period(lambda: declare(frozen["unit"], "2022-12-15", 4))


def test_an_older_declaration_that_decides_nothing_may_be_added(frozen):
    declare(frozen["unit"], "2021-05-01", 4)
    assert frozen["unit"].headcounts.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"dissolved_on": "2023-03-31"},
        {"union_established_on": "2023-07-01"},
        {"registration": "rejected"},
    ],
    ids=["dissolved-inside", "established-after", "rejected"],
)
def test_a_counted_unit_cannot_leave_the_frozen_figures(frozen, change):
    unit = Enterprise.objects.get(pk=frozen["bare"].pk)
    for name, value in change.items():
        setattr(unit, name, day(value) if name.endswith("_on") else value)
    refused_naming_the_period(unit.full_clean, ValidationError)
    refused_naming_the_period(unit.save)


def test_moving_a_counted_units_establishment_earlier_is_allowed(frozen):
    unit = Enterprise.objects.get(pk=frozen["unit"].pk)
    unit.union_established_on = day("2010-01-01")
    unit.full_clean()
    unit.save()


def test_a_unit_registered_late_is_allowed_and_shows_as_drift_only(frozen, make_unit):
    period = ReportingPeriod.objects.get(pk=frozen["period"].pk)
    before = coverage(period)["totals"]

    late = make_unit(established="2010-01-01", as_of="2022-12-01")
    sign_agreement(late, "2022-10-01", "2024-09-30")
    late.union_established_on = day("2009-01-01")
    late.save()

    period.refresh_from_db()
    assert coverage(period)["totals"] == before
    live = compute_coverage(period)["totals"]
    assert live["units"] == before["units"] + 1
    assert live["agreement_in_force"] == before["agreement_in_force"] + 1
