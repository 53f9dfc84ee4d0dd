"""Benchmark 1: ``coverage 2024`` by area against the floor, one hand-written SQL statement.

The floor computes the same grouped counts (per area, union body and sector, the rows the
engine adds up into totals and breakdowns), every figure of both regimes (the enterprises' and
the agencies' and public service units'), with joins on pre-aggregated record tables,
which is about as fast as one statement can be. The engine must stay within 1.5× of it, under
an absolute budget, and issue as many queries at 150,000 units as at 1,000.

Run through ``bench/run.py``, which prepares the databases and sets Django up first.
"""

import io
import statistics
import time

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workplace.compliance import compute_coverage, grouped_figures
from workplace.indicators import FIGURES_OF
from workplace.models import Enterprise, Regime, ReportingPeriod

PERIOD = "2024"
RUNS = 5
FLOOR_RATIO = 1.5
BUDGET_SECONDS = {"postgresql": 1.0, "sqlite": 1.5}

# "e.area_id + 0": grouped on the bare column, SQLite walks the units through the area index
# to spare itself a sort and fetches every row at random, a third slower; the engine avoids
# that too (``compliance._area_key``), so the floor does.
#
# Every figure of both regimes for every group, a group's sector deciding which regime's
# columns are its figures. Each record table is read once, reduced to one row per unit before
# the join; the latest declaration (eligibility, workers) and the latest signed of the
# agreements in force (grade) are found by their date, then joined back on the unit's one
# record of that day. A unit declared within the year exactly when its latest declaration on
# or before the end is of the year, so that date tells "declared" too.
FLOOR_SQL = """
SELECT e.area_id + 0, e.union_body_id, e.sector, COUNT(*),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating THEN 1 ELSE 0 END),
  SUM(CASE WHEN latest.as_of >= %(year_start)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND conf.enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND agr.in_force_signed_on IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND dl.has_periodic = 1 THEN 1 ELSE 0 END),
  SUM(COALESCE(dl.periodic, 0)),
  SUM(COALESCE(dl.ad_hoc, 0)),
  SUM(COALESCE(agr.signed, 0)),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND reg.enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND dl.enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating THEN lh.workers ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND agr.in_force_signed_on IS NOT NULL THEN lh.workers ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND e.sector = 'state' THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating AND e.sector = 'state'
           AND board.enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND ga.grade = 'A' THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND ga.grade = 'B' THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND ga.grade = 'C' THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND ga.grade = 'D' THEN 1 ELSE 0 END),
  SUM(CASE WHEN lh.union_members >= %(min)s AND lh.operating
           AND ga.grade = '' THEN 1 ELSE 0 END),
  COUNT(*),
  SUM(CASE WHEN offc.enterprise_id IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN board.enterprise_id IS NOT NULL THEN 1 ELSE 0 END)
FROM workplace_enterprise e
LEFT JOIN (SELECT enterprise_id, MAX(as_of) AS as_of FROM workplace_headcountdeclaration
           WHERE as_of <= %(end)s GROUP BY enterprise_id) latest ON latest.enterprise_id = e.id
LEFT JOIN workplace_headcountdeclaration lh
    ON lh.enterprise_id = latest.enterprise_id AND lh.as_of = latest.as_of
LEFT JOIN (SELECT DISTINCT enterprise_id FROM workplace_workerconference
           WHERE held_on BETWEEN %(year_start)s AND %(end)s) conf ON conf.enterprise_id = e.id
LEFT JOIN (
  SELECT enterprise_id,
    MAX(CASE WHEN effective_from <= %(end)s AND expires_on >= %(end)s THEN signed_on END)
      AS in_force_signed_on,
    SUM(CASE WHEN signed_on BETWEEN %(start)s AND %(end)s THEN 1 ELSE 0 END) AS signed
  FROM workplace_collectiveagreement
  WHERE (effective_from <= %(end)s AND expires_on >= %(end)s)
     OR signed_on BETWEEN %(start)s AND %(end)s
  GROUP BY enterprise_id
) agr ON agr.enterprise_id = e.id
LEFT JOIN workplace_collectiveagreement ga
    ON ga.enterprise_id = agr.enterprise_id AND ga.signed_on = agr.in_force_signed_on
LEFT JOIN (
  SELECT enterprise_id,
    MAX(CASE WHEN kind = 'periodic' AND held_on >= %(year_start)s THEN 1 ELSE 0 END)
      AS has_periodic,
    SUM(CASE WHEN kind = 'periodic' AND held_on >= %(start)s THEN 1 ELSE 0 END) AS periodic,
    SUM(CASE WHEN kind <> 'periodic' AND held_on >= %(start)s THEN 1 ELSE 0 END) AS ad_hoc
  FROM workplace_dialogue WHERE held_on BETWEEN %(year_start)s AND %(end)s
  GROUP BY enterprise_id
) dl ON dl.enterprise_id = e.id
LEFT JOIN (SELECT DISTINCT enterprise_id FROM workplace_regulation
           WHERE issued_on <= %(end)s) reg ON reg.enterprise_id = e.id
LEFT JOIN (SELECT DISTINCT enterprise_id FROM workplace_officialsconference
           WHERE held_on BETWEEN %(year_start)s AND %(end)s) offc ON offc.enterprise_id = e.id
LEFT JOIN (SELECT DISTINCT enterprise_id FROM workplace_inspectionboard
           WHERE elected_on <= %(end)s AND term_ends_on >= %(end)s) board
    ON board.enterprise_id = e.id
WHERE e.registration = 'verified' AND e.union_established_on <= %(end)s
  AND (e.dissolved_on IS NULL OR e.dissolved_on > %(end)s)
GROUP BY e.area_id + 0, e.union_body_id, e.sector
"""
# The (regime, figure) of FLOOR_SQL's columns after the three group keys, in its order.
FLOOR_COLUMNS = (
    *(
        ("worker", figure)
        for figure in (
            "units",
            "eligible",
            "declared",
            "conference_held",
            "agreement_in_force",
            "periodic_dialogue_held",
            "dialogues_periodic",
            "dialogues_ad_hoc",
            "agreements_signed",
            "regulation_issued",
            "dialogue_held",
            "workers",
            "workers_covered",
            "inspection_board_required",
            "inspection_board_in_office",
            "agreements_grade_A",
            "agreements_grade_B",
            "agreements_grade_C",
            "agreements_grade_D",
            "agreements_grade_ungraded",
        )
    ),
    ("public_sector", "units"),
    ("public_sector", "officials_conference_held"),
    ("public_sector", "inspection_board_in_office"),
)


def floor_rows(period):
    """The floor: the grouped counts of every regime from one hand-written statement, as the
    database returns them."""
    # The year's start bounds the dialogue scan, so a half-year period starts no earlier.
    assert period.year_start <= period.start  # noqa: S101
    params = {
        "min": period.min_members,
        "start": period.start,
        "end": period.end,
        "year_start": period.year_start,
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        return cursor.fetchall()


def floor_groups(period):
    """``floor_rows`` as ``grouped_figures`` gives them, for every regime:
    {regime: [((area, union body, sector), figures), …]}."""
    groups = {regime: [] for regime in FIGURES_OF}
    for area, body, sector, *counts in floor_rows(period):
        regime = Regime.of(sector).value
        figures = {
            figure: int(n or 0)
            for (of, figure), n in zip(FLOOR_COLUMNS, counts, strict=True)
            if of == regime
        }
        groups[regime].append(((area, body, sector), FIGURES_OF[regime](**figures)))
    return groups


def engine_groups(period):
    """The engine's grouped figures of every regime, as ``floor_groups`` gives them."""
    return {regime: grouped_figures(period, regime=regime) for regime in FIGURES_OF}


def best_and_median(action, runs=RUNS):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings)


def coverage_command(period):
    call_command("coverage", period.slug, "--by", "area", "--format", "json", stdout=io.StringIO())


def queries_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def same_figures(engine, floor):
    """The same groups with the same figures, of the same regime, for every regime."""
    return engine.keys() == floor.keys() and all(
        sorted_groups(engine[regime]) == sorted_groups(floor[regime]) for regime in engine
    )


def sorted_groups(groups):
    return sorted((key, figures_tuple(figures)) for key, figures in groups)


def figures_tuple(figures):
    return (type(figures).__name__, *vars(figures).items())


def run(small_queries=None):
    """Time the engine and the floor on the current database; ``small_queries`` is the query
    count measured the same way on a 1,000-unit database."""
    period = ReportingPeriod.objects.get(slug=PERIOD)
    units = Enterprise.objects.count()
    agrees = same_figures(engine_groups(period), floor_groups(period))
    compute_coverage(period)  # warm the database's page cache for both
    engine_best, engine_median = best_and_median(lambda: coverage_command(period))
    # The statement alone: a figures object for each of tens of thousands of groups is the
    # comparison's work, not the database's, and the timed command builds none.
    floor_best, floor_median = best_and_median(lambda: floor_rows(period))
    queries = queries_of(lambda: coverage_command(period))
    budget = BUDGET_SECONDS[connection.vendor]
    ratio = engine_median / floor_median
    return {
        "benchmark": "coverage",
        "database": connection.vendor,
        "units": units,
        "engine_s": round(engine_median, 3),
        "engine_best_s": round(engine_best, 3),
        "floor_s": round(floor_median, 3),
        "floor_best_s": round(floor_best, 3),
        "ratio": round(ratio, 2),
        "queries": queries,
        "queries_at_1000": small_queries,
        "same_figures": agrees,
        "met": agrees
        and ratio <= FLOOR_RATIO
        and engine_median <= budget
        and (small_queries is None or queries == small_queries),
        "target": f"≤ {FLOOR_RATIO}× floor, ≤ {budget} s, queries as at 1,000 units",
    }


def count_queries():
    period = ReportingPeriod.objects.get(slug=PERIOD)
    coverage_command(period)
    return queries_of(lambda: coverage_command(period))
