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
check_facts``). A period whose facts are not kept (``facts_kept`` false: just migrated) is
counted from the records until ``keep_open_periods`` has run, which ``migrate`` does.
"""

from django.apps import apps
from django.db import connection, transaction

from .freeze_lock import freezing_periods

# Units refreshed per statement: well under SQLite's limit of bound parameters.
CHUNK_UNITS = 2000


def _model(name):
    return apps.get_model("workplace", name)


def _kept_periods():
    return list(_model("ReportingPeriod").objects.filter(status="open", facts_kept=True))


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


def _write(period, units=None, ids=None):
    """Replace the period's rows of ``ids`` (every row when None) by the engine's count of
    ``units``."""
    from .compliance import fact_insert_statement

    UnitFacts = _model("UnitFacts")
    kept = UnitFacts.objects.filter(period=period)
    if ids is not None:
        kept = kept.filter(enterprise_id__in=ids)
    kept.delete()
    sql, params = fact_insert_statement(period, units)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh_units(ids):
    """Count the units ``ids`` again in every open period whose facts are kept. Call inside
    the transaction of the write that touched them."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return
    periods = _kept_periods()
    if not periods:
        return
    Enterprise = _model("Enterprise")
    with transaction.atomic():
        for chunk in _chunks(ids):
            _lock_units(chunk)
            for period in periods:
                _write(period, Enterprise.objects.filter(pk__in=chunk), chunk)


def keep_period(period):
    """Count every unit of an open period and keep its facts from now on."""
    ReportingPeriod = _model("ReportingPeriod")
    with transaction.atomic():
        # Writers in progress finish first, and new ones wait: none is left out.
        freezing_periods()
        # As stored: a period just saved may still hold its dates as it was given them.
        _write(ReportingPeriod.objects.get(pk=period.pk))
        ReportingPeriod.objects.filter(pk=period.pk).update(facts_kept=True)
        period.facts_kept = True


def drop_period(period):
    """A frozen period's figures are its snapshot: its facts are no longer kept."""
    ReportingPeriod = _model("ReportingPeriod")
    _model("UnitFacts").objects.filter(period=period).delete()
    ReportingPeriod.objects.filter(pk=period.pk).update(facts_kept=False)
    period.facts_kept = False


def follow_period(period, stored):
    """After a period is saved: keep a new or reopened period's facts, count them again when
    its dates or minimum changed, drop them when it is frozen."""
    if period.is_frozen:
        if stored is None or stored.facts_kept:
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
    periods = list(ReportingPeriod.objects.filter(status="open", facts_kept=False))
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
