"""The admin's export screen: CSV streamed, small XLSX at once, large XLSX as a background job."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from workplace import exports
from workplace.models import AuditEntry, ExportJob, HeadcountDeclaration
from workplace.spreadsheets import export_cells

from ...conftest import declare


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


@pytest.fixture
def headcounts(scope):
    for unit in (scope["unit_a"], scope["unit_b"]):
        declare(unit, "2023-01-10", 40)
        declare(unit, "2023-03-10", 42)
    return HeadcountDeclaration.objects.count()


@pytest.fixture
def large_is_small(monkeypatch):
    """Any table of more than one row counts as large, so a job can be tested quickly."""
    monkeypatch.setattr(exports, "BACKGROUND_XLSX_ROWS", 1)


@pytest.fixture
def run_worker(monkeypatch):
    """Run the task worker once over the queue, inside the test's transaction.

    Between tasks the worker closes connections that are not in autocommit mode, as a
    long-running process should; here that would be the test's own connection.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "db_worker",
        "--batch",
        "--backend",
        "background",
        "--no-startup-delay",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def streamed_text(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_csv_is_streamed_in_the_import_format(staff_client, headcounts):
    response = staff_client.get(reverse("export_csv", args=["headcounts"]))
    assert response.status_code == 200
    assert response.streaming
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(streamed_text(response))))
    expected = [
        [str(c) if not hasattr(c, "isoformat") else c.isoformat() for c in row]
        for row in export_cells("headcounts")
    ]
    assert rows == expected
    assert rows[0] == ["tax_code", "as_of", "union_members", "workers", "operating"]
    assert len(rows) == 1 + headcounts


@pytest.mark.parametrize("account", ["officer_a", "reviewer_a"])
def test_only_federation_staff_may_export(client, scope, account):
    client.force_login(scope[account])
    for name, method in (("export_csv", client.get), ("export_xlsx", client.post)):
        response = method(reverse(name, args=["enterprises"]))
        assert response.status_code in (302, 403)
        assert not getattr(response, "streaming", False)
    assert not ExportJob.objects.exists()


def test_unknown_kind_is_not_found(staff_client):
    assert staff_client.get(reverse("export_csv", args=["salaries"])).status_code == 404
    assert staff_client.post(reverse("export_xlsx", args=["salaries"])).status_code == 404


def test_small_xlsx_is_downloaded_at_once(staff_client, headcounts):
    response = staff_client.post(reverse("export_xlsx", args=["headcounts"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 1 + headcounts
    assert not ExportJob.objects.exists()


def test_large_xlsx_becomes_a_job_the_worker_completes(
    staff_client, headcounts, large_is_small, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("export_xlsx", args=["headcounts"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("export_job", args=[job.pk])
    assert (job.status, job.rows_total) == ("queued", headcounts)

    waiting = staff_client.get(response.url)
    assert b'http-equiv="refresh"' in waiting.content
    assert b"<progress" in waiting.content

    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100

    ready = staff_client.get(response.url)
    file_url = reverse("export_job_file", args=[job.pk])
    assert file_url.encode() in ready.content
    assert b'http-equiv="refresh"' not in ready.content
    download = staff_client.get(file_url)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == ["tax_code", "as_of", "union_members", "workers", "operating"]
    assert len(rows) == 1 + headcounts


def test_a_job_is_seen_only_by_whoever_asked_for_it(
    client,
    scope,
    make_user,
    headcounts,
    large_is_small,
    run_worker,
    django_capture_on_commit_callbacks,
):
    client.force_login(scope["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("export_xlsx", args=["headcounts"]))
    run_worker()
    job = ExportJob.objects.get()
    client.force_login(make_user("other_staff", role="federation"))
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("export_job_file", args=[job.pk])).status_code == 404
    assert (
        reverse("export_job", args=[job.pk]).encode() not in client.get(reverse("exports")).content
    )


def test_a_failed_job_says_so(
    staff_client,
    headcounts,
    large_is_small,
    monkeypatch,
    run_worker,
    django_capture_on_commit_callbacks,
):
    def broken(rows, path, title):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("export_xlsx", args=["headcounts"]))
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == "failed"
    page = staff_client.get(response.url)
    assert b'http-equiv="refresh"' not in page.content
    assert staff_client.get(reverse("export_job_file", args=[job.pk])).status_code == 404


def test_progress_is_recorded_as_rows_go_by(scope, monkeypatch):
    job = ExportJob.objects.create(kind="headcounts", requested_by=scope["staff"], rows_total=6)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    seen = []
    for row in exports.counted(iter(["header", 1, 2, 3, 4, 5, 6]), job.pk, job.rows_total):
        job.refresh_from_db()
        seen.append(job.rows_done)
        del row
    assert seen == [0, 0, 2, 2, 4, 4, 6]
    job.rows_done = 3
    assert job.percent == 50


def test_the_index_lists_every_kind(staff_client):
    page = staff_client.get(reverse("exports"))
    assert page.status_code == 200
    for kind in ("enterprises", "headcounts", "dialogues", "officers"):
        assert reverse("export_csv", args=[kind]).encode() in page.content


def test_a_job_silent_for_long_says_it_stopped_and_no_longer_reloads(staff_client, scope):
    job = ExportJob.objects.create(kind="headcounts", requested_by=scope["staff"], rows_total=9)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING,
        updated_at=timezone.now() - ExportJob.STALLED_AFTER - timedelta(minutes=1),
    )
    page = staff_client.get(reverse("export_job", args=[job.pk]))
    assert b'http-equiv="refresh"' not in page.content
    assert b"help-critical" in page.content
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    page = staff_client.get(reverse("export_job", args=[job.pk]))
    assert b'http-equiv="refresh"' in page.content


def test_progress_moves_the_job_on(scope, monkeypatch):
    job = ExportJob.objects.create(kind="headcounts", requested_by=scope["staff"], rows_total=4)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    list(exports.counted(iter(["header", 1, 2, 3, 4]), job.pk, job.rows_total))
    job.refresh_from_db()
    assert not job.is_stalled


def test_old_exports_and_those_of_deleted_accounts_are_removed_with_their_files(
    scope, make_user, private_media
):
    def finished_job(owner, age):
        job = ExportJob.objects.create(kind="headcounts", requested_by=owner, rows_total=1)
        job.file.save("old.xlsx", ContentFile(b"x"), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            file=job.file.name,
            requested_at=timezone.now() - age,
        )
        return job

    staff = scope["staff"]
    leaver = make_user("leaver", role="federation")
    kept = finished_job(staff, timedelta(days=1))
    too_old = finished_job(staff, exports.KEEP_FOR + timedelta(days=1))
    orphaned = finished_job(leaver, timedelta(hours=1))
    leaver.delete()
    files = {job.pk: private_media / job.file.name for job in (kept, too_old, orphaned)}
    assert all(path.exists() for path in files.values())

    exports.remove_old_exports()

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [kept.pk]
    assert files[kept.pk].exists()
    assert not files[too_old.pk].exists() and not files[orphaned.pk].exists()


def test_the_file_is_kept_out_of_every_cache(
    staff_client, headcounts, large_is_small, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("export_xlsx", args=["headcounts"]))
    run_worker()
    job = ExportJob.objects.get()
    response = staff_client.get(reverse("export_job_file", args=[job.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- dates as people write them -------------------------------------------------------------


def test_xlsx_date_cells_are_real_dates_shown_day_month_year(staff_client, headcounts):
    response = staff_client.post(reverse("export_xlsx", args=["headcounts"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    as_of = sheet.cell(row=2, column=header.index("as_of") + 1)
    assert as_of.is_date
    assert as_of.number_format == "dd/mm/yyyy"


def test_a_listings_xlsx_shows_dates_day_month_year_and_times_in_local_time(
    staff_client, headcounts, scope
):
    listing = staff_client.get(reverse("headcounts:index"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(listing.streaming_content))).active
    dates = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.is_date]
    assert dates and {cell.number_format for cell in dates} == {"dd/mm/yyyy"}

    audit = staff_client.get(reverse("audit:index"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(audit.streaming_content))).active
    when = sheet.cell(row=2, column=1)
    assert when.is_date and when.number_format == "dd/mm/yyyy hh:mm"
    newest = timezone.localtime(AuditEntry.objects.first().at).replace(tzinfo=None)
    assert abs(when.value - newest) < timedelta(seconds=1)
