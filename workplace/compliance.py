"""The indicator engine: the README's "Indicator definitions" counted, totals and breakdowns,
and where a unit stands in words.

The database does the counting: one statement gives each unit's flags and counts from its
records (``per_unit_statement``), which ``kept_facts`` keeps for every open period, and one
statement sums them by area, union body and sector (``_summed_groups``); this module only adds
those sums along the area and union-body trees and reshapes them. What each figure is comes
from ``indicators``. It is the only module that imports pandas (for files, and for the
group-by-group comparison of ``grouped_figures``).
"""

import collections
import dataclasses
import io
import json
import uuid

import pandas as pd
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Max, Q
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext as _

from .conditions import Latest, LatestValue
from .dates import format_day
from .indicators import (
    COUNT_COLUMNS,
    DASHBOARD,
    FIGURES_OF,
    FLAG_COLUMNS,
    HALF_YEAR,
    NOT_ELIGIBLE,
    PUBLIC_SECTOR_TABLE,
    TABLES,
    WORKER_TABLE,
    file_keys,
    flat_row,
    format_ratio,
    not_required_reasons,
    shortfall_reasons,
    shown_in,
    table_headings,
)
from .models import (
    PUBLIC_SECTOR_SECTORS,
    REFORM_DAY,
    Area,
    AreaEra,
    Enterprise,
    Regime,
    ReportingPeriod,
    Sector,
    UnionBody,
    UnitFacts,
)
from .querysets import FLAG_FIELDS, as_flag, record_conditions, unit_conditions
from .text import defuse_formula

BREAKDOWNS = ("area", "union_body", "sector")


def _sum_of(table, indicator):
    """The grouped statement's sum of one indicator: its per-unit column times the flags of
    the units it is counted among (eligible units with an agreement in force, …)."""
    if indicator.column is None:
        return "COUNT(*)"
    return f"SUM({' * '.join(table.counted_columns(indicator))})"


def _latest_names(name):
    return f"{name}_latest_on", f"{name}_met_on"


def _per_unit_tallies(model_name, conditions, unit_ids):
    """One row per enterprise with the number of its records meeting each condition (for a
    ``Latest`` condition, the date of its latest record and of its latest matching one).

    Only records that meet some condition are read; a scope smaller than the country
    (``unit_ids``) limits them to its units, so a reviewer's district reads its own records.
    """
    model = apps.get_model("workplace", model_name)
    tallies, wanted = {}, Q()
    for name, condition in conditions.items():
        if isinstance(condition, Latest):
            latest_on, met_on = _latest_names(name)
            tallies[latest_on] = Max(condition.date_field, filter=condition.in_time())
            if not isinstance(condition, LatestValue):
                tallies[met_on] = Max(
                    condition.date_field, filter=condition.in_time() & condition.condition
                )
            wanted |= condition.in_time()
        else:
            tallies[name] = Count("pk", filter=condition)
            wanted |= condition
    records = model.objects.filter(wanted)
    if unit_ids is not None:
        records = records.filter(enterprise__in=unit_ids)
    return (
        records.order_by().annotate(r_unit=F("enterprise_id")).values("r_unit").annotate(**tallies)
    )


def _unit_column(alias, name, condition):
    """The per-unit flag or count of one condition, from its table's tallies (a number read
    on the latest record comes from that record, joined as "<alias>_<name>")."""
    if isinstance(condition, LatestValue):
        return f"COALESCE({alias}_{name}.{condition.field}, 0) AS {name}"
    if isinstance(condition, Latest):
        latest_on, met_on = _latest_names(name)
        return f"CASE WHEN {alias}.{met_on} = {alias}.{latest_on} THEN 1 ELSE 0 END AS {name}"
    if name in FLAG_FIELDS:
        return f"CASE WHEN {alias}.{name} > 0 THEN 1 ELSE 0 END AS {name}"
    return f"COALESCE({alias}.{name}, 0) AS {name}"


def _latest_record_joins(model_name, alias, conditions):
    """Joins of the latest records a ``LatestValue`` reads its number on."""
    model = apps.get_model("workplace", model_name)
    joins = ""
    for name, condition in conditions.items():
        if isinstance(condition, LatestValue):
            date_column = model._meta.get_field(condition.date_field).column
            latest_on, _met_on = _latest_names(name)
            joins += (
                f"LEFT JOIN {model._meta.db_table} {alias}_{name} "
                f"ON {alias}_{name}.enterprise_id = u.u_id "
                f"AND {alias}_{name}.{date_column} = {alias}.{latest_on} "
            )
    return joins


def _sum_columns():
    """Every regime's sums, in ``TABLES`` order: (regime, figure) and its SQL."""
    return [
        ((regime, indicator.figure_key), _sum_of(table, indicator))
        for regime, table in TABLES.items()
        for indicator in table.summed
    ]


def _area_key(restricted):
    """The units' area as a grouping key.

    Over the whole country SQLite would walk the units through the area index to spare
    itself a sort, fetching every row at random; "+ 0" hides the index, and a plain scan
    then a sort takes a third less time. Within a scope it finds the units through their
    union body instead, and hiding the area index only makes it build one on the fly.
    """
    if restricted:
        return F("area_id")
    return ExpressionWrapper(F("area_id") + 0, output_field=BigIntegerField())


def _compose(query, params, fragment, fragment_params=()):
    return query + fragment, [*params, *fragment_params]


# The per-unit columns the indicators sum, in the order of the kept facts' table.
FACT_COLUMNS = (*FLAG_COLUMNS, *COUNT_COLUMNS)


def _regime_case():
    """SQL naming the regime of the unit row's sector, and its parameters."""
    marks = ", ".join(["%s"] * len(PUBLIC_SECTOR_SECTORS))
    sql = f"CASE WHEN u.g_sector IN ({marks}) THEN %s ELSE %s END"
    return sql, [*(str(s) for s in PUBLIC_SECTOR_SECTORS), Regime.PUBLIC_SECTOR, Regime.WORKER]


# Past this many ids a list travels as one value (a JSON array, an SQL array) the statement
# unpacks, rather than as one value per id in every place the statement names the units.
FEW_IDS = 64


def _id_list(ids):
    """``ids`` as a filter value: the ids themselves when they are few, else one parameter."""
    if len(ids) <= FEW_IDS:
        return list(ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


def per_unit_statement(period, units=None, ids=None):
    """One row per in-scope unit, counted from the records: its id, area, union body, sector
    and regime, then ``FACT_COLUMNS``. ``units`` (a queryset) or ``ids`` (a list of unit ids,
    which the record tables are then limited to directly) name the units, else all.

    Each record table is reduced to one row per enterprise (``_per_unit_tallies``) and joined
    to the units, so every table is read once, in bulk, rather than looked up unit by unit.
    The pieces are ORM querysets: only the joins are written here, from constant names, and
    every value travels as a parameter. Returns (sql, params).
    """
    if ids is not None:
        ids = _id_list(ids)
        units = Enterprise.objects.filter(pk__in=ids)
    # Federation staff's scope is every unit: no need to limit the record tables to it.
    restricted = units is not None and units.query.has_filters()
    units = Enterprise.objects.all() if units is None else units
    unit_flags = {name: as_flag(condition) for name, condition in unit_conditions(period).items()}
    in_scope = (
        units.in_scope(period)
        .order_by()
        .annotate(u_id=F("pk"), g_area=_area_key(restricted), g_body=F("union_body_id"))
        .annotate(g_sector=F("sector"), **unit_flags)
        .values("u_id", "g_area", "g_body", "g_sector", *unit_flags)
    )
    unit_ids = ids if ids is not None else in_scope.values("u_id") if restricted else None
    sql, params = in_scope.query.sql_with_params()
    query, args = f"FROM ({sql}) u ", list(params)
    columns = {name: f"u.{name} AS {name}" for name in unit_flags}
    for index, (model_name, conditions) in enumerate(record_conditions(period).items()):
        alias = f"t{index}"
        tallies = _per_unit_tallies(model_name, conditions, unit_ids)
        sql, params = tallies.query.sql_with_params()
        query, args = _compose(
            query, args, f"LEFT JOIN ({sql}) {alias} ON {alias}.r_unit = u.u_id ", params
        )
        query += _latest_record_joins(model_name, alias, conditions)
        for name, condition in conditions.items():
            columns[name] = _unit_column(alias, name, condition)
    regime, regime_params = _regime_case()
    selected = ", ".join(columns[name] for name in FACT_COLUMNS)
    sql = (
        f"SELECT u.u_id, u.g_area, u.g_body, u.g_sector, {regime} AS g_regime, "  # noqa: S608
        f"{selected} {query}"
    )
    return sql, [*regime_params, *args]


def per_unit_rows(period, units=None):
    """``per_unit_statement``'s rows: (unit id, area id, union body id, sector, regime,
    *``FACT_COLUMNS``)."""
    sql, params = per_unit_statement(period, units)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fact_insert_statement(periods, ids=None):
    """The one statement writing ``per_unit_statement``'s rows of the units ``ids`` (all when
    None) into the kept facts of each of ``periods``."""
    table = UnitFacts._meta.db_table
    columns = ", ".join(("period_id", "enterprise_id", "area_id", "union_body_id", "sector"))
    facts = ", ".join(FACT_COLUMNS)
    selects, args = [], []
    for period in periods:
        sql, params = per_unit_statement(period, ids=ids)
        selects.append(
            f"SELECT %s, u_id, g_area, g_body, g_sector, g_regime, {facts} "  # noqa: S608
            f"FROM ({sql}) unit_rows_{len(selects)}"
        )
        args += [period.pk, *params]
    insert = f"INSERT INTO {table} ({columns}, regime, {facts}) {' UNION ALL '.join(selects)}"  # noqa: S608
    return insert, args


def _kept_statement(period, units=None):
    """The kept facts of an open period, in ``per_unit_statement``'s shape."""
    kept = UnitFacts.objects.filter(period=period)
    if units is not None and units.query.has_filters():
        kept = kept.filter(enterprise_id__in=units.values("pk"))
    rows = kept.order_by().annotate(
        u_id=F("enterprise_id"),
        g_area=F("area_id"),
        g_body=F("union_body_id"),
        g_sector=F("sector"),
        g_regime=F("regime"),
    )
    columns = ("u_id", "g_area", "g_body", "g_sector", "g_regime", *FACT_COLUMNS)
    return rows.values(*columns).query.sql_with_params()


def grouped_rows(period, units=None):
    """Figures per (area, union body, sector) for the in-scope units, counted from the
    records in one query: rows of area id, union body id, sector and every regime's counts
    (``_sum_columns``); a group's sector decides which regime's counts are its figures."""
    per_unit, args = per_unit_statement(period, units)
    sums = ", ".join(sql for _figure, sql in _sum_columns())
    sql = (
        f"SELECT g_area, g_body, g_sector, {sums} "  # noqa: S608
        f"FROM ({per_unit}) unit_rows GROUP BY g_area, g_body, g_sector"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


# Each breakdown's branch of ``_summed_groups``: its name, its two key columns (an id and a
# sector do not share one: PostgreSQL would not unite their types) and what it groups by.
_BRANCHES = (
    ("area", "g_area, NULL", "g_area"),
    ("union_body", "g_body, NULL", "g_body"),
    ("sector", "NULL, g_sector", "g_sector"),
)


def _summed_groups(period, units=None, from_records=False):
    """Each regime's figures summed by area, by union body and by sector, in one query:
    {regime: {"area": {area id: Figures}, "union_body": {…}, "sector": {…}}}.

    An open period whose facts are kept is summed from them; any other from its records.
    """
    groups = {regime: {by: {} for by in BREAKDOWNS} for regime in FIGURES_OF}
    try:
        if period.facts_kept and not from_records:
            source, args = _kept_statement(period, units)
        else:
            source, args = per_unit_statement(period, units)
    except EmptyResultSet:  # a scope of no unit at all
        return groups
    sums = ", ".join(sql for _figure, sql in _sum_columns())
    branches = " UNION ALL ".join(
        f"SELECT '{by}', {keys}, g_regime, {sums} FROM unit_rows "  # noqa: S608
        f"GROUP BY {grouped}, g_regime"
        for by, keys, grouped in _BRANCHES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH unit_rows AS ({source}) {branches}", args)
        rows = cursor.fetchall()
    figures = [figure for figure, _sql in _sum_columns()]
    for by, key_id, sector, regime, *counts in rows:
        named = zip(figures, counts, strict=True)
        own = {figure: int(n or 0) for (of, figure), n in named if of == regime}
        groups[regime][by][sector if key_id is None else key_id] = FIGURES_OF[regime](**own)
    return groups


def grouped_figures(period, units=None, regime="worker"):
    """``grouped_rows`` of the sectors of ``regime`` as ((area, union body, sector), Figures)
    pairs."""
    frame = _groups_frame(_rows_frame(grouped_rows(period, units)), regime)
    figures_class = FIGURES_OF[regime]
    fields = list(figures_class.TABLE.figure_fields)
    return [
        ((area, body, sector), figures_class(*(int(n) for n in counts)))
        for area, body, sector, *counts in frame[["area", "body", "sector", *fields]].itertuples(
            index=False
        )
    ]


def _row(code, name, figures, decimals):
    return {"code": code, "name": name, **figures.as_dict(decimals)}


def ancestor_paths(path):
    """'/20/178/06250/' → ['/20/', '/20/178/', '/20/178/06250/']."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _rows_frame(rows):
    """``grouped_rows`` as one frame, built once for every regime: each regime's counts are
    columns named by (regime, figure)."""
    sums = [figure for figure, _sql in _sum_columns()]
    return pd.DataFrame(rows, columns=["area", "body", "sector", *map(str, sums)])


def _groups_frame(frame, regime):
    """The groups of ``regime``'s sectors with that regime's counts, by figure name."""
    sectors = [sector.value for sector in Sector if Regime.of(sector.value).value == regime]
    frame = frame.loc[frame["sector"].isin(sectors)]
    own = {str((r, key)): key for r, key in (f for f, _sql in _sum_columns()) if r == regime}
    frame = frame[["area", "body", "sector", *own]].rename(columns=own)
    fields = list(FIGURES_OF[regime].TABLE.figure_fields)
    # A SUM over no row is NULL; there is nothing to count there.
    frame[fields] = frame[fields].fillna(0).astype("int64")
    return frame


@dataclasses.dataclass
class _Trees:
    """The area and union-body trees the breakdowns roll figures up along.

    Read once per process and kept until a tree changes (``trees_changed``): a dashboard
    rendered all day must not load thousands of areas each time. The version lives in the
    shared cache, so a change made by one process reaches the others.
    """

    areas: dict
    bodies: dict

    VERSION_KEY = "compliance:trees-version"
    held = {}

    @classmethod
    def read(cls):
        return cls(
            areas={a["id"]: a for a in Area.objects.values("id", "code", "name", "path", "era")},
            bodies={b["id"]: b for b in UnionBody.objects.values("id", "code", "name", "path")},
        )

    def hold(self, groups):
        """Whether every area and union body of ``groups`` is in these trees."""
        areas = {area for regime in groups.values() for area in regime["area"]}
        bodies = {body for regime in groups.values() for body in regime["union_body"]}
        return areas <= self.areas.keys() and bodies <= self.bodies.keys()

    @classmethod
    def reread(cls):
        trees = cls.read()
        cls.held = {cache.get(cls.VERSION_KEY): trees}
        return trees

    @classmethod
    def current(cls):
        version = cache.get(cls.VERSION_KEY)
        if version is None:
            version = _new_trees_version()
        trees = cls.held.get(version)
        if trees is None:
            trees = cls.read()
            cls.held = {version: trees}
        return trees


def _new_trees_version():
    version = uuid.uuid4().hex
    cache.set(_Trees.VERSION_KEY, version, None)
    return version


def trees_changed():
    """Call when an area or a union body is added, changed or deleted: every process reads
    the trees again, now and (for another process that read them meanwhile) after the
    commit."""
    _new_trees_version()
    transaction.on_commit(_new_trees_version)


def _area_breakdown(by_area, figures_class, decimals, trees):
    """Roll each area up to the top level of the tree: the children of its root when each
    map (before and after the 2025 reform) has one root (the districts, or the communes, of the
    demo province), else the roots (a country's provinces)."""
    areas = trees.areas
    by_path = {a["path"]: a for a in areas.values()}
    roots = collections.Counter(a["era"] for a in areas.values() if a["path"].count("/") == 2)
    level = 1 if max(roots.values(), default=0) == 1 else 0
    totals = {}
    for area_id, figures in by_area.items():
        lineage = ancestor_paths(areas[area_id]["path"])
        top = lineage[min(level, len(lineage) - 1)]
        totals.setdefault(top, figures_class()).add(figures)
    return [
        {
            **_row(by_path[p]["code"], by_path[p]["name"], totals[p], decimals),
            "era": by_path[p]["era"],
        }
        for p in sorted(totals)
    ]


def row_key(by, row):
    """What a link names a breakdown's row by: an area by its ``Area.key`` (a row frozen
    before areas had eras by its code), anything else by its code."""
    if by == "area" and row.get("era"):
        return Area.key_of(row["code"], row["era"])
    return row["code"]


def _union_body_breakdown(by_body, figures_class, decimals, trees):
    """Every body that holds units in its subtree, with its whole subtree's figures."""
    bodies = trees.bodies
    by_path = {b["path"]: b for b in bodies.values()}
    totals = {}
    for body_id, figures in by_body.items():
        for path in ancestor_paths(bodies[body_id]["path"]):
            totals.setdefault(path, figures_class()).add(figures)
    return [
        _row(by_path[p]["code"], by_path[p]["name"], totals[p], decimals) for p in sorted(totals)
    ]


def _sector_breakdown(by_sector, figures_class, decimals, trees):
    return [
        _row(sector.value, str(sector.label), by_sector[sector.value], decimals)
        for sector in Sector
        if sector.value in by_sector
    ]


BREAKDOWN_OF = {
    "area": _area_breakdown,
    "union_body": _union_body_breakdown,
    "sector": _sector_breakdown,
}


def _regime_figures(groups, regime, decimals, trees):
    """Totals and breakdowns of one regime from its figures summed by area, body and sector."""
    figures_class = FIGURES_OF[regime]
    totals = figures_class()
    for figures in groups["sector"].values():
        totals.add(figures)
    # Names in a snapshot are frozen in the site's main language.
    with translation.override(settings.LANGUAGE_CODE):
        breakdowns = {
            by: breakdown(groups[by], figures_class, decimals, trees)
            for by, breakdown in BREAKDOWN_OF.items()
        }
    return {"totals": totals.as_dict(decimals), "breakdowns": breakdowns}


def period_header(period):
    return {
        "slug": period.slug,
        "name": period.name,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "min_members": period.min_members,
        "status": ReportingPeriod.Status(period.status).value,
    }


def compute_coverage(period, units=None, from_records=False):
    """Live figures for ``period``: the worker regime's totals and breakdowns, and the same
    for agencies and public service units under ``public_sector``. An open period's are summed
    from its kept facts unless ``from_records`` asks for counting the records (locking)."""
    groups = _summed_groups(period, units, from_records)
    trees = _Trees.current()
    if not trees.hold(groups):
        # A tree changed and the news has not reached this process (the shared cache was
        # unreachable): read them again rather than fail.
        trees = _Trees.reread()
    return {
        "period": period_header(period),
        **_regime_figures(groups["worker"], "worker", period.decimals, trees),
        "public_sector": _regime_figures(
            groups["public_sector"], "public_sector", period.decimals, trees
        ),
    }


def _every_key(row, table):
    """A snapshot's row with every figure of today's indicators: one added since the period
    was frozen was not counted then, so it is None (shown as such), never recomputed."""
    missing = [key for key in table.keys if key not in row]
    return {**row, **dict.fromkeys(missing)} if missing else row


def _frozen_regime(section, table):
    return {
        "totals": _every_key(section["totals"], table),
        "breakdowns": {
            by: [_every_key(row, table) for row in rows]
            for by, rows in section["breakdowns"].items()
        },
    }


# A section frozen before agencies and public service units were counted apart.
_NOT_COUNTED = {"totals": {}, "breakdowns": {by: [] for by in BREAKDOWNS}}


def on_todays_map(period):
    """Whether live figures of ``period`` file its units otherwise than the period did: it
    ended before the reform of 1 July 2025, and the map since the reform is loaded, so each
    unit is counted under the area it is filed under today. Screens say so (``todays_map``)."""
    if period.end >= REFORM_DAY:
        return False
    return Area.objects.filter(era=AreaEra.FROM_2025, official=True).exists()


def todays_map_note(period):
    """What a screen says under live figures of ``period`` (see ``on_todays_map``), or ""."""
    if not on_todays_map(period):
        return ""
    return _(
        "Counted from today's records: each unit is shown under the area it is filed under "
        "today, on the map since the reform of 1 July 2025, not under the district of the "
        "period."
    )


def frozen_on_todays_map(period, figures):
    """A note for figures of a period that ended before the 2025 reform but were frozen by
    where its units were filed after it (the communes since the reform), or ""."""
    rows = figures["breakdowns"]["area"]
    if period.end >= REFORM_DAY or not any(row.get("era") == AreaEra.FROM_2025 for row in rows):
        return ""
    return _(
        "The units are shown under the areas they were filed under when these figures were "
        "frozen: the communes and wards since the reform of 1 July 2025."
    )


def coverage(period, live=False):
    """The period's figures: the frozen snapshot once locked, unless ``live`` is asked for."""
    if period.is_frozen and period.snapshot and not live:
        snapshot = period.snapshot
        return {
            **snapshot,
            "period": period_header(period),
            **_frozen_regime(snapshot, WORKER_TABLE),
            "public_sector": _frozen_regime(
                snapshot.get("public_sector", _NOT_COUNTED), PUBLIC_SECTOR_TABLE
            ),
        }
    return compute_coverage(period)


def coverage_report(period, by="area", live=False):
    """The JSON shape of the ``coverage`` command: the worker regime's totals and one of its
    breakdowns, and the same for agencies and public service units under ``public_sector``."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    figures = coverage(period, live=live)
    return {
        "period": figures["period"],
        "totals": figures["totals"],
        "breakdown": figures["breakdowns"][by],
        "public_sector": {
            "totals": figures["public_sector"]["totals"],
            "breakdown": figures["public_sector"]["breakdowns"][by],
        },
    }


def report_frame(report):
    """The breakdown rows and a closing total row as a DataFrame, for CSV and tables."""
    rows = [flat_row(row) for row in report["breakdown"]]
    rows.append({"code": "", "name": _("Total"), **flat_row(report["totals"])})
    return pd.DataFrame(rows, columns=["code", "name", *file_keys()])


def _safe_text(value):
    return defuse_formula(value) if isinstance(value, str) else value


def report_csv(report, lineterminator="\n"):
    """``report_frame`` as CSV text; a name beginning with "=", "+", "-", "@", a tab or a
    carriage return is put behind a quote so that no spreadsheet runs it."""
    frame = report_frame(report)
    for column in ("code", "name"):
        frame[column] = frame[column].map(_safe_text)
    return frame.to_csv(index=False, lineterminator=lineterminator)


def _table_column(frame, indicator):
    if not indicator.rated:
        return frame[indicator.figure_key]
    return [
        format_ratio(n, d, None if pd.isna(r) else r)
        for n, d, r in zip(
            frame[indicator.figure_key],
            frame[indicator.among],
            frame[indicator.rate_key],
            strict=True,
        )
    ]


def report_table(report):
    """A readable plain-text table: one line per row, ratios as numerator/denominator (rate)."""
    frame = report_frame(report)
    columns = {_("Code"): frame["code"], _("Name"): frame["name"]}
    for indicator, heading in zip(shown_in(DASHBOARD), table_headings(DASHBOARD), strict=True):
        columns[heading] = _table_column(frame, indicator)
    table = pd.DataFrame(columns)
    period = report["period"]
    status = ReportingPeriod.Status(period["status"]).label
    heading = f"{period['name']} ({period['start']} – {period['end']}, {status})"
    return heading + "\n" + table.to_string(index=False)


# --- where a unit stands, in words --------------------------------------------------------
#
# These two conditions select, in the database, exactly the units for which
# ``not_required_reasons`` and ``shortfall_reasons`` have something to say: each unit is read
# by the indicators of its regime, and only the worker regime has a membership threshold.

PUBLIC_SECTOR = Q(sector__in=PUBLIC_SECTOR_SECTORS)
NOT_REQUIRED = ~PUBLIC_SECTOR & NOT_ELIGIBLE
FALLS_SHORT = (PUBLIC_SECTOR & PUBLIC_SECTOR_TABLE.falls_short) | (
    ~PUBLIC_SECTOR & WORKER_TABLE.falls_short
)


@dataclasses.dataclass(frozen=True)
class Standing:
    """Where one unit stands in a period: each list holds sentences for people."""

    not_counted: list = dataclasses.field(default_factory=list)  # outside the figures
    not_required: list = dataclasses.field(default_factory=list)  # not eligible, and why
    falls_short: list = dataclasses.field(default_factory=list)  # what it misses

    @property
    def reasons(self):
        return [*self.not_counted, *self.not_required, *self.falls_short]


def _out_of_scope_reasons(unit, period):
    if unit.registration != Enterprise.Registration.VERIFIED:
        return [_("The registration has not been verified, so the unit is not counted.")]
    if unit.union_established_on > period.end:
        return [
            _("The union was established on %(date)s, after the period ends.")
            % {"date": format_day(unit.union_established_on)}
        ]
    return [_("The union was dissolved on %(date)s.") % {"date": format_day(unit.dissolved_on)}]


def standing_from_row(row, period):
    regime = Regime.of(row.sector)
    return Standing(
        not_required=not_required_reasons(row, period) if regime == Regime.WORKER else [],
        falls_short=shortfall_reasons(row, period, TABLES[regime]),
    )


def reasons_from_row(row, period):
    """Every sentence about a unit: why it is not required, then what it falls short of."""
    return standing_from_row(row, period).reasons


def standing(unit, period):
    """Where one unit stands in ``period``, from one query."""
    row = (
        Enterprise.objects.in_scope(period).with_shortfall_facts(period).filter(pk=unit.pk).first()
    )
    if row is None:
        return Standing(not_counted=_out_of_scope_reasons(unit, period))
    return standing_from_row(row, period)


def shortfalls(unit, period):
    """The reasons one unit falls short in ``period``; an empty list when it meets them all."""
    return standing(unit, period).reasons


# --- the federation's half-year report as a spreadsheet --------------------------------------


def _half_year_columns(table):
    """(key, heading, is a rate) of the report's figures, after the row number and name."""
    columns = []
    for indicator in table.shown_in(HALF_YEAR):
        columns.append(
            (indicator.figure_key, indicator.half_year_heading or indicator.label, False)
        )
        if indicator.rated and indicator.half_year_rate:
            columns.append((indicator.rate_key, _("Rate (%)"), True))
    return columns


def _half_year_headings(table, row_heading):
    columns = _half_year_columns(table)
    return [_("No."), row_heading, *(str(heading) for _key, heading, _rate in columns)]


def _half_year_frame(table, rows, totals, total_label):
    """One line per row and a closing total line; object cells keep counts as integers."""
    keys = [key for key, _heading, _rate in _half_year_columns(table)]
    lines = [
        [number, row["name"], *(row.get(key) for key in keys)]
        for number, row in enumerate(rows, start=1)
    ]
    lines.append([None, total_label, *(totals.get(key) for key in keys)])
    return pd.DataFrame(lines, dtype=object)


def _dress_half_year_sheet(sheet, table, title, width, height, decimals):
    from openpyxl.styles import Alignment, Font

    sheet.cell(row=1, column=1, value=defuse_formula(title)).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    rate_columns = {
        3 + number
        for number, (_key, _heading, rate) in enumerate(_half_year_columns(table))
        if rate
    }
    for row in sheet.iter_rows(min_row=2, max_row=height + 2):
        for cell in row:
            # A name beginning with "=" must stay text: nothing in the report is a formula.
            if isinstance(cell.value, str):
                cell.value = defuse_formula(cell.value)
                cell.data_type = "s"
            if cell.row > 2 and cell.column in rate_columns:
                cell.number_format = "0." + "0" * decimals
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.column_dimensions["B"].width = 34
    for column in range(3, width + 1):
        letter = sheet.cell(row=2, column=column).column_letter
        sheet.column_dimensions[letter].width = 9 if column in rate_columns else 16
    sheet.freeze_panes = "C3"


def _half_year_sheets(figures):
    """(sheet name, table, title, row heading, rows, totals) of every sheet: the enterprises'
    three breakdowns, then those of the agencies and public service units."""
    period = figures["period"]["name"]
    enterprises = _("Results of carrying out grassroots democracy at the workplace – %(period)s")
    agencies = _(
        "Results of carrying out democracy in state agencies and public service units – %(period)s"
    )
    headings = {"area": _("Area"), "union_body": _("Union body"), "sector": _("Sector")}
    names = {
        WORKER_TABLE: {
            "area": _("By area"),
            "union_body": _("By union body"),
            "sector": _("By sector"),
        },
        PUBLIC_SECTOR_TABLE: {
            "area": _("Agencies by area"),
            "union_body": _("Agencies by union body"),
            "sector": _("Agencies by sector"),
        },
    }
    sections = [
        (WORKER_TABLE, enterprises % {"period": period}, figures),
        (PUBLIC_SECTOR_TABLE, agencies % {"period": period}, figures["public_sector"]),
    ]
    return [
        (
            names[table][by][:31],
            table,
            title,
            headings[by],
            section["breakdowns"][by],
            section["totals"],
        )
        for table, title, section in sections
        for by in BREAKDOWNS
    ]


def half_year_report_xlsx(figures, decimals=1):
    """The federation's half-year tables of a ``coverage()`` result, as XLSX bytes.

    For the enterprises, then for the agencies and public service units: a title row, the
    headings, one row per district (then per union body and per sector on two more sheets) and
    a total row. Headings are in the site's main language, like the printed report; counts are
    integers and rates numbers with the period's decimals, never formulas.
    """
    with translation.override(settings.LANGUAGE_CODE):
        total_label = _("Total")
        sheets = [
            (name, table, title, _half_year_headings(table, heading), rows, totals)
            for name, table, title, heading, rows, totals in _half_year_sheets(figures)
        ]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table, title, headings, rows, totals in sheets:
            frame = _half_year_frame(table, rows, totals, total_label)
            frame.to_excel(writer, sheet_name=name, startrow=1, index=False, header=headings)
            sheet = writer.sheets[name]
            _dress_half_year_sheet(sheet, table, title, len(headings), len(frame), decimals)
    return buffer.getvalue()
