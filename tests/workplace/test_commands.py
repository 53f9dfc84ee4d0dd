"""The ``coverage`` and ``period`` commands, as the README's “Commands” and “Reporting periods”
describe them."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from workplace.indicators import INDICATOR_KEYS
from workplace.models import ReportingPeriod

from ..conftest import hold_conference


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_units(make_unit, province):
    first = make_unit(area=province["commune"])
    hold_conference(first, "2023-02-01")
    make_unit(area=province["other"], members=4)


def test_coverage_json_has_the_contract_shape(two_units, period):
    report = json.loads(run("coverage", "2023-h1", "--format", "json"))
    assert set(report) == {"period", "totals", "breakdown", "public_sector"}
    assert set(report["public_sector"]) == {"totals", "breakdown"}
    assert set(report["period"]) == {"slug", "name", "start", "end", "min_members", "status"}
    assert set(report["totals"]) == set(INDICATOR_KEYS)
    assert report["period"]["status"] == "open"
    assert [(r["code"], r["units"]) for r in report["breakdown"]] == [("178", 1), ("186", 1)]
    assert all(set(r) == {"code", "name", "era", *INDICATOR_KEYS} for r in report["breakdown"])
    assert report["totals"]["conference_rate"] == 100.0


@pytest.mark.parametrize("by", ["union_body", "sector"])
def test_coverage_breaks_down_by_the_chosen_dimension(two_units, period, by):
    report = json.loads(run("coverage", "2023-h1", "--by", by, "--format", "json"))
    assert sum(r["units"] for r in report["breakdown"] if r["code"] != "LDLD-LS") == 2


def test_coverage_csv_has_a_row_per_area_and_a_total(two_units, period):
    rows = list(csv.DictReader(io.StringIO(run("coverage", "2023-h1", "--format", "csv"))))
    assert [r["code"] for r in rows] == ["178", "186", ""]
    assert rows[-1]["units"] == "2"


def test_coverage_table_shows_ratios(two_units, period):
    table = run("coverage", "2023-h1", "--format", "table")
    assert "1/1 (100,0%)" in table


def test_coverage_of_unknown_period_fails(db):
    with pytest.raises(CommandError):
        run("coverage", "1999")


def test_locked_period_prints_its_snapshot_and_live_recomputes(two_units, period, make_unit):
    run("period", "lock", "2023-h1")
    make_unit(as_of=None)  # a unit registered after the figures were frozen
    frozen = json.loads(run("coverage", "2023-h1", "--format", "json"))
    live = json.loads(run("coverage", "2023-h1", "--format", "json", "--live"))
    assert frozen["period"]["status"] == "locked"
    assert frozen["totals"]["units"] == 2
    assert live["totals"]["units"] == 3


def test_publishing_an_open_period_locks_it_first(two_units, period):
    run("period", "publish", "2023-h1")
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.PUBLISHED
    assert period.snapshot["totals"]["units"] == 2
    assert period.locked_at is not None


def test_unlock_requires_a_reason(two_units, period):
    run("period", "publish", "2023-h1")
    with pytest.raises(CommandError):
        run("period", "unlock", "2023-h1")
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.PUBLISHED
    run("period", "unlock", "2023-h1", "--reason", "Sửa số liệu huyện Hữu Lũng")
    period.refresh_from_db()
    assert (period.status, period.snapshot) == (ReportingPeriod.Status.OPEN, None)
