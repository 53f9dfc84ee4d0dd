"""Exports of whole tables: CSV streamed as it is read, large XLSX files built in the background.

An XLSX file cannot be streamed (it is a zip written at the end), and a national table takes
longer to build than a web request may last, so above ``BACKGROUND_XLSX_ROWS`` rows it becomes
an ``ExportJob`` run by the task worker (``manage.py db_worker``), which reports its progress
as it goes; the file waits in private storage until the person who asked fetches it.
"""

import datetime
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.db.models import Q
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
# Export files hold whole tables (officers' e-mail addresses among them): they are kept a
# week for the person who asked, then removed with their job.
KEEP_FOR = datetime.timedelta(days=7)


def needs_background(kind):
    return export_count(kind) > BACKGROUND_XLSX_ROWS


def start_xlsx_export(kind, user):
    """Queue an XLSX export of ``kind``; the job is handed to the worker once saved."""
    remove_old_exports()
    job = ExportJob.objects.create(kind=kind, requested_by=user, rows_total=export_count(kind))
    transaction.on_commit(lambda: build_xlsx_export.enqueue(job.pk))
    return job


def remove_old_exports():
    """Delete, with their files, the jobs older than ``KEEP_FOR`` and the finished jobs of
    accounts since deleted (nobody can fetch those any more)."""
    finished = (ExportJob.Status.DONE, ExportJob.Status.FAILED)
    old = ExportJob.objects.filter(
        Q(requested_at__lt=timezone.now() - KEEP_FOR) | Q(requested_by=None, status__in=finished)
    )
    for job in old:
        _delete_file(job)
        job.delete()


def _delete_file(job):
    if job.file:
        job.file.delete(save=False)


def _set(job_pk, **fields):
    ExportJob.objects.filter(pk=job_pk).update(updated_at=timezone.now(), **fields)


def counted(rows, job_pk, total):
    """Pass ``rows`` through, recording every ``PROGRESS_EVERY`` rows how many went by."""
    for number, row in enumerate(rows):
        if number and number % PROGRESS_EVERY == 0:
            # The header is row 0: ``number`` records have been written so far.
            _set(job_pk, rows_done=min(number, total))
        yield row


@task(backend="background")
def build_xlsx_export(job_pk):
    job = ExportJob.objects.filter(pk=job_pk, status=ExportJob.Status.QUEUED).first()
    if job is None:  # already taken, or removed
        return
    _set(job.pk, status=ExportJob.Status.RUNNING)
    try:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as scratch:
            write_xlsx(counted(export_cells(job.kind), job.pk, job.rows_total), scratch, job.kind)
            scratch.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job.file.save(f"{job.kind}-{stamp}.xlsx", File(scratch), save=False)
    except Exception:
        logger.exception("XLSX export %s failed", job.pk)
        _delete_file(job)  # whatever part of it was written
        _set(job.pk, status=ExportJob.Status.FAILED, finished_at=timezone.now())
        raise
    _set(
        job.pk,
        status=ExportJob.Status.DONE,
        file=job.file.name,
        rows_done=job.rows_total,
        finished_at=timezone.now(),
    )
