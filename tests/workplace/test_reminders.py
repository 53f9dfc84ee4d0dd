"""Who gets reminded, and of what."""

import datetime
import io

import pytest
from django.core.management import call_command

from workplace.models import AuditEntry
from workplace.reminders import send_reminders

from ..conftest import hold_conference, sign_agreement

TODAY = datetime.date(2024, 5, 20)


@pytest.fixture
def units(scope, make_unit, province):
    """unit_a has done everything this year; unit_b has no conference; a third unit, also
    officer_a's, has an agreement expiring within 90 days and one never submitted."""
    hold_conference(scope["unit_a"], "2024-03-01")
    sign_agreement(scope["unit_a"], "2023-01-01", "2025-12-31", submitted_on="2023-01-05")
    late = make_unit(as_of="2024-01-01")
    scope["officer_a"].units.add(late)
    hold_conference(late, "2024-02-01")
    sign_agreement(late, "2021-08-18", "2024-08-17", submitted_on="2021-08-20")
    sign_agreement(late, "2024-04-01", "2026-03-31", signed_on="2024-04-01")
    return {"late": late, **scope}


def recipients(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def test_each_officer_is_told_only_about_their_own_units(units, mailoutbox):
    send_reminders(TODAY)
    sent = recipients(mailoutbox)
    officer_a = sent["officer_a@example.org"].body
    officer_b = sent["officer_b@example.org"].body
    assert units["late"].tax_code in officer_a
    assert units["unit_a"].tax_code not in officer_a  # nothing left to do there
    assert units["unit_b"].tax_code in officer_b
    assert units["late"].tax_code not in officer_b
    assert "Chưa tổ chức hội nghị người lao động năm 2024." in officer_b


def test_officer_reminder_names_expiring_and_unsubmitted_agreements(units, mailoutbox):
    send_reminders(TODAY)
    body = recipients(mailoutbox)["officer_a@example.org"].body
    assert "hết hạn trong vòng 90 ngày" in body
    assert "chưa gửi cơ quan quản lý nhà nước về lao động" in body


def test_reviewer_digest_covers_their_subtree_only(units, mailoutbox):
    send_reminders(TODAY)
    digest = recipients(mailoutbox)["reviewer_a@example.org"].body
    assert units["late"].tax_code in digest
    assert units["unit_b"].tax_code not in digest


def test_federation_staff_and_units_with_nothing_to_do_get_no_mail(units, mailoutbox):
    send_reminders(TODAY)
    assert "staff@example.org" not in recipients(mailoutbox)


def test_an_inactive_officer_gets_no_mail(units, mailoutbox):
    units["officer_b"].is_active = False
    units["officer_b"].save()
    send_reminders(TODAY)
    assert "officer_b@example.org" not in recipients(mailoutbox)


def test_command_reports_what_it_sent(units, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "reviewer digest" in out.getvalue()
    assert len(mailoutbox) >= 1
    assert AuditEntry.objects.filter(action="delete").count() == 0


def test_an_agreement_that_expired_unsubmitted_is_still_named(units, make_unit, mailoutbox):
    """Not submitted within 10 days means the same as on the reviewer's late list: an
    agreement that ran its whole term unsubmitted was never submitted."""
    expired = make_unit(as_of="2024-01-01")
    units["officer_b"].units.add(expired)
    hold_conference(expired, "2024-02-01")
    sign_agreement(expired, "2021-01-01", "2023-12-31")
    send_reminders(TODAY)
    body = recipients(mailoutbox)["officer_b@example.org"].body
    assert expired.tax_code in body
    assert "chưa gửi cơ quan quản lý nhà nước về lao động" in body
