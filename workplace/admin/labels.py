"""How the admin names the codes it stores, in words, one table per concept.

Every label comes from where the concept is defined: a model's verbose name, a field's
choices, the audit log's channels. Listings, filters, inspect views and templates all ask
here, so a code is never shown raw and no label is written twice.
"""

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..audit import SOURCE_LABELS
from ..models import ReportingPeriod, TrackedModel
from ..resources import RESOURCES


def yes_no(value):
    """Có / Không (Yes / No) for a boolean; an unknown value stays empty."""
    if value is None:
        return ""
    return _("Yes") if value else _("No")


# --- the kinds of records an import or export handles ----------------------------------------

KIND_LABELS = {
    kind: capfirst(resource._meta.model._meta.verbose_name_plural)
    for kind, resource in RESOURCES.items()
}


def kind_label(kind):
    """The words for an import kind ("conferences" → "Hội nghị người lao động"), else the kind."""
    return KIND_LABELS.get(kind, kind)


def kind_choices():
    return list(KIND_LABELS.items())


# --- the audit log: channels and kinds of records ---------------------------------------------


def source_label(source):
    """The words for a channel ("portal" → "Cổng thông tin"), else the code as it is."""
    return capfirst(SOURCE_LABELS.get(source, source))


def source_choices():
    return [(code, capfirst(label)) for code, label in SOURCE_LABELS.items()]


def audited_models():
    """The models whose changes are written to the audit log, in the import's order."""
    models = [resource._meta.model for resource in RESOURCES.values()]
    return [
        model for model in models if issubclass(model, TrackedModel) or model is ReportingPeriod
    ]


def record_kind_label(model_label):
    """The words for a model label ("workplace.dialogue" → "Đối thoại"), else the label."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return model_label
    return capfirst(model._meta.verbose_name)


def record_kind_choices():
    return [
        (model._meta.label_lower, capfirst(model._meta.verbose_name)) for model in audited_models()
    ]
