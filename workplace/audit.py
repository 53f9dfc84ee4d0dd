"""Who is acting, and the record of what they changed.

The person and the channel (portal, admin, import, command) travel in a context variable set
by the middleware or the command, so the model layer can record every change with its author
whichever path the change took.
"""

import contextlib
import contextvars
import dataclasses
import functools

from django.apps import apps
from django.db import connections, router
from django.utils.translation import gettext_lazy as _

# Each channel a change can come through, as people read it. A change made outside any
# request or command (the Django shell, a data migration) is the system's.
SOURCE_LABELS = {
    "portal": _("portal"),
    "admin": _("administration screens"),
    "import": _("file import"),
    "command": _("command"),
    "system": _("system"),
}


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


@functools.cache
def audited_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in UNAUDITED_FIELDS
    ]


def audited_values(instance):
    """The record's own fields as text, the way they are shown in its history."""
    values = {}
    for field in audited_fields(type(instance)):
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


def author():
    """Who the entries written now are attributed to: the fields an audit entry takes."""
    actor = current_actor()
    # The request's user is resolved only now, so requests that change nothing pay nothing.
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return {
        "actor": user,
        "actor_name": user.get_username() if user else "",
        "source": actor.source,
    }


def entry(action, instance, changes=None, reason="", enterprise=None, by=None):
    """An unsaved audit entry for ``instance``, by ``by`` (an ``author()``, the current one
    if not given). An import makes its entries this way and writes them in bulk."""
    AuditEntry = apps.get_model("workplace", "AuditEntry")
    return AuditEntry(
        **(by or author()),
        action=action,
        model=instance._meta.label_lower,
        object_pk=str(instance.pk),
        object_repr=str(instance)[:255],
        enterprise=enterprise,
        changes=changes or {},
        reason=reason,
    )


def write_entries(entries):
    """Save many new audit entries at once (a large import's); their ids are not read back.

    Several times quicker than ``bulk_create``, which spends most of its time composing one
    statement of every value: PostgreSQL takes the rows through COPY, other databases through
    ``executemany``. Each value is prepared by its model field, as ``save()`` prepares it.
    """
    AuditEntry = apps.get_model("workplace", "AuditEntry")
    connection = connections[router.db_for_write(AuditEntry)]
    quote = connection.ops.quote_name
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    table = quote(AuditEntry._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    rows = [
        [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields]
        for entry in entries
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(fields))
            # The table and column names are the model's own, not anyone's input.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)  # noqa: S608


def record(action, instance, changes=None, reason="", enterprise=None):
    """Write one audit entry for ``instance``."""
    written = entry(action, instance, changes, reason, enterprise)
    written.save(force_insert=True)
    return written


class AuditActorMiddleware:
    """Attribute every change made while serving a request to its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "admin" if request.path.startswith("/admin/") else "portal"
        with acting_as(getattr(request, "user", None), source):
            return self.get_response(request)
