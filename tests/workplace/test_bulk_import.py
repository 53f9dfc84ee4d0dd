"""The bulk import of enterprises and their records: the row-by-row outcome, in a few queries.

Files longer than one chunk of rows, audit entries and versions of what the bulk path writes,
re-imports, keys repeated within a file, a record changed while the import ran, and the
check constraints evaluated without the database.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.conftest import day, declare
from workplace import bulk_import
from workplace.audit import acting_as
from workplace.models import (
    AuditEntry,
    CollectiveAgreement,
    Enterprise,
    HeadcountDeclaration,
    ReportingPeriod,
)
from workplace.resources import RESOURCES
from workplace.spreadsheets import import_rows

HEADCOUNT_HEADER = ["tax_code", "as_of", "union_members", "workers", "operating"]
FIRST_DAY = datetime.date(2016, 1, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def unit(make_unit):
    return make_unit(as_of=None, established="2015-01-01")


def headcounts(unit, count, members=20, workers=30):
    """``count`` rows of one unit, a day apart, header first."""
    return [HEADCOUNT_HEADER] + [
        [unit.tax_code, (FIRST_DAY + datetime.timedelta(days=n)).isoformat(), members, workers, "1"]
        for n in range(count)
    ]


def imported(kind, rows, dry_run=False):
    with acting_as(None, "import"):
        return import_rows(kind, rows, dry_run=dry_run)


def test_enterprises_and_records_import_in_bulk_the_others_row_by_row():
    in_bulk = {kind for kind, resource in RESOURCES.items() if resource.imports_in_bulk}
    assert in_bulk == {
        "enterprises",
        "headcounts",
        "conferences",
        "officials_conferences",
        "inspection_boards",
        "regulations",
        "agreements",
        "dialogues",
    }


def test_a_bad_row_after_the_first_chunk_is_reported_at_its_row_and_nothing_is_written(unit):
    rows = headcounts(unit, bulk_import.CHUNK_ROWS + 500)
    bad = bulk_import.CHUNK_ROWS + 123  # an index into rows: the header is rows[0]
    rows[bad][2] = "nhiều"
    rows[bad + 1][2] = 31  # more members than workers
    entries = AuditEntry.objects.count()

    outcome = imported("headcounts", rows)

    assert [(e.row, e.column) for e in outcome.errors] == [
        (bad + 1, "union_members"),
        (bad + 2, "union_members"),
    ]
    assert "nhiều" in outcome.errors[0].message
    assert not outcome.written
    assert HeadcountDeclaration.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_every_record_written_in_bulk_has_its_import_audit_entry(unit):
    rows = headcounts(unit, 300)

    outcome = imported("headcounts", rows)

    assert (outcome.new, outcome.updated, outcome.unchanged, outcome.errors) == (300, 0, 0, [])
    declarations = HeadcountDeclaration.objects.all()
    entries = AuditEntry.objects.filter(model="workplace.headcountdeclaration")
    assert sorted(e.object_pk for e in entries) == sorted(str(d.pk) for d in declarations)
    assert {(e.action, e.source, e.enterprise_id) for e in entries} == {
        ("create", "import", unit.pk)
    }
    first = entries.get(object_pk=str(declarations.get(as_of=FIRST_DAY).pk))
    assert first.changes == {
        "enterprise": [None, str(unit.pk)],
        "as_of": [None, "2016-01-01"],
        "union_members": [None, "20"],
        "workers": [None, "30"],
        "operating": [None, "True"],
    }
    assert {d.version for d in declarations} == {1}


def test_a_second_import_of_the_same_file_changes_nothing(unit):
    rows = headcounts(unit, bulk_import.CHUNK_ROWS + 10)
    imported("headcounts", rows)
    stored = list(HeadcountDeclaration.objects.order_by("pk").values())
    entries = AuditEntry.objects.count()

    outcome = imported("headcounts", rows)

    assert (outcome.new, outcome.updated, outcome.errors) == (0, 0, [])
    assert outcome.unchanged == outcome.rows == len(rows) - 1
    assert list(HeadcountDeclaration.objects.order_by("pk").values()) == stored
    assert AuditEntry.objects.count() == entries


def test_changed_rows_are_updated_versioned_and_audited(unit):
    kept = declare(unit, "2016-01-01", 20, 30)
    changed = declare(unit, "2016-01-02", 20, 30)
    rows = headcounts(unit, 3)
    rows[2][3] = 45  # the second day's workers

    outcome = imported("headcounts", rows)

    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 1, 1)
    changed.refresh_from_db()
    kept.refresh_from_db()
    assert (changed.workers, changed.version, kept.version) == (45, 2, 1)
    assert changed.updated_at > kept.updated_at
    entry = AuditEntry.objects.get(
        model="workplace.headcountdeclaration", object_pk=str(changed.pk), action="change"
    )
    assert (entry.source, entry.changes) == ("import", {"workers": ["30", "45"]})


def test_a_row_repeating_a_key_is_refused_naming_the_earlier_row(unit):
    rows = [
        HEADCOUNT_HEADER,
        [unit.tax_code, "2016-01-01", 20, 30, "1"],
        [unit.tax_code, "01/01/2016", 25, 30, "1"],
    ]

    outcome = imported("headcounts", rows)

    assert [(error.row, error.column) for error in outcome.errors] == [(3, "tax_code, as_of")]
    assert "2" in outcome.errors[0].message
    assert not HeadcountDeclaration.objects.exists()


def test_a_record_changed_while_the_import_ran_is_refused_and_nothing_is_written(unit, monkeypatch):
    stale = declare(unit, "2016-01-02", 20, 30)
    rows = headcounts(unit, 3, workers=40)
    update = bulk_import.BulkImport.update

    def someone_else_saves_first(self, changed):
        HeadcountDeclaration.objects.filter(pk=stale.pk).update(version=F("version") + 1)
        update(self, changed)

    monkeypatch.setattr(bulk_import.BulkImport, "update", someone_else_saves_first)

    outcome = imported("headcounts", rows)

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "—")]
    assert "Someone else changed this record" in outcome.errors[0].message
    assert HeadcountDeclaration.objects.count() == 1
    stale.refresh_from_db()
    assert stale.workers == 30


def test_a_dry_run_counts_and_writes_nothing(unit):
    declare(unit, "2016-01-01", 20, 30)

    outcome = imported("headcounts", headcounts(unit, 5), dry_run=True)

    assert (outcome.new, outcome.updated, outcome.unchanged, outcome.errors) == (4, 0, 1, [])
    assert not outcome.written
    assert HeadcountDeclaration.objects.count() == 1


def test_imported_enterprises_are_verified_and_audited(province):
    rows = [
        ["tax_code", "name", "sector", "area_code", "union_body_code", "union_established_on"],
        ["4900000901", "Công ty TNHH Hòa Bình", "fdi", "186", "LDLD-186", "2015-03-01"],
        ["4900000902", "Công ty CP Sông Hồng", "state", "06250", "LDLD-LS", "01/02/2016"],
    ]

    outcome = imported("enterprises", rows)

    assert (outcome.new, outcome.errors) == (2, [])
    hoa_binh = Enterprise.objects.get(tax_code="4900000901")
    assert (hoa_binh.registration, hoa_binh.search_text) == (
        "verified",
        "4900000901 cong ty tnhh hoa binh",
    )
    assert (hoa_binh.area, hoa_binh.union_body) == (province["district"], province["body"])
    entry = AuditEntry.objects.get(model="workplace.enterprise", object_pk=str(hoa_binh.pk))
    assert (entry.action, entry.source, entry.enterprise) == ("create", "import", hoa_binh)
    assert entry.changes["registration"] == [None, "verified"]


def test_the_queries_do_not_grow_with_every_row(unit):
    rows = headcounts(unit, 3000)

    with CaptureQueriesContext(connection) as queries:
        outcome = imported("headcounts", rows)

    assert outcome.new == 3000
    # Reads per chunk and one insert per batch, well under one query per twenty rows.
    assert len(queries) < 3000 / 20


# --- check constraints without the database ------------------------------------------------


def test_a_check_constraint_on_an_empty_value_holds_as_in_sql(unit):
    agreement = CollectiveAgreement(
        enterprise=unit,
        signed_on=day("2023-01-05"),
        effective_from=day("2023-01-05"),
        expires_on=day("2024-01-04"),
        votes_for=30,
        workers_consulted=40,
        submitted_on=None,
    )
    bulk_import.check_constraints(agreement, exclude=set())

    agreement.submitted_on = day("2023-01-01")
    agreement.votes_for = 41
    with pytest.raises(ValidationError) as refused:
        bulk_import.check_constraints(agreement, exclude=set())
    assert set(refused.value.message_dict) == {"submitted_on", "votes_for"}

    # A field already reported wrong leaves its constraints unchecked, as full_clean does.
    bulk_import.check_constraints(agreement, exclude={"submitted_on", "votes_for"})


def test_a_condition_only_the_database_can_read_is_left_to_it(db):
    across_years = ReportingPeriod(
        slug="x", name="x", start=day("2023-07-01"), end=day("2024-06-30"), min_members=10
    )
    with pytest.raises(ValidationError) as refused:
        bulk_import.check_constraints(across_years, exclude=set())
    assert list(refused.value.message_dict) == ["end"]
    assert "same calendar year" in refused.value.message_dict["end"][0]


def test_a_clash_with_another_writer_is_told_in_words_and_nothing_is_written(unit, monkeypatch):
    def clash(self, changed):
        raise IntegrityError(
            'duplicate key value violates unique constraint "uniq_headcount_per_day"'
        )

    monkeypatch.setattr(bulk_import.BulkImport, "update", clash)
    outcome = imported("headcounts", headcounts(unit, 5))
    assert [error.row for error in outcome.errors] == [1]
    message = outcome.errors[0].message
    assert "Import the file again" in message and "constraint" not in message
    assert not HeadcountDeclaration.objects.filter(enterprise=unit).exists()
