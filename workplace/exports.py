"""Exports of whole tables: CSV streamed as it is read, large XLSX files built in the background.

An XLSX file cannot be streamed (it is a zip written at the end), and a national table takes
longer to build than a web request may last, so above ``BACKGROUND_XLSX_ROWS`` rows it becomes
an ``ExportJob`` run by the task worker (``manage.py db_worker``), which reports its progress
as it goes; the file waits in private storage until the person who asked fetches it.
"""

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

try:  # Django 6 has tasks built in; before that they come from the django-tasks backport.
    from django.tasks import task
except ImportError:
    from django_tasks import task

from .models import ExportJob
from .spreadsheets import export_cells, export_count, write_xlsx

logger = logging.getLogger(__name__)

BACKGROUND_XLSX_ROWS = 50_000
PROGRESS_EVERY = 5_000  # rows between two progress updates: few writes, smooth enough a bar


def needs_background(kind):
    return export_count(kind) > BACKGROUND_XLSX_ROWS


def start_xlsx_export(kind, user):
    """Queue an XLSX export of ``kind``; the job is handed to the worker once saved."""
    job = ExportJob.objects.create(kind=kind, requested_by=user, rows_total=export_count(kind))
    transaction.on_commit(lambda: build_xlsx_export.enqueue(job.pk))
    return job


def counted(rows, job_pk, total):
    """Pass ``rows`` through, recording every ``PROGRESS_EVERY`` rows how many went by."""
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            # The header is row 0: ``number`` records have been written so far.
            ExportJob.objects.filter(pk=job_pk).update(rows_done=min(number, total))
        yield row


@task(backend="background")
def build_xlsx_export(job_pk):
    job = ExportJob.objects.filter(pk=job_pk, status=ExportJob.Status.QUEUED).first()
    if job is None:  # already taken, or removed
        return
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    try:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as scratch:
            write_xlsx(counted(export_cells(job.kind), job.pk, job.rows_total), scratch, job.kind)
            scratch.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job.file.save(f"{job.kind}-{stamp}.xlsx", File(scratch), save=False)
    except Exception:
        logger.exception("XLSX export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        rows_done=job.rows_total,
        finished_at=timezone.now(),
    )
