"""generate_demo: a deterministic country, and the grouped engine agreeing with per-row facts
and with the coverage benchmark's hand-written floor."""

import importlib.util
import io
import json
from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from workplace.compliance import compute_coverage, grouped_figures
from workplace.indicators import TABLES
from workplace.models import PUBLIC_SECTOR_SECTORS, Enterprise, ReportingPeriod, UnionBody
from workplace.querysets import COUNT_FIELDS, FLAG_FIELDS

REGIMES = tuple(TABLES)

GRADE_COLUMNS = [f"grade_{g}" for g in ("a", "b", "c", "d", "none")]


def generate(units, seed=7):
    call_command("generate_demo", "--units", str(units), "--seed", str(seed), stdout=io.StringIO())


def coverage_json(slug):
    out = io.StringIO()
    call_command("coverage", slug, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def units_of(regime, units):
    public_sector = {"sector__in": PUBLIC_SECTOR_SECTORS}
    return (
        units.filter(**public_sector)
        if regime == "public_sector"
        else units.exclude(**public_sector)
    )


def per_row_totals(period, units, regime="worker"):
    """A regime's totals summed unit by unit from the per-row columns the portal lists show:
    each summed figure is its column times the flags of the units it is counted among."""
    table = TABLES[regime]
    rows = (
        units_of(regime, units.in_scope(period))
        .with_indicators(period)
        .values(*FLAG_FIELDS, *COUNT_FIELDS, "latest_workers", "board_sector", *GRADE_COLUMNS)
    )
    totals = dict.fromkeys(table.figure_fields, 0)
    for row in rows:
        for indicator in table.summed:
            if indicator.column is None:
                totals[indicator.figure_key] += 1
                continue
            product = 1
            for column in table.counted_columns(indicator):
                product *= row[column]
            totals[indicator.figure_key] += product
    return totals


def grouped_totals(period, units=None, regime="worker"):
    fields = TABLES[regime].figure_fields
    totals = dict.fromkeys(fields, 0)
    for _key, figures in grouped_figures(period, units, regime=regime):
        for name in fields:
            totals[name] += getattr(figures, name)
    return totals


@pytest.mark.django_db
def test_generated_country_has_both_periods_and_realistic_rates():
    generate(300)
    assert Enterprise.objects.count() == 300
    assert set(ReportingPeriod.objects.values_list("slug", flat=True)) == {"2024-h1", "2024"}
    totals = coverage_json("2024")["totals"]
    assert 0 < totals["eligible"] < totals["units"]
    # Neither everyone nor no one: the rates have something to show.
    assert 50 < totals["conference_rate"] < 100
    assert 50 < totals["agreement_rate"] < 100


class _RollBack(Exception):
    """Raised to leave a savepoint without keeping what was written inside it."""


def country_seen(units, seed):
    """Generate a country, note what it looks like, and roll it back.

    A savepoint rather than a flush: flush TRUNCATEs, which PostgreSQL refuses inside the
    test's transaction.
    """
    try:
        with transaction.atomic():
            generate(units, seed=seed)
            seen = (
                coverage_json("2024"),
                list(Enterprise.objects.order_by("tax_code").values_list("name", flat=True)[:20]),
            )
            raise _RollBack
    except _RollBack:
        pass
    assert not Enterprise.objects.exists()
    return seen


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_country():
    assert country_seen(120, seed=3) == country_seen(120, seed=3)


@pytest.mark.django_db
def test_generating_into_a_database_with_units_is_refused(make_unit):
    make_unit()
    with pytest.raises(CommandError, match="empty database"):
        generate(10)


@pytest.mark.django_db
def test_generating_beside_real_areas_or_periods_is_refused():
    ReportingPeriod.objects.create(
        slug="2024", name="Năm 2024", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    with pytest.raises(CommandError, match="empty database"):
        generate(10)
    assert not Enterprise.objects.exists()
    assert ReportingPeriod.objects.get().name == "Năm 2024"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["2024-h1", "2024"])
def test_grouped_figures_equal_the_per_row_facts(slug):
    generate(400)
    period = ReportingPeriod.objects.get(slug=slug)
    units = Enterprise.objects.all()
    for regime in REGIMES:
        assert grouped_totals(period, regime=regime) == per_row_totals(period, units, regime)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["2024-h1", "2024"])
def test_a_small_country_gives_every_figure_of_both_regimes_something_to_count(slug):
    # A figure the generator never feeds would pass every comparison above as 0 = 0.
    generate(300)
    period = ReportingPeriod.objects.get(slug=slug)
    for regime in REGIMES:
        totals = grouped_totals(period, regime=regime)
        assert [name for name, count in totals.items() if count <= 0] == [], regime


@pytest.mark.django_db
def test_the_records_that_fall_outside_a_period_are_generated_too():
    """Regulations issued after a period, boards whose term has ended or which are not yet
    elected: the conditions on their dates must leave some units out."""
    generate(300)
    year = ReportingPeriod.objects.get(slug="2024")
    worker = grouped_totals(year)
    assert 0 < worker["regulation_issued"] < worker["eligible"]
    assert 0 < worker["inspection_board_in_office"] < worker["inspection_board_required"]
    assert 0 < worker["workers_covered"] < worker["workers"]
    half_year = ReportingPeriod.objects.get(slug="2024-h1")
    assert grouped_totals(half_year)["regulation_issued"] < worker["regulation_issued"]
    public_sector = grouped_totals(year, regime="public_sector")
    assert 0 < public_sector["inspection_board_in_office"] < public_sector["units"]


def bench_coverage():
    """The coverage benchmark's module, loaded from its file (``bench`` is not a package)."""
    path = settings.BASE_DIR / "bench" / "bench_coverage.py"
    spec = importlib.util.spec_from_file_location("bench_coverage_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["2024-h1", "2024"])
def test_the_benchmark_floor_counts_what_the_engine_counts(slug):
    """The floor's hand-written statement is timed against the engine: it must count the same
    figures of both regimes, group by group, or the comparison means nothing. A thousand
    units give each public-sector condition a few units on either side of it."""
    generate(1000)
    period = ReportingPeriod.objects.get(slug=slug)
    bench = bench_coverage()
    engine = {regime: grouped_figures(period, regime=regime) for regime in REGIMES}
    floor = bench.floor_groups(period)
    for regime in REGIMES:
        assert engine[regime], regime
        # Group by group first, so that a difference shows where it is.
        assert bench.sorted_groups(floor[regime]) == bench.sorted_groups(engine[regime])
    assert bench.same_figures(engine, floor)


@pytest.mark.django_db
def test_grouped_figures_of_a_scope_count_only_its_units():
    generate(400)
    period = ReportingPeriod.objects.get(slug="2024")
    body = UnionBody.objects.filter(parent__parent__isnull=False).order_by("code").first()
    scope = Enterprise.objects.filter(union_body__path__startswith=body.path)
    assert 0 < scope.count() < 400
    assert grouped_totals(period, scope) == per_row_totals(period, scope)
    assert compute_coverage(period, units=scope)["totals"]["units"] == (
        scope.in_scope(period).exclude(sector__in=PUBLIC_SECTOR_SECTORS).count()
    )
