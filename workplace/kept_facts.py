"""Figures kept, not recounted: for every open period, one row per counted unit with the
per-unit columns the indicators sum (``models.UnitFacts``).

The rows are written by the engine's own per-unit statement (``compliance.per_unit_statement``)
restricted to the units a write touched, in the transaction of that write, so they cannot
drift from what counting the records would give:

* ``TrackedModel.save()`` and ``delete()`` (the portal, the admin, verification and rejection,
  a unit moved, a row-by-row import) refresh the units of the row (``fact_units``);
* the bulk paths (``RecordQuerySet`` updates, deletes and ``bulk_create``, the bulk importer)
  refresh the set of units they wrote, in a few statements per thousands of units;
* a period's own dates or minimum, a new period and a period unlocked count the whole period
  again (``follow_period``); a period locked or published drops its rows, its snapshot is
  its figures from then on.

``check`` counts every open period's units from the records and compares (``manage.py
check_facts``). A period whose facts were not counted by today's code (``version``: just
migrated, or a release changed an indicator) is counted from the records until
``keep_open_periods`` has run, which ``migrate`` does.
"""

import datetime
import functools
import hashlib
import time

from django.apps import apps
from django.db import connection, transaction

from .freeze_lock import freezing_periods

# Units refreshed per statement and period (their ids travel as one value).
CHUNK_UNITS = 10000


def _model(name):
    return apps.get_model("workplace", name)


def _sample_period():
    """A period of no particular year, for what depends on the shape of the conditions and
    not on their dates."""
    return _model("ReportingPeriod")(
        start=datetime.date(2000, 1, 1), end=datetime.date(2000, 12, 31), min_members=10
    )


@functools.cache
def version():
    """A fingerprint of how the facts are counted: the kept columns and the per-unit statement
    of a sample period. A release that changes an indicator's columns or conditions changes
    it, and every open period is counted again rather than summed from stale facts."""
    from .compliance import FACT_COLUMNS, per_unit_statement

    sql, params = per_unit_statement(_sample_period())
    text = "\0".join((*FACT_COLUMNS, sql, repr(params)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _kept_periods():
    periods = _model("ReportingPeriod").objects.filter(status="open", facts_version=version())
    return list(periods)


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK_UNITS):
        yield ids[start : start + CHUNK_UNITS]


def _lock_units(ids):
    """On PostgreSQL, two writers refreshing the same unit take turns (in the order of the
    units, so they cannot deadlock): the second counts after the first committed, and sees
    its records. SQLite lets one writer at a time in anyway."""
    if connection.features.has_select_for_update:
        Enterprise = _model("Enterprise")
        list(
            Enterprise._base_manager.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _write(periods, ids=None):
    """Replace the rows of the units ``ids`` (every row when None) in ``periods`` by the
    engine's count of them."""
    from .compliance import fact_insert_statement

    kept = _model("UnitFacts").objects.filter(period__in=[period.pk for period in periods])
    if ids is not None:
        kept = kept.filter(enterprise_id__in=ids)
    kept.delete()
    with connection.cursor() as cursor:
        # One statement per period: a statement of them all would grow with their number.
        for period in periods:
            cursor.execute(*fact_insert_statement([period], ids))


# Stands for the unit in the statement counting one unit, composed once per period's rules
# and reused with the unit's id in its place: the ORM takes several times longer to compose
# the statement than the database to run it (and PostgreSQL prepares a statement it is
# given again and again). No id is negative.
_ONE_UNIT = -7_000_000_001
_one_unit_statements = {}


def _one_unit_statement(periods, unit_id):
    from .compliance import fact_insert_statement

    key = tuple(
        (period.pk, *(getattr(period, name) for name in period.COUNTING_RULES))
        for period in periods
    )
    statement = _one_unit_statements.get(key)
    if statement is None:
        statement = fact_insert_statement(periods, [_ONE_UNIT])
        if len(_one_unit_statements) > 32:
            _one_unit_statements.clear()
        _one_unit_statements[key] = statement
    sql, params = statement
    return sql, [unit_id if value == _ONE_UNIT else value for value in params]


def _prepared_cursor():
    """On PostgreSQL, a cursor that binds on the server and prepares the statements it is
    given: planning the one-unit statement takes longer than running it. Django's own
    cursors bind on the client. SQLite's driver keeps its statements prepared anyway."""
    if connection.vendor != "postgresql":
        return None
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _write_one(periods, unit_id):
    table = _model("UnitFacts")._meta.db_table
    marks = ", ".join(["%s"] * len(periods))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE enterprise_id = %s AND period_id IN ({marks})",  # noqa: S608
            [unit_id, *(period.pk for period in periods)],
        )
        sql, params = _one_unit_statement(periods, unit_id)
        prepared = _prepared_cursor()
        if prepared is None:
            cursor.execute(sql, params)
            return
        started = time.monotonic()
        # Django's own errors (an IntegrityError, …) and query log, as for its cursors.
        with connection.wrap_database_errors, prepared:
            prepared.execute(sql, params, prepare=True)
        if connection.queries_logged:
            duration = f"{time.monotonic() - started:.3f}"
            connection.queries_log.append({"sql": sql, "time": duration})


def refresh_units(ids):
    """Count the units ``ids`` again in every open period whose facts are kept. Call inside
    the transaction of the write that touched them."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return
    periods = _kept_periods()
    if not periods:
        return
    # Inside the writer's transaction already, as a rule: no savepoint of its own.
    with transaction.atomic(savepoint=False):
        for chunk in _chunks(ids):
            _lock_units(chunk)
            if len(chunk) == 1:
                _write_one(periods, chunk[0])
            else:
                _write(periods, chunk)


@functools.cache
def counted_fields(model_name):
    """The fields of a model the kept facts read: a change to none of them (a conference's
    attendees, a unit's name) leaves them as they are. From the engine's own conditions."""
    from .conditions import Latest, LatestValue, references
    from .querysets import in_scope_condition, record_conditions, unit_conditions

    sample = _sample_period()
    if model_name == "Enterprise":
        conditions = [in_scope_condition(sample), *unit_conditions(sample).values()]
        fields = {"area", "union_body", "sector"}  # what the figures are grouped by
    else:
        conditions = []
        fields = {"enterprise"}
        for condition in record_conditions(sample).get(model_name, {}).values():
            if isinstance(condition, Latest):
                fields.add(condition.date_field)
                conditions += [condition.condition, condition.among]
                if isinstance(condition, LatestValue):
                    fields.add(condition.field)
            else:
                conditions.append(condition)
    for condition in conditions:
        fields |= references(condition)
    return frozenset(fields)


def changes_count(instance, stored):
    """Whether saving ``instance`` over ``stored`` changes a field the kept facts read."""
    model = type(instance)
    return any(
        getattr(instance, model._meta.get_field(name).attname)
        != getattr(stored, model._meta.get_field(name).attname)
        for name in counted_fields(model.__name__)
    )


def _analyse():
    """A whole period rewritten, PostgreSQL's planner must hear of it at once: with the
    statistics of before (a period of no rows) it would look a reviewer's units up one by one
    among all the period's rows. SQLite's planner does without."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_model('UnitFacts')._meta.db_table}")


def keep_period(period):
    """Count every unit of an open period and keep its facts from now on."""
    ReportingPeriod = _model("ReportingPeriod")
    with transaction.atomic():
        # Writers in progress finish first, and new ones wait: none is left out.
        freezing_periods()
        # As stored: a period just saved may still hold its dates as it was given them.
        _write([ReportingPeriod.objects.get(pk=period.pk)])
        _analyse()
        ReportingPeriod.objects.filter(pk=period.pk).update(facts_version=version())
        period.facts_version = version()


def drop_period(period):
    """A frozen period's figures are its snapshot: its facts are no longer kept."""
    ReportingPeriod = _model("ReportingPeriod")
    _model("UnitFacts").objects.filter(period=period).delete()
    ReportingPeriod.objects.filter(pk=period.pk).update(facts_version="")
    period.facts_version = ""


def follow_period(period, stored):
    """After a period is saved: keep a new or reopened period's facts, count them again when
    its dates or minimum changed, drop them when it is frozen."""
    if period.is_frozen:
        if stored is None or stored.facts_version:
            drop_period(period)
        return
    rules = period.COUNTING_RULES
    if (
        stored is None
        or stored.is_frozen
        or not stored.facts_kept
        or any(getattr(stored, name) != getattr(period, name) for name in rules)
    ):
        keep_period(period)


def keep_open_periods():
    """Count every open period whose facts are not kept yet (a database just migrated, a
    country generated in bulk); returns those periods."""
    ReportingPeriod = _model("ReportingPeriod")
    periods = ReportingPeriod.objects.filter(status="open").exclude(facts_version=version())
    periods = list(periods)
    for period in periods:
        keep_period(period)
    return periods


def recount_open_periods():
    """Count every open period's facts again, kept or not."""
    ReportingPeriod = _model("ReportingPeriod")
    periods = list(ReportingPeriod.objects.filter(status="open"))
    for period in periods:
        keep_period(period)
    return periods


def check(period):
    """The differences between the period's kept facts and a count of its records: a list of
    (enterprise id, column, kept, counted), empty when they agree."""
    from .compliance import FACT_COLUMNS, per_unit_rows

    counted = {row[0]: row[1:] for row in per_unit_rows(period)}
    names = ("area_id", "union_body_id", "sector", "regime", *FACT_COLUMNS)
    kept = {
        row[0]: row[1:]
        for row in _model("UnitFacts")
        .objects.filter(period=period)
        .values_list("enterprise_id", *names)
        .iterator(chunk_size=5000)
    }
    differences = []
    for unit in sorted(counted.keys() | kept.keys()):
        mine, theirs = kept.get(unit), counted.get(unit)
        if mine is None or theirs is None:
            differences.append((unit, "—", mine is not None, theirs is not None))
            continue
        for name, a, b in zip(names, mine, theirs, strict=True):
            if a != b:
                differences.append((unit, name, a, b))
    return differences


def touched_by(records):
    """The units of a queryset of records, before it is updated or deleted in bulk."""
    return set(records.order_by().values_list("enterprise_id", flat=True).distinct())
