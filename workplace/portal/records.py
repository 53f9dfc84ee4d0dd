"""A unit's records in the portal: add, edit, history of changes, document downloads.

Every record and unit is fetched through ``unit_for`` / ``record_for``, so an id outside the
user's scope is a 404 whatever the method. A record's unit always comes from the URL.
"""

import dataclasses
import pathlib
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplace.documents import CONTENT_TYPES
from workplace.history import describe_all, display_value, model_of
from workplace.models import (
    BOARD_SECTORS,
    AuditEntry,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regime,
    Regulation,
    ReportingPeriod,
    StaleRecordError,
    WorkerConference,
)

from .access import portal_view, record_for, save_unless_busy, unit_for
from .record_forms import (
    AgreementForm,
    ConferenceForm,
    DialogueForm,
    HeadcountForm,
    InspectionBoardForm,
    OfficialsConferenceForm,
    RegulationForm,
)

# Which sectors keep a kind of record: the grassroots democracy each sector's regime asks for.


def in_every_sector(sector):
    # The headcount says how large a unit is, whatever its regime.
    return True


def in_the_worker_regime(sector):
    return Regime.of(sector) == Regime.WORKER


def in_the_public_sector(sector):
    return Regime.of(sector) == Regime.PUBLIC_SECTOR


def with_an_inspection_board(sector):
    return in_the_public_sector(sector) or sector in BOARD_SECTORS


@dataclasses.dataclass(frozen=True)
class RecordKind:
    model: type
    form: type
    add_title: str
    edit_title: str
    kept_in: Callable[[str], bool]  # whether a unit of this sector keeps such records
    document_field: str | None = None
    download_stem: str | None = None  # the download's file name before its date


# The kinds by their URL segment, which is also their import kind, in the order the unit page
# offers them.
KINDS = {
    "headcounts": RecordKind(
        HeadcountDeclaration,
        HeadcountForm,
        gettext_lazy("Declare the headcount"),
        gettext_lazy("Edit the headcount declaration"),
        kept_in=in_every_sector,
    ),
    "conferences": RecordKind(
        WorkerConference,
        ConferenceForm,
        gettext_lazy("Add a worker conference"),
        gettext_lazy("Edit the worker conference"),
        kept_in=in_the_worker_regime,
        document_field="minutes",
        download_stem="bien-ban-hoi-nghi",
    ),
    "agreements": RecordKind(
        CollectiveAgreement,
        AgreementForm,
        gettext_lazy("Add a collective agreement"),
        gettext_lazy("Edit the collective agreement"),
        kept_in=in_the_worker_regime,
        document_field="document",
        download_stem="thoa-uoc-lao-dong-tap-the",
    ),
    "dialogues": RecordKind(
        Dialogue,
        DialogueForm,
        gettext_lazy("Add a dialogue"),
        gettext_lazy("Edit the dialogue"),
        kept_in=in_the_worker_regime,
        document_field="minutes",
        download_stem="bien-ban-doi-thoai",
    ),
    "officials_conferences": RecordKind(
        OfficialsConference,
        OfficialsConferenceForm,
        gettext_lazy("Add an officials' conference"),
        gettext_lazy("Edit the officials' conference"),
        kept_in=in_the_public_sector,
    ),
    "inspection_boards": RecordKind(
        InspectionBoard,
        InspectionBoardForm,
        gettext_lazy("Add a People's Inspection Board"),
        gettext_lazy("Edit the People's Inspection Board"),
        kept_in=with_an_inspection_board,
    ),
    "regulations": RecordKind(
        Regulation,
        RegulationForm,
        gettext_lazy("Add a workplace democracy regulation"),
        gettext_lazy("Edit the workplace democracy regulation"),
        kept_in=in_the_worker_regime,
    ),
}

KIND_OF_MODEL = {spec.model: name for name, spec in KINDS.items()}

HISTORY_PAGE_SIZE = 50


def kind_or_404(kind):
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404(_("Unknown kind of record.")) from None


def kinds_kept_by(unit):
    """(URL segment, kind) of each kind of record ``unit`` keeps under its sector's regime."""
    return [(name, spec) for name, spec in KINDS.items() if spec.kept_in(unit.sector)]


def refuse_kind_not_kept(spec, unit):
    """A 404 for a kind of record the unit's regime does not keep: whatever the URL or the
    form says, a state agency gets no worker conference and an enterprise no officials'
    conference."""
    if not spec.kept_in(unit.sector):
        raise Http404(_("Units of this sector keep no records of this kind."))


def refusal_for_rejected(request, unit):
    """A 403 page when the unit's registration was rejected: it keeps no records."""
    if unit.registration != Enterprise.Registration.REJECTED:
        return None
    return render(request, "portal/records/refused.html", {"unit": unit}, status=403)


def lock_notice(period):
    """Why a record dated inside ``period`` (locked or published) cannot be edited, in the
    place its edit link would be; ``None`` when nothing freezes it."""
    if period is None:
        return None
    return _("Locked: it belongs to the reporting period “%(period)s”, which is %(status)s.") % {
        "period": period.name,
        "status": period.get_status_display().lower(),
    }


def lock_notice_of(record, frozen_on=None):
    """``lock_notice`` for one record. ``frozen_on`` (``frozen_calendar()``) answers for many
    records from one query; without it the database is asked about this record's date."""
    frozen_on = frozen_on or ReportingPeriod.objects.frozen_on
    return lock_notice(frozen_on(record.record_date))


def save_form(form):
    """Save the form's record; what a concurrent change made invalid since the form was
    checked (a duplicate, a period locked meanwhile) becomes a form error, not a 500."""
    try:
        return save_unless_busy(form, form.save)
    except IntegrityError:
        form.add_error(form.date_field, form.duplicate_message())
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False


def warn_if_submitted_late(request, record):
    """The law's 10-day deadline for submitting an agreement: a warning, never a refusal."""
    if not isinstance(record, CollectiveAgreement):
        return
    days = CollectiveAgreement.SUBMISSION_DAYS
    if record.submitted_late:
        messages.warning(
            request,
            _(
                "The agreement was submitted to the labour authority %(late)s days after "
                "signing; the law asks for it within %(days)s days. It is saved."
            )
            % {"late": (record.submitted_on - record.signed_on).days, "days": days},
        )
    elif record.unsubmitted_past_deadline(timezone.localdate()):
        messages.warning(
            request,
            _(
                "The agreement has not been submitted to the labour authority and more than "
                "%(days)s days have passed since it was signed: the law's deadline was missed. "
                "It is saved; enter the submission date once it is sent."
            )
            % {"days": days},
        )


def saved(request, record):
    messages.success(request, _("Saved."))
    warn_if_submitted_late(request, record)
    return redirect("portal:unit", pk=record.enterprise_id)


def document_attached(spec, record):
    return bool(record is not None and spec.document_field and getattr(record, spec.document_field))


def render_form(request, spec, unit, form, record=None, stored=None, status=200, attached=None):
    """The add or edit page; ``attached`` says whether a file is stored (a bound form has
    already put the user's choice on the record)."""
    context = {
        "unit": unit,
        "form": form,
        "record": record,
        "title": spec.edit_title if record else spec.add_title,
        "kind": KIND_OF_MODEL[spec.model],
        "has_document": bool(spec.document_field),
        "stored": stored,
        "document": document_attached(spec, record) if attached is None else attached,
        "locked": lock_notice_of(record) if record else None,
    }
    return render(request, "portal/records/form.html", context, status=status)


@portal_view
def record_add(request, unit_pk, kind):
    spec = kind_or_404(kind)
    unit = unit_for(request.user, unit_pk)
    refuse_kind_not_kept(spec, unit)
    if refusal := refusal_for_rejected(request, unit):
        return refusal
    record = spec.model(enterprise=unit)
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES, instance=record)
        if form.is_valid() and save_form(form):
            return saved(request, record)
    else:
        form = spec.form(instance=record)
    return render_form(request, spec, unit, form)


@portal_view
def record_edit(request, kind, pk):
    spec = kind_or_404(kind)
    record = record_for(spec.model, request.user, pk)
    unit = record.enterprise
    refuse_kind_not_kept(spec, unit)
    if refusal := refusal_for_rejected(request, unit):
        return refusal
    if request.method != "POST":
        return render_form(request, spec, unit, spec.form(instance=record), record)
    attached = document_attached(spec, record)
    form = spec.form(request.POST, request.FILES, instance=record)
    if not form.is_valid():
        return render_form(request, spec, unit, form, record, attached=attached)
    record.version = form.cleaned_data["version"]
    try:
        if save_form(form):
            return saved(request, record)
    except StaleRecordError:
        return stale_form(request, spec, pk, form)
    return render_form(request, spec, unit, form, record, attached=attached)


def stale_form(request, spec, pk, form):
    """Someone saved the record meanwhile: keep what this user typed, show what is stored now,
    and carry the current version so that saving again is a deliberate overwrite."""
    current = record_for(spec.model, request.user, pk)
    stored = comparison(form, current)
    data = request.POST.copy()
    data["version"] = str(current.version)
    attached = document_attached(spec, current)
    retry = spec.form(data, instance=current)
    retry.is_valid()
    message = _(
        "Someone else saved this record while you were editing it, so your changes were not "
        "saved. Your values are kept in the form; the values stored now are shown beside "
        "them. Check them and save again to replace the stored values."
    )
    if request.FILES:
        message += " " + _("Choose your file again: it was not kept.")
    retry.add_error(None, message)
    return render_form(
        request, spec, current.enterprise, retry, current, stored, status=409, attached=attached
    )


def comparison(form, current):
    """Rows of (label, value stored now, value typed) for each field of the form.

    ``form.instance`` holds what the user typed: the refused save wrote nothing.
    """
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        model_field = current._meta.get_field(name)
        stored = display_value(model_field, model_field.value_to_string(current))
        mine = display_value(model_field, model_field.value_to_string(form.instance))
        if isinstance(model_field, models.FileField):
            typed_file = getattr(form.instance, name)
            if typed_file and not getattr(typed_file, "_committed", True):
                mine = _("a new file (not kept: choose it again)")
        differs = stored != mine
        rows.append({"label": field.label, "stored": stored, "mine": mine, "differs": differs})
    return rows


def with_record_links(described):
    """``describe_all``'s entries, each with the kind of the record whose own history it
    links to: none for a deleted record, nor for what is not a record (a unit)."""
    for item in described:
        entry = item["entry"]
        item["record_kind"] = (
            None if entry.action == "delete" else KIND_OF_MODEL.get(model_of(entry))
        )
    return described


@portal_view
def record_history(request, kind, pk):
    spec = kind_or_404(kind)
    record = record_for(spec.model, request.user, pk)
    entries = AuditEntry.objects.filter(
        model=spec.model._meta.label_lower, object_pk=str(record.pk)
    ).select_related("actor")
    context = {
        "unit": record.enterprise,
        "record": record,
        "kind": kind,
        "title": capfirst(spec.model._meta.verbose_name),
        "entries": describe_all(entries, request.user),
        "locked": lock_notice_of(record),
    }
    return render(request, "portal/records/history.html", context)


@portal_view
def unit_history(request, pk):
    unit = unit_for(request.user, pk)
    entries = AuditEntry.objects.filter(enterprise=unit).select_related("actor")
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "page": page,
        "entries": with_record_links(describe_all(page, request.user)),
    }
    return render(request, "portal/records/unit_history.html", context)


@portal_view
def document(request, kind, pk):
    """The record's file, as an attachment, only to users whose scope holds the unit."""
    spec = kind_or_404(kind)
    if spec.document_field is None:
        raise Http404(_("This kind of record has no document."))
    record = record_for(spec.model, request.user, pk)
    stored = getattr(record, spec.document_field)
    if not stored:
        raise Http404(_("No document is attached to this record."))
    extension = pathlib.PurePosixPath(stored.name).suffix.lstrip(".").lower()
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("The document file is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{spec.download_stem}-{record.record_date.isoformat()}.{extension or 'bin'}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("units/<int:unit_pk>/<slug:kind>/add/", record_add, name="record_add"),
    path("units/<int:pk>/history/", unit_history, name="unit_history"),
    path("records/<slug:kind>/<int:pk>/edit/", record_edit, name="record_edit"),
    path("records/<slug:kind>/<int:pk>/history/", record_history, name="record_history"),
    path("records/<slug:kind>/<int:pk>/document/", document, name="document"),
]
