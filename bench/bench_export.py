"""Benchmark 4: exports of a national table.

CSV: the admin's streamed download of every enterprise, read to the last byte through the
real view (target: within 10 s). XLSX: the same table is over 50,000 rows, so asking for it
creates a background job; the worker builds it while the job's progress is read back, and the
file is offered when done.
"""

import io
import threading
import time

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from workplace.exports import BACKGROUND_XLSX_ROWS
from workplace.models import Enterprise, ExportJob, User

KIND = "enterprises"
CSV_BUDGET_SECONDS = 10.0


def bench_user():
    user, _ = User.objects.get_or_create(
        username="bench-federation", defaults={"role": User.Role.FEDERATION}
    )
    return user


def time_csv(client):
    started = time.perf_counter()
    response = client.get(reverse("export_csv", args=[KIND]))
    first_byte = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    return time.perf_counter() - started, first_byte, size, lines - 1


def watch_progress(job_pk, seen, stop):
    """Read the job's progress the way its page does, while the worker writes the file."""
    while not stop.is_set():
        job = ExportJob.objects.filter(pk=job_pk).values("status", "rows_done").first()
        if job and (not seen or seen[-1] != job["rows_done"]):
            seen.append(job["rows_done"])
        time.sleep(0.5)


def time_xlsx(client):
    started = time.perf_counter()
    response = client.post(reverse("export_xlsx", args=[KIND]))
    job = ExportJob.objects.order_by("-pk").first()
    if job is None:  # a table this small is built at once, with no job to watch
        return time.perf_counter() - started, False, None, 0, response.status_code == 200
    queued = response.status_code == 302 and job.status == "queued"
    seen, stop = [], threading.Event()
    watcher = threading.Thread(target=watch_progress, args=(job.pk, seen, stop))
    watcher.start()
    call_command(
        "db_worker",
        "--batch",
        "--backend",
        "background",
        "--no-startup-delay",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    stop.set()
    watcher.join()
    job.refresh_from_db()
    page = client.get(reverse("export_job", args=[job.pk]))
    offered = reverse("export_job_file", args=[job.pk]).encode() in page.content
    return time.perf_counter() - started, queued, job, len(seen), offered


def run():
    rows = Enterprise.objects.count()
    client = Client()
    client.force_login(bench_user())
    csv_seconds, first_byte, size, lines = time_csv(client)
    xlsx_seconds, queued, job, progress_steps, offered = time_xlsx(client)
    return [
        {
            "benchmark": "export",
            "case": "CSV, streamed",
            "rows": lines,
            "seconds": round(csv_seconds, 2),
            "first_byte_s": round(first_byte, 3),
            "megabytes": round(size / 1e6, 1),
            "target": f"≤ {CSV_BUDGET_SECONDS:.0f} s",
            "met": lines == rows and csv_seconds <= CSV_BUDGET_SECONDS,
        },
        {
            "benchmark": "export",
            "case": "XLSX, background task",
            "rows": rows,
            "seconds": round(xlsx_seconds, 2),
            "status": job.status if job else "built at once (small table)",
            "progress_readings": progress_steps,
            "target": f"> {BACKGROUND_XLSX_ROWS} rows queued, progress shown, file offered",
            "met": queued
            and job.rows_total > BACKGROUND_XLSX_ROWS
            and job.status == ExportJob.Status.DONE
            and progress_steps > 2
            and offered,
        },
    ]
