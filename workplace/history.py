"""The history of a record as people read it: who changed what, when, through which channel,
and each field's value before and after, from the audit log's entries.

The portal's history pages and the admin's audit log show entries through here.
"""

import collections
import datetime

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .audit import SOURCE_LABELS
from .dates import format_day
from .models import Enterprise


def display_value(field, value, related=None):
    """An audited text value (``Field.value_to_string``) as a reader would write it: dates
    dd/mm/yyyy, times HH:MM, yes or no, a choice by its label, a related object by its name.

    ``related`` maps (model, pk text) to the name of an object a foreign key points to.
    """
    if value in (None, ""):
        return "—"
    if field is None:
        return str(value)
    if field.many_to_one:
        return (related or {}).get((field.related_model, str(value)), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value in ("True", True) else _("No")
    if isinstance(field, models.FileField):
        return _("a file is attached")
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "SHORT_DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            return format_day(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    return str(value)


def model_of(entry):
    try:
        return apps.get_model(entry.model)
    except (LookupError, ValueError):
        return None


def field_of(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except LookupError:
        return None


def related_names(entries, user):
    """Names of the objects the entries' foreign keys point to, one query per related model.

    Units are looked up within the user's scope only: a unit outside it stays a bare number.
    """
    wanted = collections.defaultdict(set)
    for entry in entries:
        model = model_of(entry)
        for name, values in entry.changes.items():
            field = field_of(model, name)
            if field is not None and field.many_to_one:
                wanted[field.related_model].update(
                    value for value in values if value not in (None, "")
                )
    names = {}
    for model, pks in wanted.items():
        rows = model._default_manager.all()
        if model is Enterprise:
            rows = Enterprise.objects.visible_to(user)
        for pk, obj in rows.in_bulk(sorted(pks)).items():
            names[(model, str(pk))] = str(obj)
    return names


def entered_by_people(field):
    """Whether a field holds what someone entered (in a form, an import or a verification)
    rather than what the application keeps for itself: search text, versions, paths, ids."""
    return field is not None and field.editable and not field.primary_key


def describe(entry, related):
    """One audit entry, ready to show: who, when, how, and each field's before → after."""
    model = model_of(entry)
    changes = []
    for name, (before, after) in entry.changes.items():
        field = field_of(model, name)
        if not entered_by_people(field):
            continue
        changes.append(
            {
                "label": capfirst(field.verbose_name),
                "before": display_value(field, before, related),
                "after": display_value(field, after, related),
            }
        )
    return {
        "entry": entry,
        "who": str(entry.actor) if entry.actor else (entry.actor_name or _("the system")),
        "source": SOURCE_LABELS.get(entry.source, entry.source),
        "action": entry.get_action_display(),
        "kind": capfirst(model._meta.verbose_name) if model else entry.model,
        "changes": changes,
    }


def describe_all(entries, user):
    """Each entry as ``describe`` has it, naming related objects as ``user`` may see them."""
    entries = list(entries)
    related = related_names(entries, user)
    return [describe(entry, related) for entry in entries]
