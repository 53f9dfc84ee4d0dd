"""The browser's date checks say what the server's rules say, and the agreement term rule.

A date input carries ``max`` = today only when the model refuses a future date in that field,
and ``min`` only where the model refuses an earlier date that the form cannot change itself.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import day
from workplace.models import (
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    WorkerConference,
    last_day_of_term,
)
from workplace.portal.record_forms import (
    AgreementForm,
    ConferenceForm,
    DialogueForm,
    HeadcountForm,
    InspectionBoardForm,
    OfficialsConferenceForm,
    RegulationForm,
)
from workplace.portal.unit_forms import OfficerProfileForm, RegistrationForm, ReviewerProfileForm

RECORD_FORMS = {
    HeadcountDeclaration: HeadcountForm,
    WorkerConference: ConferenceForm,
    CollectiveAgreement: AgreementForm,
    Dialogue: DialogueForm,
    OfficialsConference: OfficialsConferenceForm,
    InspectionBoard: InspectionBoardForm,
    Regulation: RegulationForm,
}


def today():
    return timezone.localdate()


def date_attrs(form):
    """{field name: the date widget's attributes} for every date input of the form."""
    return {
        name: field.widget.attrs
        for name, field in form.fields.items()
        if getattr(field.widget, "input_type", None) == "date"
    }


def agreement_data(effective_from, expires_on, signed_on=None, **changes):
    return {
        "signed_on": (signed_on or effective_from).isoformat(),
        "effective_from": effective_from.isoformat(),
        "expires_on": expires_on.isoformat(),
        "workers_consulted": "40",
        "votes_for": "30",
        **changes,
    }


# --- max and min on the record forms ----------------------------------------------------------


@pytest.mark.parametrize("model", list(RECORD_FORMS))
def test_record_forms_limit_only_dates_of_what_already_happened(scope, model):
    unit = scope["unit_a"]
    form = RECORD_FORMS[model](instance=model(enterprise=unit))

    attrs = date_attrs(form)

    assert {name for name, a in attrs.items() if "max" in a} == set(model.past_date_fields)
    for name in model.past_date_fields:
        assert attrs[name]["max"] == today().isoformat()
    # Nothing dated before the union existed is a record of it; the other dates are free.
    assert {name for name, a in attrs.items() if "min" in a} == {model.date_field}
    assert attrs[model.date_field]["min"] == unit.union_established_on.isoformat()


def test_an_agreements_effective_and_expiry_dates_take_any_future_day(scope):
    form = AgreementForm(instance=CollectiveAgreement(enterprise=scope["unit_a"]))

    attrs = date_attrs(form)

    assert set(attrs) == {"signed_on", "effective_from", "expires_on", "submitted_on", "graded_on"}
    for name in ("effective_from", "expires_on"):
        assert "max" not in attrs[name]
        assert "min" not in attrs[name]
    html = str(form["expires_on"])
    assert "max=" not in html
    assert f'max="{today().isoformat()}"' in str(form["signed_on"])


def test_the_past_date_fields_are_those_the_server_refuses_in_the_future(scope):
    tomorrow = today() + datetime.timedelta(days=1)
    agreement = CollectiveAgreement(
        enterprise=scope["unit_a"],
        signed_on=today(),
        effective_from=tomorrow,
        expires_on=last_day_of_term(tomorrow, 2),
        votes_for=30,
        workers_consulted=40,
        submitted_on=tomorrow,
        graded_on=tomorrow,
    )

    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()

    assert set(refused.value.message_dict) == {"submitted_on", "graded_on"}
    assert CollectiveAgreement.past_date_fields == ("signed_on", "submitted_on", "graded_on")


@pytest.mark.parametrize("form_class", [RegistrationForm, OfficerProfileForm, ReviewerProfileForm])
def test_unit_forms_limit_the_establishment_and_dissolution_dates(scope, form_class):
    unit = scope["unit_a"]
    kwargs = {"user": scope["reviewer_a"]} if form_class is ReviewerProfileForm else {}
    instance = Enterprise() if form_class is RegistrationForm else unit
    form = form_class(instance=instance, **kwargs)

    attrs = date_attrs(form)

    assert set(attrs) == {name for name in Enterprise.past_date_fields if name in form.fields}
    assert "union_established_on" in attrs
    for limits in attrs.values():
        assert limits["max"] == today().isoformat()
        # The dissolution's lower bound is the establishment typed in the same form.
        assert "min" not in limits


def test_a_unit_cannot_be_dissolved_in_the_future(scope):
    unit = scope["unit_a"]
    unit.dissolved_on = today() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        unit.full_clean()

    assert set(refused.value.message_dict) == {"dissolved_on"}


def test_required_inputs_are_the_fields_the_model_requires(scope):
    form = AgreementForm(instance=CollectiveAgreement(enterprise=scope["unit_a"]))

    required = {name for name, field in form.fields.items() if field.required}

    assert required == {
        "signed_on",
        "effective_from",
        "expires_on",
        "workers_consulted",
        "votes_for",
    }
    assert "required" in str(form["expires_on"])
    assert "required" not in str(form["submitted_on"])


# --- an agreement in force today ----------------------------------------------------------------


def test_an_agreement_in_force_today_for_two_years_is_valid_and_saves(scope):
    unit = scope["unit_a"]
    expires = last_day_of_term(today(), 2)
    form = AgreementForm(
        agreement_data(today(), expires, submitted_on=today().isoformat()),
        instance=CollectiveAgreement(enterprise=unit),
    )

    assert form.is_valid(), form.errors
    form.save()

    stored = CollectiveAgreement.objects.get(enterprise=unit)
    assert (stored.effective_from, stored.expires_on) == (today(), expires)


def test_an_officer_adds_and_then_edits_an_agreement_still_in_force(client, scope):
    unit = scope["unit_a"]
    client.force_login(scope["officer_a"])
    expires = today() + datetime.timedelta(days=730)
    add = reverse("portal:record_add", args=[unit.pk, "agreements"])

    added = client.post(add, agreement_data(today(), expires))

    assert added.status_code == 302
    agreement = CollectiveAgreement.objects.get(enterprise=unit)
    edit = reverse("portal:record_edit", args=["agreements", agreement.pk])
    page = client.get(edit).content.decode()
    assert f'value="{expires.isoformat()}"' in page
    assert f'max="{today().isoformat()}"' not in page.split('name="expires_on"')[1].split(">")[0]
    edited = client.post(
        edit, agreement_data(today(), expires, workers_consulted="50", version=agreement.version)
    )
    assert edited.status_code == 302
    agreement.refresh_from_db()
    assert agreement.workers_consulted == 50


# --- the agreement's term: 1 to 3 years, counting the day it takes effect -----------------------


def term_errors(effective_from, expires_on, unit):
    agreement = CollectiveAgreement(
        enterprise=unit,
        signed_on=effective_from,
        effective_from=effective_from,
        expires_on=expires_on,
        votes_for=30,
        workers_consulted=40,
    )
    try:
        agreement.clean()
    except ValidationError as error:
        return error.message_dict.get("expires_on", [])
    return []


@pytest.mark.parametrize(
    ("effective", "expires", "valid"),
    [
        # The shortest term ends the day before the first anniversary.
        ("2023-01-15", "2024-01-13", False),
        ("2023-01-15", "2024-01-14", True),
        ("2023-01-15", "2024-01-15", True),
        # The longest ends the day before the third anniversary, counted the same way.
        ("2023-01-15", "2026-01-13", True),
        ("2023-01-15", "2026-01-14", True),
        ("2023-01-15", "2026-01-15", False),
        # A term begun on 29 February ends on 28 February, like one begun on 1 March.
        ("2020-02-29", "2021-02-27", False),
        ("2020-02-29", "2021-02-28", True),
        ("2020-02-29", "2023-02-28", True),
        ("2020-02-29", "2023-03-01", False),
        ("2020-03-01", "2021-02-27", False),
        ("2020-03-01", "2021-02-28", True),
        ("2020-03-01", "2023-02-28", True),
        ("2020-03-01", "2023-03-01", False),
        # A term ending in a leap year's February runs to its 29th.
        ("2021-03-01", "2022-02-28", True),
        ("2021-03-01", "2024-02-29", True),
        ("2021-03-01", "2024-03-01", False),
    ],
)
def test_the_term_is_one_to_three_years_at_both_ends(scope, effective, expires, valid):
    errors = term_errors(day(effective), day(expires), scope["unit_a"])

    assert (errors == []) is valid, errors


def test_the_term_message_names_both_limits_as_people_write_dates(scope):
    with translation.override("en"):
        (message,) = term_errors(day("2023-01-15"), day("2026-01-15"), scope["unit_a"])
    assert message == (
        "A collective agreement runs for 1 to 3 years, counting the day it takes effect: one "
        "in force from 15/01/2023 must expire between 14/01/2024 and 14/01/2026."
    )
    with translation.override("vi"):
        (message,) = term_errors(day("2023-01-15"), day("2023-06-30"), scope["unit_a"])
    assert "15/01/2023" in message and "14/01/2024" in message and "14/01/2026" in message


def test_the_help_text_states_the_rule_the_server_applies(scope):
    form = AgreementForm(instance=CollectiveAgreement(enterprise=scope["unit_a"]))
    first, last = CollectiveAgreement.expiry_window(AgreementForm.EXAMPLE_START)

    with translation.override("en"):
        help_text = str(AgreementForm(instance=form.instance).fields["expires_on"].help_text)

    assert "1 to 3 years" in help_text
    assert first.strftime("%d/%m/%Y") in help_text
    assert last.strftime("%d/%m/%Y") in help_text
    assert (first, last) == (day("2024-01-14"), day("2026-01-14"))
