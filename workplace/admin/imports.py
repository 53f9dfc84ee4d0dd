"""The admin's import screen: upload a spreadsheet, see what it would do, then confirm it.

Federation staff bring in the same files as ``import_records``. An upload is only checked (a dry
run) and kept, with its checksum, in the import log; records are written when the person who
uploaded it confirms, from the stored file, so what was previewed is exactly what is imported.
"""

import hashlib
import uuid
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator

from ..audit import acting_as
from ..downloads import attachment
from ..import_templates import template_bytes
from ..models import ImportLog
from ..resources import RESOURCES
from ..spreadsheets import (
    ImportFileError,
    ImportOutcome,
    RowError,
    import_rows,
    is_empty_row,
    read_rows,
)
from .access import federation_only
from .labels import kind_choices, kind_label

# Larger files go through ``python manage.py import_records``, which has no such limits.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
ALLOWED_SUFFIXES = (".csv", ".xlsx")
# Enough to correct a file by; a file with more errors is most likely the wrong kind of file.
MAX_STORED_ERRORS = 500
LOGS_PER_PAGE = 20


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of records"), choices=())
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8 or Windows-1258) or XLSX, at most 10 MB and 20,000 rows; larger files "
            "are imported with python manage.py import_records. Row 1 holds the column names; "
            "a template's second row of Vietnamese headings is skipped."
        ),
        widget=forms.FileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise ValidationError(_("Only .csv and .xlsx files can be imported."), code="file_type")
        if uploaded.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _(
                    "The file is larger than 10 MB. Import files this large on the server with "
                    "python manage.py import_records."
                ),
                code="too_large",
            )
        return uploaded


def check_row_count(rows):
    """Refuse more than ``MAX_IMPORT_ROWS`` data rows (blank rows aside) through the web."""
    filled = sum(1 for cells in rows[1:] if not is_empty_row(cells))
    if filled > MAX_IMPORT_ROWS:
        raise ImportFileError(
            [
                RowError(
                    1,
                    "—",
                    _(
                        "The file has %(count)s rows; at most %(limit)s can be imported here. "
                        "Import larger files on the server with python manage.py import_records."
                    )
                    % {"count": filled, "limit": MAX_IMPORT_ROWS},
                )
            ]
        )


def run_import(kind, data, file_name, dry_run):
    """The import's outcome; a file refused as a whole comes back as an outcome with errors."""
    try:
        rows = read_rows(data, file_name)
        check_row_count(rows)
        return import_rows(kind, rows, dry_run=dry_run)
    except ImportFileError as refusal:
        return ImportOutcome(kind=kind, errors=list(refusal.errors), dry_run=dry_run)


def record_outcome(log, outcome, success):
    """Copy counts and errors into ``log``: ``success`` when clean, refused otherwise."""
    log.rows, log.new, log.updated, log.unchanged = (
        outcome.rows,
        outcome.new,
        outcome.updated,
        outcome.unchanged,
    )
    log.errors = [
        {"row": error.row, "column": str(error.column), "message": str(error.message)}
        for error in outcome.errors[:MAX_STORED_ERRORS]
    ]
    log.account_changes = outcome.account_changes[:MAX_STORED_ERRORS]
    log.status = ImportLog.Status.REFUSED if outcome.errors else success


def preview_upload(user, kind, uploaded):
    """Check ``uploaded`` without writing records, and keep it in the import log."""
    data = uploaded.read()
    suffix = Path(uploaded.name).suffix.lower()
    log = ImportLog(
        actor=user,
        kind=kind,
        file_name=Path(uploaded.name).name[-255:],
        checksum=hashlib.sha256(data).hexdigest(),
    )
    outcome = run_import(kind, data, uploaded.name, dry_run=True)
    record_outcome(log, outcome, ImportLog.Status.PREVIEWED)
    # A generated name: nothing the uploader chose ends up in a path on the server.
    log.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    log.save()
    return log


def stored_data(log):
    """The stored file's bytes, refused when missing or no longer the file that was checked."""
    try:
        with log.file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError):
        raise ImportFileError(
            [RowError(1, "—", _("The stored file can no longer be read."))]
        ) from None
    if hashlib.sha256(data).hexdigest() != log.checksum:
        raise ImportFileError(
            [RowError(1, "—", _("The stored file no longer matches its checksum."))]
        )
    return data


@federation_only
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            log = preview_upload(request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
            return redirect("import_preview", log.pk)
    else:
        form = ImportForm()
    paginator = WagtailPaginator(ImportLog.objects.select_related("actor"), LOGS_PER_PAGE)
    logs = paginator.get_page(request.GET.get("p"))
    for log in logs:
        log.kind_label = kind_label(log.kind)
    return TemplateResponse(
        request,
        "workplace/admin/imports/index.html",
        {
            "form": form,
            "logs": logs,
            "elided_page_range": paginator.get_elided_page_range(logs.number),
            "kinds": kind_choices(),
        },
    )


@federation_only
@require_http_methods(["GET", "HEAD"])
def preview(request, pk):
    log = get_object_or_404(ImportLog.objects.select_related("actor"), pk=pk)
    return TemplateResponse(
        request,
        "workplace/admin/imports/preview.html",
        {
            "log": log,
            "kind_label": kind_label(log.kind),
            "can_confirm": is_confirmable(log) and log.actor_id == request.user.pk,
            "errors_truncated": len(log.errors) >= MAX_STORED_ERRORS,
            "max_errors": MAX_STORED_ERRORS,
        },
    )


def is_confirmable(log):
    return log.status == ImportLog.Status.PREVIEWED and not log.errors


@federation_only
@require_POST
def confirm(request, pk):
    with transaction.atomic():
        # Only the uploader's own previews exist here, whatever id is posted.
        log = get_object_or_404(
            ImportLog.objects.select_for_update(), pk=pk, actor_id=request.user.pk
        )
        if not is_confirmable(log):
            messages.error(
                request, _("This import cannot be confirmed: it is not an open preview.")
            )
            return redirect("import_preview", log.pk)
        try:
            data = stored_data(log)
        except ImportFileError as refusal:
            outcome = ImportOutcome(kind=log.kind, errors=list(refusal.errors))
        else:
            with acting_as(request.user, "import"):
                outcome = run_import(log.kind, data, log.file.name, dry_run=False)
        record_outcome(log, outcome, ImportLog.Status.IMPORTED)
        log.save()
    if outcome.errors:
        messages.error(
            request,
            _("Nothing was imported: the file now has %(count)s error(s), listed below.")
            % {"count": len(outcome.errors)},
        )
    else:
        messages.success(
            request,
            _("%(file)s imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "file": log.file_name,
                "new": log.new,
                "updated": log.updated,
                "unchanged": log.unchanged,
            },
        )
    return redirect("import_preview", log.pk)


@federation_only
@require_http_methods(["GET", "HEAD"])
def template(request, kind):
    if kind not in RESOURCES:
        raise Http404
    return attachment(template_bytes(kind), f"{kind}-template.xlsx")


urlpatterns = [
    path("imports/", index, name="imports"),
    path("imports/<int:pk>/", preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", confirm, name="import_confirm"),
    path("imports/template/<slug:kind>.xlsx", template, name="import_template"),
]

# (label, URL name, icon, order) of the admin menu items this module adds.
MENU = [(gettext_lazy("Imports"), "imports", "upload", 300)]
