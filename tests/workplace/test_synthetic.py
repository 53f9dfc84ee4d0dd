"""generate_demo: a deterministic country, and the grouped engine agreeing with per-row facts."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from workplace.compliance import compute_coverage, grouped_figures
from workplace.indicators import FIGURE_FIELDS, WORKER_TABLE
from workplace.models import PUBLIC_SECTOR_SECTORS, Enterprise, ReportingPeriod, UnionBody
from workplace.querysets import COUNT_FIELDS, FLAG_FIELDS

GRADE_COLUMNS = [f"grade_{g}" for g in ("a", "b", "c", "d", "none")]


def generate(units, seed=7):
    call_command("generate_demo", "--units", str(units), "--seed", str(seed), stdout=io.StringIO())


def coverage_json(slug):
    out = io.StringIO()
    call_command("coverage", slug, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def per_row_totals(period, units):
    """The worker regime's totals summed unit by unit from the per-row columns the portal lists
    show: each summed figure is its column times the flags of the units it is counted among."""
    rows = (
        units.in_scope(period)
        .exclude(sector__in=PUBLIC_SECTOR_SECTORS)
        .with_indicators(period)
        .values(*FLAG_FIELDS, *COUNT_FIELDS, "latest_workers", "board_sector", *GRADE_COLUMNS)
    )
    totals = dict.fromkeys(FIGURE_FIELDS, 0)
    for row in rows:
        for indicator in WORKER_TABLE.summed:
            if indicator.column is None:
                totals[indicator.figure_key] += 1
                continue
            product = 1
            for column in WORKER_TABLE.counted_columns(indicator):
                product *= row[column]
            totals[indicator.figure_key] += product
    return totals


def grouped_totals(period, units=None):
    totals = dict.fromkeys(FIGURE_FIELDS, 0)
    for _key, figures in grouped_figures(period, units):
        for name in FIGURE_FIELDS:
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
    assert grouped_totals(period) == per_row_totals(period, units)


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
