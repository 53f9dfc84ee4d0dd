"""Who is acting, and the record of what they changed.

The person and the channel (portal, admin, import, command) travel in a context variable set
by the middleware or the command, so the model layer can record every change with its author
whichever path the change took.
"""

import contextlib
import contextvars
import dataclasses

from django.apps import apps


@dataclasses.dataclass(frozen=True)
class Actor:
    user: object = None
    source: str = "system"


SYSTEM = Actor()
_actor = contextvars.ContextVar("audit_actor", default=None)

# Bookkeeping columns that say nothing about the record itself.
UNAUDITED_FIELDS = {"created_at", "updated_at", "version", "path", "snapshot", "password"}


@contextlib.contextmanager
def acting_as(user, source):
    """Attribute the changes made inside the block to ``user`` through ``source``."""
    token = _actor.set(Actor(user, source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get() or SYSTEM


def audited_values(instance):
    """The record's own fields as text, the way they are shown in its history."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in UNAUDITED_FIELDS:
            continue
        raw = field.value_from_object(instance)
        # An empty value stays empty rather than becoming the text "None".
        values[field.name] = None if raw in (None, "") else field.value_to_string(instance)
    return values


def differences(before, after):
    """{field: [before, after]} for each field whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(action, instance, changes=None, reason="", enterprise=None):
    """Write one audit entry for ``instance``."""
    AuditEntry = apps.get_model("workplace", "AuditEntry")
    actor = current_actor()
    # The request's user is resolved only now, so requests that change nothing pay nothing.
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "",
        source=actor.source,
        action=action,
        model=instance._meta.label_lower,
        object_pk=str(instance.pk),
        object_repr=str(instance)[:255],
        enterprise=enterprise,
        changes=changes or {},
        reason=reason,
    )


class AuditActorMiddleware:
    """Attribute every change made while serving a request to its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if request.path.startswith(("/admin/", "/django-admin/")) else "portal"
        with acting_as(getattr(request, "user", None), source):
            return self.get_response(request)
