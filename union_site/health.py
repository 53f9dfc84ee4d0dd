"""``/health/``: what a load balancer or a monitor asks to know whether this server can serve.

django-health-check runs each check on its own and answers 200 when all pass, 500 when any
fails, listing each check with "OK" or a short reason (HTML, or JSON when asked with
``Accept: application/json`` or ``?format=json``). No login: it shows nothing but those lines.
"""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.urls import path
from django.utils import timezone
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from workplace.documents import private_storage
from workplace.models import ExportJob


@dataclasses.dataclass
class WritableStorage(Storage):
    """The library's storage check (write, read back, delete a small file), with a storage
    that refuses the write (a full disk, a folder the site may not write to) reported as
    unavailable rather than as an unknown error."""

    def run(self):
        try:
            super().run()
        except OSError as error:
            # The reason stays in the log (``error`` is chained); the answer names no path.
            raise ServiceUnavailable("Files cannot be written, read or deleted") from error


@dataclasses.dataclass
class QuietDatabase(Database):
    """The library's database check, whose failure names no host, database or user: the
    driver's message (e.g. "failed to resolve host 'db.internal'") stays in the log."""

    def run(self):
        try:
            super().run()
        except ServiceUnavailable as error:
            raise ServiceUnavailable("The database cannot be reached") from error


@dataclasses.dataclass
class PrivateDocuments(WritableStorage):
    """Minutes, agreements, imports and exports, under ``PRIVATE_MEDIA_ROOT``."""

    alias: str = "private"

    @property
    def storage(self):
        return private_storage()


# A request left waiting longer than this is an abandoned one, not news about today's worker:
# it must not keep every server out of the load balancer until someone clears it.
RECENT_REQUESTS = datetime.timedelta(days=1)


def stalled_job_waiting():
    """Whether an export requested within the last day still waits for a worker to take it.

    ``ExportJob.stalled_before`` is the rule the export screens show as "Stopped". Only
    jobs no worker has taken count: a job whose worker died half-way stays stopped, but a
    worker started since takes the next ones, and that is what this check asks.
    """
    now = timezone.now()
    return ExportJob.objects.filter(
        status=ExportJob.Status.QUEUED,
        updated_at__lt=ExportJob.stalled_before(now),
        requested_at__gte=now - RECENT_REQUESTS,
    ).exists()


@dataclasses.dataclass
class BackgroundWorker(HealthCheck):
    """The task worker (``manage.py db_worker``) takes the jobs that wait for it."""

    async def run(self):
        # Thread-sensitive: the query runs where the request's database connection lives.
        if await sync_to_async(stalled_job_waiting, thread_sensitive=True)():
            minutes = int(ExportJob.STALLED_AFTER.total_seconds() // 60)
            raise ServiceUnavailable(
                f"A background job has waited over {minutes} minutes without a worker"
            )


CHECKS = [
    QuietDatabase,
    Cache,
    (WritableStorage, {"alias": "default"}),
    PrivateDocuments,
    BackgroundWorker,
]

health_view = HealthCheckView.as_view(checks=CHECKS)

urlpatterns = [path("", health_view, name="health")]
