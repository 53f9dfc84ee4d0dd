"""One lock between freezing a period and writing records, on PostgreSQL.

A writer checks a record's date against the frozen periods, then writes; ``periods.lock``
counts the figures, then marks the period frozen. Without a lock between the two, a writer
that checked before a period was locked could commit after it, into a period whose frozen
figures leave its record out. So writers take this lock shared (they never wait for one
another) and ``lock`` takes it alone: it waits for the writers in progress to finish, and
writers starting meanwhile wait for it, then find the period frozen.

SQLite needs none of it: every write transaction there begins by taking the database's one
write lock, which does the same.
"""

from django.db import connection

# Any number no other advisory lock of the application uses.
FREEZE_LOCK = 720_231_201


def _take(function):
    # A transaction-level lock is released at commit; outside a transaction it would be
    # released as soon as taken, so only a caller inside one asks.
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [FREEZE_LOCK])


def writing_records():
    """Call inside a writer's transaction, before it reads which periods are frozen."""
    _take("pg_advisory_xact_lock_shared")


def freezing_periods():
    """Call inside ``lock``'s transaction, before it counts the figures."""
    _take("pg_advisory_xact_lock")
