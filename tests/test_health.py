"""``/health/``: each check passes, and each can fail on its own, for a load balancer to see."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.utils import timezone

from workplace.models import ExportJob

CHECK_NAMES = {
    "database": "QuietDatabase(alias='default')",
    "cache": "Cache(alias='default')",
    "media": "WritableStorage(alias='default')",
    "private": "PrivateDocuments(alias='private')",
    "worker": "BackgroundWorker()",
}


@pytest.fixture(autouse=True)
def file_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


def health(client, **headers):
    response = client.get("/health/", HTTP_ACCEPT="application/json", **headers)
    return response, response.json()


def failing(report):
    return {name for name, key in CHECK_NAMES.items() if report[key] != "OK"}


def test_all_checks_pass_without_login(client, db):
    response, report = health(client)
    assert response.status_code == 200
    assert set(report) == set(CHECK_NAMES.values())
    assert failing(report) == set()


def test_the_answer_is_never_cached(client, db):
    response, _ = health(client)
    assert "no-store" in response["Cache-Control"]
    stalled_job(db)
    again, report = health(client)
    assert again.status_code == 500
    assert failing(report) == {"worker"}


def test_a_database_that_cannot_be_reached_fails_the_database_check_alone(client, db):
    # The check opens its own connection in another thread: the backend class is patched.
    refused = OperationalError("failed to resolve host 'db.internal.example': Name unknown")
    with mock.patch.object(
        type(connections["default"]), "temporary_connection", side_effect=refused
    ):
        response, report = health(client)
    assert response.status_code == 500
    assert failing(report) == {"database"}
    # The driver's message names the host: it stays in the log, not in the answer.
    assert "db.internal" not in response.content.decode()


def test_a_cache_that_raises_fails_the_cache_check_alone(client, db):
    # Whichever backend the settings chose (the cache folder, or Redis with REDIS_URL set).
    backend = type(caches["default"])
    with mock.patch.object(backend, "aset", side_effect=ConnectionError("refused")):
        response, report = health(client)
    assert response.status_code == 500
    assert failing(report) == {"cache"}


@pytest.mark.parametrize(
    ("setting", "check"), [("MEDIA_ROOT", "media"), ("PRIVATE_MEDIA_ROOT", "private")]
)
def test_a_storage_that_cannot_be_written_fails_its_own_check(
    client, db, settings, tmp_path, setting, check
):
    # A folder inside a plain file can never be created, whoever the process runs as.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    setattr(settings, setting, blocker / "files")
    response, report = health(client)
    assert response.status_code == 500
    assert failing(report) == {check}
    assert report[CHECK_NAMES[check]] == "Unavailable: Files cannot be written, read or deleted"
    assert str(tmp_path) not in response.content.decode()


def stalled_job(db, **fields):
    job = ExportJob.objects.create(kind="agreements", **fields)
    quiet_since = timezone.now() - ExportJob.STALLED_AFTER - timedelta(minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=quiet_since)
    return job


def test_a_job_waiting_past_the_stall_limit_fails_the_worker_check_alone(client, db):
    stalled_job(db, status=ExportJob.Status.QUEUED)
    response, report = health(client)
    assert response.status_code == 500
    assert failing(report) == {"worker"}
    assert "15 minutes" in report[CHECK_NAMES["worker"]]


def test_a_job_whose_worker_died_half_way_does_not_keep_the_server_out(client, db):
    """A restarted worker does not resume it; the next job it takes says the worker is back."""
    stalled_job(db, status=ExportJob.Status.RUNNING)
    response, report = health(client)
    assert response.status_code == 200, report


def test_a_request_abandoned_days_ago_is_not_news_about_the_worker(client, db):
    job = stalled_job(db, status=ExportJob.Status.QUEUED)
    ExportJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - timedelta(days=2))
    response, report = health(client)
    assert response.status_code == 200, report


def test_a_job_just_queued_or_long_finished_is_not_a_stall(client, db):
    ExportJob.objects.create(kind="agreements")
    stalled_job(db, status=ExportJob.Status.DONE, finished_at=timezone.now())
    response, report = health(client)
    assert response.status_code == 200, report


def test_the_html_page_lists_the_checks(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert "BackgroundWorker" in response.content.decode()


def test_a_probe_over_plain_http_is_not_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    response, _ = health(client)
    assert response.status_code == 200


def test_the_health_check_never_asks_the_public_cache(client, db):
    from cms import cache as public_cache

    with mock.patch.object(public_cache, "_lookup", side_effect=AssertionError("asked")):
        response, _report = health(client)
    assert response.status_code == 200
