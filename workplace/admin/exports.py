"""Admin screen "Exports": every kind of record as CSV (streamed) or XLSX (in the background
when large), in the import format, for federation staff."""

import io

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ..downloads import attachment
from ..exports import BACKGROUND_XLSX_ROWS, needs_background, start_xlsx_export
from ..models import ExportJob
from ..resources import RESOURCES
from ..spreadsheets import csv_chunks, export_cells, write_xlsx
from .access import federation_only
from .labels import kind_choices, kind_label

RECENT_JOBS = 20


def _kind_or_404(kind):
    if kind not in RESOURCES:
        raise Http404
    return kind


def _file_name(kind, extension):
    return f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


@federation_only
@require_http_methods(["GET", "HEAD"])
def index(request):
    jobs = ExportJob.objects.filter(requested_by=request.user)[:RECENT_JOBS]
    return TemplateResponse(
        request,
        "workplace/admin/exports/index.html",
        {
            "kinds": kind_choices(),
            "jobs": [(job, kind_label(job.kind)) for job in jobs],
            "background_rows": BACKGROUND_XLSX_ROWS,
        },
    )


@federation_only
@require_http_methods(["GET", "HEAD"])
def export_csv(request, kind):
    """The whole table, written to the response as it is read: memory stays flat."""
    rows = export_cells(_kind_or_404(kind))
    return attachment(csv_chunks(rows), _file_name(kind, "csv"))


@federation_only
@require_POST
def export_xlsx(request, kind):
    """A small table is built at once; a large one becomes a background job."""
    kind = _kind_or_404(kind)
    if needs_background(kind):
        job = start_xlsx_export(kind, request.user)
        return redirect("export_job", job.pk)
    return attachment(_xlsx_file(kind), _file_name(kind, "xlsx"))


def _xlsx_file(kind):
    buffer = io.BytesIO()
    write_xlsx(export_cells(kind), buffer, kind)
    buffer.seek(0)
    return buffer


def _own_job(request, pk):
    # Only the person who asked sees a job: the id in the address proves nothing.
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@federation_only
@require_http_methods(["GET", "HEAD"])
def job(request, pk):
    export = _own_job(request, pk)
    return TemplateResponse(
        request,
        "workplace/admin/exports/job.html",
        {"job": export, "kind_label": kind_label(export.kind)},
    )


@federation_only
@require_http_methods(["GET", "HEAD"])
def job_file(request, pk):
    export = _own_job(request, pk)
    if export.status != ExportJob.Status.DONE or not export.file:
        raise Http404
    response = attachment(export.file.open("rb"), export.file.name.rsplit("/", 1)[-1])
    # A whole table of personal data: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("exports/", index, name="exports"),
    path("exports/<slug:kind>.csv", export_csv, name="export_csv"),
    path("exports/<slug:kind>.xlsx", export_xlsx, name="export_xlsx"),
    path("exports/jobs/<int:pk>/", job, name="export_job"),
    path("exports/jobs/<int:pk>/file/", job_file, name="export_job_file"),
]

MENU = [(gettext_lazy("Exports"), "exports", "download", 310)]
