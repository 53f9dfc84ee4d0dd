"""A locked or published period's figures cannot change through any path."""

import pytest
from django.core.exceptions import ValidationError

from workplace import periods
from workplace.compliance import compute_coverage
from workplace.models import (
    CollectiveAgreement,
    FrozenPeriodError,
    HeadcountDeclaration,
    ReportingPeriod,
    WorkerConference,
)
from workplace.spreadsheets import import_rows

from ..conftest import day, hold_conference, sign_agreement


@pytest.fixture
def locked(make_unit, period):
    unit = make_unit()
    conference = hold_conference(unit, "2023-03-01")
    periods.lock(period)
    return {"unit": unit, "conference": conference, "period": period}


def test_adding_a_record_dated_inside_a_locked_period_is_refused(locked):
    with pytest.raises(FrozenPeriodError) as refusal:
        hold_conference(locked["unit"], "2023-05-01")
    assert "6 tháng đầu năm 2023" in str(refusal.value)
    assert WorkerConference.objects.count() == 1


def test_changing_a_record_inside_a_locked_period_is_refused(locked):
    conference = locked["conference"]
    conference.attendees = 99
    with pytest.raises(FrozenPeriodError):
        conference.save()
    conference.refresh_from_db()
    assert conference.attendees is None


def test_moving_a_record_into_a_locked_period_is_refused(locked):
    later = hold_conference(locked["unit"], "2023-08-01")
    later.held_on = day("2023-06-01")
    with pytest.raises(FrozenPeriodError):
        later.save()


def test_moving_a_record_out_of_a_locked_period_is_refused(locked):
    conference = locked["conference"]
    conference.held_on = day("2023-08-01")
    with pytest.raises(FrozenPeriodError):
        conference.save()


def test_deleting_a_record_inside_a_locked_period_is_refused(locked):
    with pytest.raises(FrozenPeriodError):
        locked["conference"].delete()
    assert WorkerConference.objects.filter(pk=locked["conference"].pk).exists()


def test_queryset_update_and_delete_are_refused(locked):
    with pytest.raises(FrozenPeriodError):
        WorkerConference.objects.all().update(attendees=5)
    with pytest.raises(FrozenPeriodError):
        WorkerConference.objects.all().delete()
    with pytest.raises(FrozenPeriodError):
        HeadcountDeclaration.objects.filter(enterprise=locked["unit"]).delete()
    assert WorkerConference.objects.get().attendees is None


def test_queryset_update_moving_records_into_a_locked_period_is_refused(locked):
    later = hold_conference(locked["unit"], "2023-09-01")
    with pytest.raises(FrozenPeriodError):
        WorkerConference.objects.filter(pk=later.pk).update(held_on=day("2023-02-02"))


def test_bulk_create_inside_a_locked_period_is_refused(locked):
    with pytest.raises(FrozenPeriodError):
        WorkerConference.objects.bulk_create(
            [WorkerConference(enterprise=locked["unit"], held_on=day("2023-04-04"), form="full")]
        )


def test_records_outside_the_locked_period_still_change(locked):
    later = hold_conference(locked["unit"], "2023-09-01")
    later.attendees = 12
    later.save()
    later.delete()
    assert WorkerConference.objects.count() == 1


def test_import_into_a_locked_period_names_the_period_and_writes_nothing(locked):
    rows = [
        ["tax_code", "held_on", "form", "attendees"],
        [locked["unit"].tax_code, "2023-09-01", "full", "10"],
        [locked["unit"].tax_code, "2023-04-01", "full", "10"],
    ]
    outcome = import_rows("conferences", rows)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "held_on")]
    assert "6 tháng đầu năm 2023" in outcome.errors[0].message
    assert WorkerConference.objects.count() == 1


def test_reimporting_an_identical_row_inside_a_locked_period_is_not_a_change(locked):
    rows = [
        ["tax_code", "held_on", "form", "attendees"],
        [locked["unit"].tax_code, "2023-03-01", "full", ""],
    ]
    outcome = import_rows("conferences", rows)
    assert (outcome.errors, outcome.unchanged) == ([], 1)


def test_locked_figures_stay_as_frozen_after_refusals(locked):
    frozen = locked["period"].snapshot["totals"]
    with pytest.raises(FrozenPeriodError):
        sign_agreement(locked["unit"], "2023-01-15", "2025-01-14")
    assert compute_coverage(locked["period"])["totals"] == frozen
    assert CollectiveAgreement.objects.count() == 0


def test_published_period_guards_like_a_locked_one(make_unit, period):
    unit = make_unit()
    periods.publish(period)
    with pytest.raises(FrozenPeriodError):
        hold_conference(unit, "2023-01-10")


def test_unlocking_with_a_reason_reopens_the_records(locked):
    periods.unlock(locked["period"], "Huyện Hữu Lũng báo cáo bổ sung")
    hold_conference(locked["unit"], "2023-05-01")
    assert WorkerConference.objects.count() == 2


def test_a_locked_period_keeps_its_dates_and_rules(locked):
    period = ReportingPeriod.objects.get(pk=locked["period"].pk)
    period.min_members = 5
    with pytest.raises(ValidationError, match="không thể|cannot"):
        period.save()
    period.refresh_from_db()
    assert period.min_members == 10
