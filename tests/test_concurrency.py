"""Concurrent saves, duplicate submissions and an import killed part-way, on PostgreSQL.

SQLite serialises every write, so these races only mean something on PostgreSQL; elsewhere
the tests are skipped and say so.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client

from workplace import bulk_import, periods
from workplace.compliance import compute_coverage
from workplace.models import (
    HeadcountDeclaration,
    ReportingPeriod,
    StaleRecordError,
    WorkerConference,
)
from workplace.spreadsheets import import_rows

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="concurrency tests need PostgreSQL (set DATABASE_URL)",
    ),
]


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same moment; collect results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome of each contender is the point of the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_people_saving_the_same_record_at_once_one_wins_the_other_is_told(scope):
    declaration = HeadcountDeclaration.objects.get(enterprise=scope["unit_a"])
    copies = [
        HeadcountDeclaration.objects.get(pk=declaration.pk),
        HeadcountDeclaration.objects.get(pk=declaration.pk),
    ]

    def save(index):
        copy = copies[index]
        copy.union_members = 11 + index
        copy.save()
        return copy.union_members

    results = run_together(2, save)
    winners = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, StaleRecordError)]
    assert (len(winners), len(refused)) == (1, 1)
    declaration.refresh_from_db()
    assert declaration.union_members == winners[0]
    assert declaration.version == 2


def test_twenty_identical_submissions_at_once_create_one_record(scope):
    unit = scope["unit_a"]
    officer = scope["officer_a"]
    address = f"/portal/units/{unit.pk}/conferences/add/"
    data = {"held_on": "2023-03-01", "form": "full", "attendees": "30"}

    def submit(_index):
        client = Client()
        client.force_login(officer)
        return client.post(address, data).status_code

    statuses = run_together(20, submit)
    assert all(isinstance(s, int) and s < 500 for s in statuses), statuses
    assert WorkerConference.objects.filter(enterprise=unit).count() == 1


def writing_into(table):
    """Whether another session holds a write lock on ``table``: it has begun writing to it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation "
            "WHERE pg_class.relname = %s AND pg_locks.mode = 'RowExclusiveLock' "
            "AND pg_locks.pid <> pg_backend_pid()",
            [table],
        )
        return cursor.fetchone() is not None


def test_an_import_killed_part_way_leaves_nothing_written(scope, make_unit, tmp_path):
    # Enough rows that writing them takes a while: twenty units, a declaration a day each.
    units = [scope["unit_a"], *(make_unit(as_of=None) for _ in range(19))]
    rows = ["tax_code,as_of,union_members,workers,operating"]
    rows += [
        f"{unit.tax_code},{year}-{month:02d}-{day:02d},20,30,true"
        for unit in units
        for year in range(2015, 2026)
        for month in range(1, 13)
        for day in range(1, 29)
    ]
    big_file = tmp_path / "headcounts.csv"
    big_file.write_text("\n".join(rows), encoding="utf-8")
    before = HeadcountDeclaration.objects.count()
    settings_dict = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        ),
    }
    process = subprocess.Popen(  # noqa: S603 - the project's own command, fixed arguments
        [sys.executable, "manage.py", "import_records", "headcounts", str(big_file)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Once it writes rows inside its transaction, let it write some more, then kill it outright.
    table = HeadcountDeclaration._meta.db_table
    deadline = time.monotonic() + 180
    while not writing_into(table):
        assert process.poll() is None, "the import ended before it wrote anything"
        assert time.monotonic() < deadline, "the import never began writing"
        time.sleep(0.02)
    time.sleep(0.2)
    assert process.poll() is None, "the import finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert HeadcountDeclaration.objects.count() == before


def waiting_for_an_advisory_lock(seconds=10):
    """Whether another session comes to wait for an advisory lock within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone() is not None:
                return True
        time.sleep(0.02)
    return False


def test_a_period_locked_during_an_import_counts_what_the_import_wrote(make_unit, monkeypatch):
    unit = make_unit(as_of=None)
    period = ReportingPeriod.objects.create(
        slug="2023-h1", name="6 tháng đầu năm 2023", start=date(2023, 1, 1), end=date(2023, 6, 30)
    )
    rows = [["tax_code", "as_of", "union_members", "workers", "operating"]]
    rows += [[unit.tax_code, f"2023-02-{day:02d}", 20, 30, "true"] for day in range(1, 29)]
    checked, go_on = threading.Event(), threading.Event()
    write = bulk_import.BulkImport.write

    def write_when_told(self):
        # Every row has been checked against the periods that were frozen at the start.
        checked.set()
        assert go_on.wait(60)
        return write(self)

    monkeypatch.setattr(bulk_import.BulkImport, "write", write_when_told)
    outcomes = {}

    def import_headcounts():
        try:
            outcomes["import"] = import_rows("headcounts", rows)
        finally:
            connections.close_all()

    def lock_the_period():
        try:
            outcomes["lock"] = periods.lock(ReportingPeriod.objects.get(pk=period.pk))
        finally:
            connections.close_all()

    importer = threading.Thread(target=import_headcounts)
    importer.start()
    assert checked.wait(60)
    locker = threading.Thread(target=lock_the_period)
    locker.start()
    lock_waited = waiting_for_an_advisory_lock()
    go_on.set()
    importer.join(60)
    locker.join(60)
    assert lock_waited, "the lock did not wait for the import in progress"
    assert not outcomes["import"].errors
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.LOCKED
    # The frozen figures are those of the data as it now stands: nothing slipped in after.
    assert period.snapshot["totals"]["declared"] == 1
    assert period.snapshot["totals"] == compute_coverage(period)["totals"]


def test_records_of_one_unit_saved_at_once_are_all_in_its_kept_facts(scope, period):
    """Each writer counts the unit after the other committed (it waits for the unit's row),
    so neither rewrites its facts without the other's record."""
    from workplace import kept_facts
    from workplace.models import Dialogue, UnitFacts

    unit = scope["unit_a"]
    days = [date(2023, 2, 1 + n) for n in range(4)]

    def hold(index):
        Dialogue.objects.create(enterprise=unit, held_on=days[index], kind="periodic")
        return index

    assert run_together(4, hold) == [0, 1, 2, 3]
    period.refresh_from_db()
    assert kept_facts.check(period) == []
    kept = UnitFacts.objects.get(period=period, enterprise=unit)
    assert kept.dialogues_periodic == 4
