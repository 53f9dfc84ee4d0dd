"""Every kind of change leaves an audit entry: who, when, through which channel, before/after."""

import io

from django.core.management import call_command

from workplace import periods
from workplace.audit import acting_as
from workplace.models import AuditEntry

from ..conftest import hold_conference


def entries_for(instance):
    return AuditEntry.objects.filter(
        model=instance._meta.label_lower, object_pk=str(instance.pk)
    ).order_by("pk")


def test_create_change_and_delete_record_before_and_after(scope, period):
    with acting_as(scope["officer_a"], "portal"):
        conference = hold_conference(scope["unit_a"], "2023-03-01")
        conference.attendees = 45
        conference.save()
        pk = conference.pk
        conference.delete()
    conference.pk = pk
    created, changed, deleted = entries_for(conference)
    assert (created.action, changed.action, deleted.action) == ("create", "change", "delete")
    assert created.changes["held_on"] == [None, "2023-03-01"]
    assert changed.changes == {"attendees": [None, "45"]}
    assert deleted.changes["attendees"] == ["45", None]
    assert {e.actor for e in (created, changed, deleted)} == {scope["officer_a"]}
    assert {e.source for e in (created, changed, deleted)} == {"portal"}
    assert created.enterprise == scope["unit_a"]


def test_a_save_that_changes_nothing_writes_no_entry(scope):
    unit = scope["unit_a"]
    before = AuditEntry.objects.count()
    unit.save()
    assert AuditEntry.objects.count() == before


def test_command_changes_are_attributed_to_the_command(scope, period):
    call_command("period", "lock", "2023-h1", stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="lock")
    assert (entry.source, entry.actor, entry.object_repr) == ("command", None, period.name)


def test_lock_publish_and_unlock_are_recorded_with_the_reason(scope, period):
    with acting_as(scope["staff"], "admin"):
        periods.lock(period)
        periods.publish(period)
        periods.unlock(period, "Bổ sung số liệu huyện Hữu Lũng")
    actions = list(entries_for(period).values_list("action", "actor", "reason"))
    assert actions == [
        ("lock", scope["staff"].pk, ""),
        ("publish", scope["staff"].pk, ""),
        ("unlock", scope["staff"].pk, "Bổ sung số liệu huyện Hữu Lũng"),
    ]
