"""The reporting-period lifecycle: open → locked → published, and back to open with a reason.

Publishing and unlocking are announced with two signals, so that what the public site builds
on a published period (its results page, its cached pages) follows without this module
knowing about the site. Both are sent inside the transaction that changes the period: a
receiver's writes stand or fall with it, and work that must wait for the commit (clearing a
shared cache) is the receiver's to put in ``transaction.on_commit``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .compliance import compute_coverage
from .freeze_lock import freezing_periods
from .models import ReportingPeriod

Status = ReportingPeriod.Status

# Sent with ``period=`` each time ``publish`` runs, also for a period already published.
period_published = Signal()
# Sent with ``period=`` when a locked or published period returns to open.
period_unlocked = Signal()


@transaction.atomic
def lock(period):
    """Freeze the period's figures; locking a locked or published period changes nothing."""
    freezing_periods()
    period.refresh_from_db()  # another lock may have finished while this one waited
    if period.is_frozen:
        return period
    snapshot = compute_coverage(period, from_records=True)
    snapshot["period"]["status"] = Status.LOCKED
    period.snapshot = snapshot
    period.status = Status.LOCKED
    period.locked_at = timezone.now()
    period.save(update_fields=["snapshot", "status", "locked_at"])
    audit.record("lock", period)
    return period


@transaction.atomic
def publish(period):
    """Make the frozen figures public; an open period is locked first."""
    lock(period)
    if period.status != Status.PUBLISHED:
        period.status = Status.PUBLISHED
        period.published_at = timezone.now()
        period.save(update_fields=["status", "published_at"])
        audit.record("publish", period)
    period_published.send(sender=ReportingPeriod, period=period)
    return period


@transaction.atomic
def unlock(period, reason):
    """Return the period to open and drop its snapshot; a reason is required."""
    if not (reason or "").strip():
        raise ValidationError(_("Give a reason for unlocking the period."))
    if not period.is_frozen:
        raise ValidationError(_("The period %(period)s is already open.") % {"period": period.slug})
    period.status = Status.OPEN
    period.snapshot = None
    period.locked_at = None
    period.published_at = None
    period.save(update_fields=["status", "snapshot", "locked_at", "published_at"])
    audit.record("unlock", period, reason=reason.strip())
    period_unlocked.send(sender=ReportingPeriod, period=period)
    return period
