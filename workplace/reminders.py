"""Reminders: what each officer's units still owe this year, and a digest per reviewer.

One query finds the units that fall short today; officers and reviewers are matched to them
in memory, so the number of queries does not grow with the number of units.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from union_site import site_address

from .dates import format_day
from .models import (
    PUBLIC_SECTOR_SECTORS,
    CollectiveAgreement,
    Enterprise,
    InspectionBoard,
    OfficialsConference,
    Regime,
    User,
    WorkerConference,
)

# A state agency or public service unit holds an officials' conference, not a worker one.
IN_THE_PUBLIC_SECTOR = Q(sector__in=PUBLIC_SECTOR_SECTORS)


@dataclasses.dataclass
class UnitReminder:
    unit: Enterprise
    reasons: list


def units_needing_reminders(today):
    """Verified, active units with something to do, each with its reasons in words."""
    this_year = (datetime.date(today.year, 1, 1), today)
    conferences = WorkerConference.objects.filter(enterprise=OuterRef("pk"))
    officials_conferences = OfficialsConference.objects.filter(enterprise=OuterRef("pk"))
    agreements = CollectiveAgreement.objects.filter(enterprise=OuterRef("pk"))
    boards = InspectionBoard.objects.filter(enterprise=OuterRef("pk"))
    units = (
        Enterprise.objects.verified()
        .filter(union_established_on__lte=today)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today))
        .annotate(
            conference_this_year=Exists(conferences.filter(held_on__range=this_year)),
            officials_conference_this_year=Exists(
                officials_conferences.filter(held_on__range=this_year)
            ),
            agreement_expiring=Exists(agreements.expiring_soon(today)),
            agreement_unsubmitted=Exists(agreements.unsubmitted_past_deadline(today)),
            board_term_ends_on=Subquery(
                boards.term_ending_soon(today).order_by("term_ends_on").values("term_ends_on")[:1]
            ),
        )
        .filter(
            (~IN_THE_PUBLIC_SECTOR & Q(conference_this_year=False))
            | (IN_THE_PUBLIC_SECTOR & Q(officials_conference_this_year=False))
            | Q(agreement_expiring=True)
            | Q(agreement_unsubmitted=True)
            | Q(board_term_ends_on__isnull=False)
        )
        .select_related("union_body")
        .prefetch_related("officers")
        .order_by("name")
    )
    return [UnitReminder(unit, reasons_for(unit, today)) for unit in units]


def reasons_for(unit, today):
    reasons = [*conference_reasons(unit, today)]
    if unit.agreement_expiring:
        reasons.append(
            _("The collective agreement expires within %(days)s days.")
            % {"days": CollectiveAgreement.EXPIRY_WARNING_DAYS}
        )
    if unit.agreement_unsubmitted:
        reasons.append(
            _(
                "A collective agreement signed more than %(days)s days ago has not been "
                "submitted to the labour authority."
            )
            % {"days": CollectiveAgreement.SUBMISSION_DAYS}
        )
    if unit.board_term_ends_on:
        reasons.append(
            _(
                "The term of the People's Inspection Board ends on %(date)s, within %(days)s "
                "days: prepare the election of the next board."
            )
            % {
                "date": format_day(unit.board_term_ends_on),
                "days": InspectionBoard.TERM_WARNING_DAYS,
            }
        )
    return reasons


def conference_reasons(unit, today):
    """The yearly conference the unit's regime asks for, when none is held yet this year."""
    if Regime.of(unit.sector) == Regime.PUBLIC_SECTOR:
        if not unit.officials_conference_this_year:
            yield _(
                "No conference of cadres, civil servants and public employees has been held "
                "yet in %(year)s."
            ) % {"year": today.year}
    elif not unit.conference_this_year:
        yield _("No worker conference has been held yet in %(year)s.") % {"year": today.year}


def officer_messages(reminders):
    """One message per officer, listing only their own units."""
    by_officer = {}
    for reminder in reminders:
        for officer in reminder.unit.officers.all():
            if officer.is_active and officer.email:
                by_officer.setdefault(officer, []).append(reminder)
    return [message(officer, "emails/reminder", items) for officer, items in by_officer.items()]


def reviewer_messages(reminders):
    """One digest per reviewer, of the units under their union body's subtree."""
    reviewers = User.objects.filter(
        role=User.Role.REVIEWER, is_active=True, union_body__isnull=False
    ).select_related("union_body")
    digests = []
    for reviewer in reviewers:
        prefix = reviewer.union_body.path
        items = [r for r in reminders if r.unit.union_body.path.startswith(prefix)]
        if items and reviewer.email:
            digests.append(message(reviewer, "emails/digest", items))
    return digests


def message(user, template, items):
    # Links lead to the configured public address (SITE_URL), with no doubled slash.
    context = {"user": user, "items": items, "site_url": site_address.base_url()}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_reminders(today):
    """Send every reminder and digest; returns (officer messages, reviewer digests)."""
    # Officers read Vietnamese: messages are written in the site's main language.
    with translation.override(settings.LANGUAGE_CODE):
        reminders = units_needing_reminders(today)
        officers = officer_messages(reminders)
        reviewers = reviewer_messages(reminders)
    with get_connection() as connection:
        connection.send_messages(officers + reviewers)
    return len(officers), len(reviewers)
