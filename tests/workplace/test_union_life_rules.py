"""Rules the README promises on dates: an agreement takes effect once signed, and a unit's
records stay within its union's life whichever of the two is edited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import day, hold_conference, hold_dialogue, sign_agreement
from workplace.models import CollectiveAgreement


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def errors_of(instance):
    with pytest.raises(ValidationError) as failure:
        instance.full_clean()
    return failure.value.message_dict


def test_an_agreement_cannot_take_effect_before_it_is_signed(make_unit):
    agreement = CollectiveAgreement(
        enterprise=make_unit(),
        signed_on=day("2023-03-10"),
        effective_from=day("2023-03-01"),
        expires_on=day("2025-02-28"),
        votes_for=30,
        workers_consulted=40,
    )
    assert "effective_from" in errors_of(agreement)

    agreement.effective_from = day("2023-03-10")
    agreement.expires_on = day("2025-03-09")
    agreement.full_clean()


def test_a_record_cannot_be_dated_after_the_unit_was_dissolved(make_unit):
    unit = make_unit(dissolved="2023-03-31")
    conference = hold_conference(unit, "2023-03-01")
    conference.held_on = day("2023-04-01")

    messages = errors_of(conference)

    assert "dissolved" in messages["held_on"][0] and "31/03/2023" in messages["held_on"][0]


def test_the_union_cannot_be_established_after_its_own_records(make_unit):
    unit = make_unit(established="2015-01-01", as_of="2016-05-01")
    unit.union_established_on = day("2017-01-01")

    messages = errors_of(unit)

    assert "01/05/2016" in messages["union_established_on"][0]


def test_the_unit_cannot_be_dissolved_before_its_own_records(make_unit):
    unit = make_unit(as_of="2023-06-30")
    hold_dialogue(unit, "2023-08-01")
    unit.dissolved_on = day("2023-07-01")

    messages = errors_of(unit)

    assert "01/08/2023" in messages["dissolved_on"][0]


def test_moving_dates_that_keep_every_record_inside_is_allowed(make_unit):
    unit = make_unit(established="2015-01-01", as_of="2023-06-30")
    sign_agreement(unit, "2023-01-01", "2024-12-31")
    unit.union_established_on = day("2020-01-01")
    unit.dissolved_on = min(datetime.date(2024, 1, 1), datetime.date.today())

    unit.full_clean()
