"""The kept facts: every write path leaves them equal to a count of the records.

Each test writes one way (a save, a delete, an update or delete in bulk, an import, a unit
moved, verified or rejected, a period's rules changed, a period locked and unlocked) and then
asks ``kept_facts.check``, which counts the records again; a property test throws random
sequences of such writes at two open periods.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import (
    day,
    declare,
    elect_board,
    hold_conference,
    hold_dialogue,
    hold_officials_conference,
    issue_regulation,
    sign_agreement,
)
from workplace import kept_facts, periods
from workplace.audit import acting_as
from workplace.compliance import compute_coverage
from workplace.models import (
    Area,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    ReportingPeriod,
    UnitFacts,
    WorkerConference,
)
from workplace.spreadsheets import import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(db):
    return ReportingPeriod.objects.create(
        slug="2023", name="Năm 2023", start=day("2023-01-01"), end=day("2023-12-31")
    )


def assert_kept(*periods_):
    for period in periods_:
        period.refresh_from_db()
        assert period.facts_kept, period.slug
        assert kept_facts.check(period) == [], period.slug


def kept_row(period, unit):
    return UnitFacts.objects.filter(period=period, enterprise=unit).values().first()


def test_a_new_period_keeps_the_facts_of_its_units(make_unit, period):
    unit = make_unit(members=30, as_of="2023-01-10")
    hold_conference(unit, "2023-03-01")
    new = ReportingPeriod.objects.create(
        slug="2023-q1", name="Quý 1", start=day("2023-01-01"), end=day("2023-03-31")
    )
    assert kept_row(new, unit)["has_conference"] == 1
    assert kept_row(new, unit)["eligible"] == 1
    assert_kept(period, new)


def test_saving_and_deleting_each_kind_of_record_keeps_the_facts(make_unit, period, year):
    unit = make_unit(members=30, sector="state")
    writes = [
        hold_conference(unit, "2023-03-01"),
        sign_agreement(unit, "2023-01-15", "2026-01-14"),
        hold_dialogue(unit, "2023-04-01"),
        hold_dialogue(unit, "2023-05-01", kind="event"),
        issue_regulation(unit, "2022-05-01"),
        elect_board(unit, "2022-01-10", "2024-01-09"),
    ]
    assert kept_row(period, unit)["has_board"] == 1
    assert kept_row(period, unit)["dialogues_ad_hoc"] == 1
    assert_kept(period, year)
    agreement = writes[1]
    agreement.grade = "B"
    agreement.save()
    assert kept_row(period, unit)["grade_b"] == 1
    assert_kept(period, year)
    for record in writes:
        record.delete()
        assert_kept(period, year)
    assert kept_row(period, unit)["has_conference"] == 0


def test_a_public_service_units_officials_conference_is_kept(make_unit, period):
    unit = make_unit(members=30, sector="public_service")
    hold_officials_conference(unit, "2023-02-01")
    row = kept_row(period, unit)
    assert (row["has_officials_conference"], row["regime"]) == (1, "public_sector")
    assert_kept(period)


def test_a_new_declaration_changes_eligibility_and_workers(make_unit, period):
    unit = make_unit(members=30, workers=40, as_of="2023-01-10")
    declare(unit, "2023-05-01", members=5, workers=12)
    row = kept_row(period, unit)
    assert (row["eligible"], row["latest_workers"]) == (0, 12)
    assert_kept(period)


def test_moving_verifying_rejecting_and_dissolving_a_unit_keeps_the_facts(
    make_unit, province, period, year
):
    unit = make_unit(members=30, registration="pending")
    assert kept_row(period, unit) is None
    unit.mark_verified()
    unit.save()
    assert kept_row(period, unit) is not None
    unit.refresh_from_db()
    unit.area = province["other"]
    unit.union_body = province["federation"]
    unit.sector = "fdi"
    unit.save()
    row = kept_row(period, unit)
    assert (row["area_id"], row["union_body_id"], row["sector"]) == (
        province["other"].pk,
        province["federation"].pk,
        "fdi",
    )
    assert_kept(period, year)
    unit.refresh_from_db()
    unit.dissolved_on = day("2023-05-31")
    unit.save()
    assert kept_row(period, unit) is None
    assert_kept(period, year)


def test_bulk_updates_deletes_and_creates_of_records_keep_the_facts(make_unit, period, year):
    units = [make_unit(members=30) for _ in range(3)]
    for unit in units:
        hold_conference(unit, "2023-03-01")
        hold_dialogue(unit, "2023-02-01")
    WorkerConference.objects.filter(enterprise__in=units[:2]).update(held_on=day("2022-11-01"))
    assert kept_row(period, units[0])["has_conference"] == 0
    assert_kept(period, year)
    Dialogue.objects.filter(enterprise=units[2]).delete()
    assert kept_row(period, units[2])["has_periodic_dialogue"] == 0
    assert_kept(period, year)
    Dialogue.objects.bulk_create(
        [Dialogue(enterprise=unit, held_on=day("2023-06-01"), kind="periodic") for unit in units]
    )
    assert all(kept_row(period, unit)["dialogues_periodic"] >= 1 for unit in units)
    assert_kept(period, year)


def test_an_import_keeps_the_facts_of_every_unit_it_wrote(make_unit, province, period, year):
    units = [make_unit(members=30, as_of=None) for _ in range(3)]
    rows = [["tax_code", "as_of", "union_members", "workers", "operating"]] + [
        [unit.tax_code, "2023-03-31", 12 + n * 10, 50, "1"] for n, unit in enumerate(units)
    ]
    with acting_as(None, "import"):
        outcome = import_rows("headcounts", rows)
    assert outcome.errors == []
    assert [kept_row(period, unit)["latest_workers"] for unit in units] == [50, 50, 50]
    assert_kept(period, year)
    rows = [
        ["tax_code", "name", "sector", "area_code", "union_body_code", "union_established_on"],
        [units[0].tax_code, units[0].name, "fdi", "178", "LDLD-LS", "2015-01-01"],
        ["4900000999", "Công ty mới", "state", "06250", "LDLD-186", "2016-02-01"],
    ]
    with acting_as(None, "import"):
        outcome = import_rows("enterprises", rows)
    assert outcome.errors == []
    assert kept_row(period, units[0])["sector"] == "fdi"
    new = Enterprise.objects.get(tax_code="4900000999")
    assert kept_row(period, new)["board_sector"] == 1
    assert_kept(period, year)


def test_a_periods_rules_count_its_facts_again(make_unit, period):
    unit = make_unit(members=15)
    assert kept_row(period, unit)["eligible"] == 1
    period.min_members = 20
    period.save()
    assert kept_row(period, unit)["eligible"] == 0
    period.end = day("2023-03-31")
    period.save()
    assert_kept(period)


def test_locking_drops_the_facts_and_unlocking_counts_them_again(make_unit, period):
    unit = make_unit(members=30)
    periods.lock(period)
    assert not period.facts_kept
    assert not UnitFacts.objects.filter(period=period).exists()
    periods.unlock(period, "A correction")
    assert kept_row(period, unit)["eligible"] == 1
    assert_kept(period)


def test_the_figures_are_summed_from_the_kept_facts(make_unit, period):
    """Proof that the screens read the kept facts: a fact changed behind the engine's back
    moves the figure, and the check catches it."""
    unit = make_unit(members=30)
    assert compute_coverage(period)["totals"]["conference_held"] == 0
    UnitFacts.objects.filter(period=period, enterprise=unit).update(has_conference=1)
    assert compute_coverage(period)["totals"]["conference_held"] == 1
    assert compute_coverage(period, from_records=True)["totals"]["conference_held"] == 0
    assert kept_facts.check(period) == [(unit.pk, "has_conference", 1, 0)]


def test_check_facts_fails_on_a_difference_and_repairs_it(make_unit, period):
    unit = make_unit(members=30)
    UnitFacts.objects.filter(period=period, enterprise=unit).update(eligible=0)
    out = io.StringIO()
    with pytest.raises(CommandError, match="2023-h1"):
        call_command("check_facts", stdout=out)
    assert f"{unit.tax_code}: eligible kept 0, counted 1" in out.getvalue()
    call_command("check_facts", "--repair", stdout=io.StringIO())
    call_command("check_facts", stdout=io.StringIO())
    assert_kept(period)


def test_a_period_whose_facts_are_not_kept_is_counted_from_the_records(make_unit, period):
    unit = make_unit(members=30)
    hold_conference(unit, "2023-03-01")
    ReportingPeriod.objects.filter(pk=period.pk).update(facts_version="")
    UnitFacts.objects.all().delete()
    period.refresh_from_db()
    assert compute_coverage(period)["totals"]["conference_held"] == 1
    assert kept_facts.keep_open_periods() == [period]
    assert_kept(period)


def facts_statements(write):
    with CaptureQueriesContext(connection) as captured:
        write()
    return [q["sql"].split()[0] for q in captured if "workplace_unitfacts" in q["sql"]]


def test_an_officers_save_rewrites_the_units_facts_in_two_statements(make_unit, period, year):
    unit = make_unit(members=30)
    conference = hold_conference(unit, "2023-03-01")

    def move():
        conference.held_on = day("2023-02-28")
        conference.save()

    # One delete and one insert for every open period at once.
    assert facts_statements(move) == ["DELETE", "INSERT"]
    assert_kept(period, year)


def test_a_change_the_facts_do_not_read_leaves_them_alone(make_unit, period):
    unit = make_unit(members=30)
    conference = hold_conference(unit, "2023-03-01")

    def count_attendees():
        conference.attendees = 40
        conference.save()

    def rename():
        unit.name = "Công ty đổi tên"
        unit.save()

    assert facts_statements(count_attendees) == []
    assert facts_statements(rename) == []
    assert_kept(period)


# --- random sequences of writes ------------------------------------------------------------

DAYS = [day(d) for d in ("2022-12-31", "2023-01-01", "2023-04-15", "2023-06-30", "2023-07-01")]
RECORD_KINDS = ("declare", "conference", "agreement", "dialogue", "regulation", "board")

steps = st.one_of(
    st.tuples(st.sampled_from(RECORD_KINDS), st.integers(0, 2), st.sampled_from(DAYS)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.sampled_from(RECORD_KINDS[:4])),
    st.tuples(st.just("bulk_move"), st.integers(0, 2), st.sampled_from(DAYS)),
    st.tuples(
        st.just("unit"),
        st.integers(0, 2),
        st.sampled_from(["sector", "area", "reject", "verify", "dissolve"]),
    ),
    st.tuples(st.just("period"), st.integers(0, 1), st.sampled_from(["min", "end", "lock"])),
    st.tuples(st.just("import"), st.integers(0, 2), st.sampled_from(DAYS)),
)

SECTORS = ["non_state", "state", "fdi", "public_service", "state_agency"]


def _record(kind, unit, when, n):
    if kind == "declare":
        HeadcountDeclaration.objects.update_or_create(
            enterprise=unit, as_of=when, defaults={"union_members": 5 + 6 * n, "workers": 40}
        )
    elif kind == "conference":
        hold_conference(unit, when.isoformat())
    elif kind == "agreement":
        agreement = sign_agreement(
            unit, when.isoformat(), (when + datetime.timedelta(days=700)).isoformat()
        )
        agreement.grade = "ABCD"[n]
        agreement.save()
    elif kind == "dialogue":
        hold_dialogue(unit, when.isoformat(), kind="periodic" if n % 2 else "on_request")
    elif kind == "regulation":
        issue_regulation(unit, when.isoformat())
    else:
        elect_board(unit, when.isoformat(), (when + datetime.timedelta(days=365)).isoformat())
        hold_officials_conference(unit, when.isoformat())


MODELS = {
    "declare": HeadcountDeclaration,
    "conference": WorkerConference,
    "agreement": CollectiveAgreement,
    "dialogue": Dialogue,
}


def _change_unit(unit, change, province, n):
    unit.refresh_from_db()
    if change == "sector":
        unit.sector = SECTORS[(SECTORS.index(unit.sector) + 1) % len(SECTORS)]
    elif change == "area":
        unit.area = province["other"] if unit.area == province["district"] else province["district"]
        unit.union_body = province["federation"] if n else province["body"]
    elif change == "reject":
        unit.registration = "rejected"
        unit.rejection_reason = "Sai mã số thuế"
    elif change == "verify":
        unit.mark_verified()
    else:
        unit.dissolved_on = None if unit.dissolved_on else day("2023-05-31")
    unit.save()


def _change_period(period, change):
    period.refresh_from_db()
    if period.is_frozen:
        periods.unlock(period, "Sửa số liệu")
    elif change == "min":
        period.min_members = 30 if period.min_members == 10 else 10
        period.save()
    elif change == "end":
        period.end = day("2023-05-31") if period.end.month == 6 else day("2023-06-30")
        period.save()
    else:
        periods.lock(period)


def _apply(step, units, all_periods, province):
    action, n, arg = step
    unit = units[n % len(units)]
    if action in RECORD_KINDS:
        _record(action, unit, arg, n)
    elif action == "delete":
        record = MODELS[arg].objects.filter(enterprise=unit).order_by("pk").first()
        if record is not None:
            record.delete()
    elif action == "bulk_move":
        Dialogue.objects.filter(enterprise=unit).update(held_on=arg)
    elif action == "unit":
        _change_unit(unit, arg, province, n)
    elif action == "period":
        _change_period(all_periods[n], arg)
    else:
        rows = [["tax_code", "held_on", "kind"], [unit.tax_code, arg.isoformat(), "on_request"]]
        with acting_as(None, "import"):
            import_rows("dialogues", rows)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=1, max_size=10))
def test_random_sequences_of_writes_keep_the_facts_exact(make_unit, province, period, sequence):
    half = ReportingPeriod.objects.get_or_create(
        slug="2023-q2",
        defaults={"name": "Quý 2", "start": day("2023-04-01"), "end": day("2023-06-30")},
    )[0]
    with transaction.atomic():
        units = [make_unit(members=12 + 10 * n, sector=SECTORS[n]) for n in range(3)]
        for unit in units:  # something for every write to change
            hold_conference(unit, "2023-03-01")
            hold_dialogue(unit, "2023-02-01")
            sign_agreement(unit, "2023-01-15", "2025-01-14")
        for step in sequence:
            try:
                with transaction.atomic():
                    _apply(step, units, [period, half], province)
            except (ValidationError, IntegrityError):
                pass  # a write the rules refuse changes nothing
            for each in (period, half):
                each.refresh_from_db()
                if not each.is_frozen:
                    assert kept_facts.check(each) == [], (step, each.slug)
        transaction.set_rollback(True)


def test_the_trees_are_read_once_and_again_after_a_change(make_unit, province, period):
    make_unit(members=30, area=province["commune"])
    compute_coverage(period)
    with CaptureQueriesContext(connection) as captured:
        first = compute_coverage(period)
    assert not [q for q in captured if "workplace_area" in q["sql"]]
    assert [row["name"] for row in first["breakdowns"]["area"]] == ["Huyện Hữu Lũng"]
    district = province["district"]
    district.name = "Huyện Hữu Lũng mới"
    district.save()
    renamed = compute_coverage(period)
    assert [row["name"] for row in renamed["breakdowns"]["area"]] == ["Huyện Hữu Lũng mới"]


def test_a_scope_of_no_unit_counts_nothing(make_unit, period):
    make_unit(members=30)
    empty = compute_coverage(period, units=Enterprise.objects.none())
    assert empty["totals"]["units"] == 0
    assert empty["breakdowns"]["area"] == []


def test_a_bulk_write_of_a_full_chunk_of_units_in_many_open_periods(province, period, year):
    """A chunk of units is written in one statement per open period, its ids passed as one
    value however many they are."""
    for quarter in (1, 2):
        ReportingPeriod.objects.create(
            slug=f"2023-q{quarter}",
            name=f"Quý {quarter}",
            start=day(f"2023-0{3 * quarter - 2}-01"),
            end=day(f"2023-0{3 * quarter}-{30 if quarter == 2 else 31}"),
        )
    units = Enterprise.objects.bulk_create(
        Enterprise(
            tax_code=f"48{n:08d}",
            name=f"Công ty {n}",
            sector="non_state",
            area=province["district"],
            union_body=province["body"],
            union_established_on=day("2015-01-01"),
            registration="verified",
        )
        for n in range(kept_facts.CHUNK_UNITS)
    )
    Dialogue.objects.bulk_create(
        Dialogue(enterprise=unit, held_on=day("2023-03-01"), kind="periodic") for unit in units
    )
    assert UnitFacts.objects.filter(period=year, dialogues_periodic=1).count() == len(units)
    assert_kept(*ReportingPeriod.objects.all())


def test_facts_counted_by_an_earlier_release_are_not_summed_but_counted_again(make_unit, period):
    unit = make_unit(members=30)
    hold_conference(unit, "2023-03-01")
    # As if a release had changed an indicator since these facts were counted.
    ReportingPeriod.objects.filter(pk=period.pk).update(facts_version="an-earlier-count")
    UnitFacts.objects.filter(period=period).update(has_conference=0)
    period.refresh_from_db()
    assert not period.facts_kept
    assert compute_coverage(period)["totals"]["conference_held"] == 1
    hold_dialogue(unit, "2023-04-01")  # not kept meanwhile: nothing to keep exact
    assert kept_facts.keep_open_periods() == [period]
    assert_kept(period)
    assert kept_row(period, unit)["has_conference"] == 1


def test_a_tree_change_that_did_not_reach_this_process_is_read_again(make_unit, province, period):
    unit = make_unit(members=30, area=province["commune"])
    compute_coverage(period)
    # An area made where the news of it was lost (no version change in the shared cache).
    new = Area(code="999", name="Huyện mới", kind="district", parent=province["root"])
    new.path = new.computed_path()
    (new,) = Area.objects.bulk_create([new])  # no signal, as when the news is lost
    Enterprise.objects.filter(pk=unit.pk).update(area=new)
    names = [row["name"] for row in compute_coverage(period)["breakdowns"]["area"]]
    assert names == ["Huyện mới"]


def test_updates_in_bulk_of_units_and_moves_of_records_keep_the_facts(make_unit, province, period):
    first, second = make_unit(members=30), make_unit(members=30)
    Enterprise.objects.filter(pk=first.pk).update(sector="fdi", area=province["other"])
    assert kept_row(period, first)["sector"] == "fdi"
    Enterprise.objects.filter(pk=second.pk).update(registration="rejected")
    assert kept_row(period, second) is None
    assert_kept(period)
    conference = hold_conference(first, "2023-03-01")
    conference.enterprise = second
    WorkerConference.objects.bulk_update([conference], ["enterprise"])
    assert kept_row(period, first)["has_conference"] == 0
    assert_kept(period)
