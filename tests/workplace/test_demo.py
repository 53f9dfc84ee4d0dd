"""The demo province, loaded through the real importer: the seed report's figures, 2022-h1
published beside them, and records in the current year so that every list and view of today
has something in it, whatever the year."""

import datetime
import importlib.util
import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from wagtail.models import Revision

from workplace import demo
from workplace.compliance import compute_coverage, shortfalls
from workplace.models import (
    AuditEntry,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    InspectionBoard,
    OfficialsConference,
    ReportingPeriod,
    Sector,
    User,
    WorkerConference,
    record_models,
)
from workplace.portal.review import expiring_agreements, late_agreements

RECORDS = tuple(record_models())
PUBLIC_SECTORS = ("state_agency", "public_service")
LIVING_START = datetime.date(2024, 1, 1)


def coverage_json(slug, *extra):
    out = io.StringIO()
    call_command("coverage", slug, "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def year_to_date(today):
    """The portal's default view: this year up to today."""
    return ReportingPeriod(
        slug="", name="ytd", start=datetime.date(today.year, 1, 1), end=today, min_members=10
    )


def everything():
    """What a second run must leave exactly as it was."""
    return (
        Enterprise.objects.count(),
        *(model.objects.count() for model in RECORDS),
        AuditEntry.objects.count(),
        Revision.objects.count(),
        list(ReportingPeriod.objects.order_by("slug").values_list("slug", "status")),
    )


@pytest.fixture
def on_day(monkeypatch):
    """Run as if today were ``day`` (the importer, the demo and the lists all ask Django)."""

    def move_to(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return move_to


def test_demo_reproduces_the_seed_report_and_loads_again_without_change(db):
    load_demo()
    report = coverage_json("2023-h1")
    totals = report["totals"]
    assert report["period"]["status"] == "published"
    assert (totals["units"], totals["eligible"]) == (141, 104)
    assert (totals["conference_held"], totals["conference_rate"]) == (95, 91.3)
    assert (totals["agreement_in_force"], totals["agreement_rate"]) == (97, 93.3)
    assert totals["dialogues"] == 132
    # Lạng Sơn's city and its 10 districts, each holding units.
    assert len(report["breakdown"]) == 11
    assert sum(row["units"] for row in report["breakdown"]) == 141
    assert coverage_json("2023-h1", "--live")["totals"] == totals

    before = everything()
    out = load_demo()
    summaries = [line for line in out.splitlines() if "dòng" in line]
    # The twelve seed files, then this year's headcounts, worker and officials' conferences,
    # inspection boards, agreements and dialogues.
    assert len(summaries) == 12 + 6
    assert all("— 0 mới, 0 cập nhật" in line for line in summaries)
    assert "waiting for verification" not in out
    assert everything() == before
    assert coverage_json("2023-h1")["totals"] == totals


def test_2022_h1_is_published_beside_2023_h1_and_the_rest_stay_open(db):
    load_demo()
    earlier = coverage_json("2022-h1")
    assert earlier["period"]["status"] == "published"
    assert earlier["totals"]["units"] < 141 and earlier["totals"]["conference_held"] > 0
    for slug in ("2022", "2023"):
        report = coverage_json(slug)
        totals = report["totals"]
        assert report["period"]["status"] == "open"
        assert 120 <= totals["units"] <= 150
        assert 0 < totals["conference_held"] <= totals["eligible"] < totals["units"]
        assert 0 < totals["agreement_in_force"] <= totals["eligible"]


def assert_alive(today):
    """Every view of today has something in it, and nothing is dated after today."""
    figures = compute_coverage(year_to_date(today))["totals"]
    assert figures["units"] >= 141
    assert figures["declared"] > 100
    assert 0 < figures["conference_held"] <= figures["eligible"]
    assert figures["agreement_in_force"] > 0.8 * figures["eligible"]
    assert figures["dialogues"] > 0
    staff = User.objects.get(username="lanhdao.ldld")
    assert expiring_agreements(staff, today).count() >= 5
    recent = today - datetime.timedelta(days=100)
    late = late_agreements(staff, today).filter(signed_on__gte=recent, submitted_on=None)
    assert late.count() >= 2
    pending = Enterprise.objects.filter(registration=Enterprise.Registration.PENDING)
    assert pending.count() == 3
    assert all(unit.registered_by is not None for unit in pending)
    for model in RECORDS:
        assert not model.objects.filter(**{f"{model.date_field}__gt": today}).exists()
    # This year's records sit after the seed's periods, which keep their figures.
    living = CollectiveAgreement.objects.filter(signed_on__gte=datetime.date(2024, 1, 1))
    assert living.exists()


def test_the_demo_is_alive_today(db):
    load_demo()
    assert_alive(timezone.localdate())


@pytest.mark.parametrize("day", ["2025-01-03", "2031-08-19"])
def test_the_demo_is_alive_in_any_year(db, on_day, day):
    today = on_day(datetime.date.fromisoformat(day))
    load_demo()
    assert_alive(today)
    assert coverage_json("2023-h1")["totals"]["conference_held"] == 95
    # State-owned enterprises keep electing boards at their worker conferences after the seed.
    boards = InspectionBoard.objects.filter(enterprise__sector=Sector.STATE)
    assert boards.filter(elected_on__gte=LIVING_START, term_ends_on__gte=today).exists()


def record_keys():
    return {
        (model.__name__, enterprise, day)
        for model in RECORDS
        for enterprise, day in model.objects.values_list("enterprise__tax_code", model.date_field)
    }


def test_a_later_run_adds_the_records_whose_day_has_come_and_keeps_the_others(db, on_day):
    on_day(datetime.date(2030, 5, 3))
    load_demo()
    earlier = record_keys()
    later = on_day(datetime.date(2030, 6, 20))
    load_demo()
    now = record_keys()
    assert earlier < now
    assert all(day <= later for _model, _unit, day in now)
    assert_alive(later)


def check_demo():
    path = settings.BASE_DIR / "fixtures" / "check_demo.py"
    spec = importlib.util.spec_from_file_location("check_demo_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_engine(figures):
    """check_demo's rates are Decimals; the engine's JSON-ready figures are floats."""
    return {
        key: float(value) if isinstance(value, Decimal) else value for key, value in figures.items()
    }


def test_the_independent_recount_matches_the_engine_for_every_period(db, tmp_path):
    load_demo()
    today = timezone.localdate()
    demo.write_living_files(today, tmp_path)
    recount = check_demo()
    data = recount.load(demo.DEMO_DIR, tmp_path)
    assert recount.all_problems(data) == []
    assert recount.future_problems(data, today) == []
    periods = list(ReportingPeriod.objects.order_by("start", "end"))
    assert [p.slug for p in periods] == ["2022-h1", "2022", "2023-h1", "2023"]
    for period in [*periods, year_to_date(today)]:
        rules = {
            "slug": period.slug,
            "start": period.start,
            "end": period.end,
            "min_members": period.min_members,
        }
        expected = as_engine(recount.indicators(rules, data))
        totals = compute_coverage(period)["totals"]
        assert {key: totals[key] for key in expected} == expected, period.slug


def period_rules(period):
    return {
        "slug": period.slug,
        "start": period.start,
        "end": period.end,
        "min_members": period.min_members,
    }


def test_the_public_sector_demo_holds_the_reports_agencies_and_public_service_units(db):
    """152 agencies and 770 public service units in 2023-h1, every one with its officials'
    conference held and its inspection board in office, by the independent recount."""
    load_demo()
    recount = check_demo()
    data = recount.load(demo.DEMO_DIR)
    seed = ReportingPeriod.objects.get(slug="2023-h1")
    assert recount.public_units_by_sector(seed.end, data) == {
        "state_agency": 152,
        "public_service": 770,
    }
    figures = recount.public_sector_indicators(period_rules(seed), data)
    assert figures == {
        "units": 922,
        "officials_conference_held": 922,
        "officials_conference_rate": Decimal("100.0"),
        "inspection_board_in_office": 922,
        "inspection_board_rate": Decimal("100.0"),
    }
    # Eight pairs of schools merged into eight on 2022-08-01: 778 service units in 2022-h1,
    # not all of them with a conference held or a board in office by then.
    earlier = ReportingPeriod.objects.get(slug="2022-h1")
    assert recount.public_units_by_sector(earlier.end, data)["public_service"] == 778
    figures = recount.public_sector_indicators(period_rules(earlier), data)
    assert 85 <= figures["officials_conference_rate"] < 100
    assert 85 <= figures["inspection_board_rate"] < 100
    public = Enterprise.objects.filter(sector__in=PUBLIC_SECTORS)
    assert public.count() == 152 + 770 + 16
    # Each regime keeps its own records; a state-owned enterprise's union has a board too.
    for model in (WorkerConference, CollectiveAgreement, Dialogue):
        assert not model.objects.filter(enterprise__sector__in=PUBLIC_SECTORS).exists()
    assert not OfficialsConference.objects.exclude(enterprise__sector__in=PUBLIC_SECTORS).exists()
    board_sectors = (*PUBLIC_SECTORS, Sector.STATE)
    assert not InspectionBoard.objects.exclude(enterprise__sector__in=board_sectors).exists()
    # Boards keep being elected after the seed, as their terms end.
    assert InspectionBoard.objects.filter(elected_on__gte=LIVING_START).exists()


def test_the_public_sector_recount_matches_the_engine_for_every_period(db, tmp_path):
    load_demo()
    today = timezone.localdate()
    demo.write_living_files(today, tmp_path)
    recount = check_demo()
    data = recount.load(demo.DEMO_DIR, tmp_path)
    for period in [*ReportingPeriod.objects.order_by("start", "end"), year_to_date(today)]:
        expected = as_engine(recount.public_sector_indicators(period_rules(period), data))
        totals = compute_coverage(period)["public_sector"]["totals"]
        assert {key: totals[key] for key in expected} == expected, period.slug


def test_the_demo_state_owned_enterprises_show_the_board_figure_and_its_reason(db):
    """Four state-owned enterprises, all eligible in 2023-h1: three have a People's Inspection
    Board in office on 2023-06-30, and the fourth is told why it falls short."""
    load_demo()
    seed = ReportingPeriod.objects.get(slug="2023-h1")
    totals = compute_coverage(seed)["totals"]
    assert (totals["inspection_board_required"], totals["inspection_board_in_office"]) == (4, 3)
    assert totals["inspection_board_rate"] == 75.0
    state = Enterprise.objects.filter(sector=Sector.STATE).order_by("tax_code")
    assert state.count() == 4
    in_office = InspectionBoard.objects.filter(elected_on__lte=seed.end, term_ends_on__gte=seed.end)
    without = [unit for unit in state if not in_office.filter(enterprise=unit).exists()]
    assert len(without) == 1
    reason = "No People's Inspection Board in office on 30/06/2023."
    with translation.override("en"):
        assert reason in shortfalls(without[0], seed)
        assert all(reason not in shortfalls(unit, seed) for unit in state if unit not in without)
    recount = check_demo()
    figures = recount.indicators(period_rules(seed), recount.load(demo.DEMO_DIR))
    assert (figures["inspection_board_required"], figures["inspection_board_in_office"]) == (4, 3)
