"""The demo province kept alive: its accounts, this year's records, registrations waiting for a
reviewer, and its published periods.

``fixtures/make_demo.py`` writes the seed (``fixtures/demo/*.csv``, 2022 and 2023) and draws,
from today's date, the records the seed's units keep in the current year; ``load_demo``
imports both with the importer (``import_file`` and the same resources as
``import_records``), as the federation would load its own files. Registrations waiting for
verification cannot come that way, since an import verifies every unit it loads: they are made
as the portal makes them.
"""

import csv
import datetime
import functools
import importlib.util
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from . import area_reform, periods
from .audit import acting_as
from .models import Area, AreaEra, Enterprise, ReportingPeriod, UnionBody, User
from .resources import RESOURCES
from .spreadsheets import import_file

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_DIR = FIXTURES_DIR / "demo"
# The date that places each kind of record in a period.
DATE_COLUMNS = {
    "headcounts": "as_of",
    "conferences": "held_on",
    "officials_conferences": "held_on",
    "inspection_boards": "elected_on",
    "agreements": "signed_on",
    "dialogues": "held_on",
}
# 2023-h1 is the seed report; 2022-h1 beside it gives the change against a year earlier.
PUBLISHED = ("2022-h1", "2023-h1")
# Lạng Sơn's code, the same in the official lists before and after the 2025 reform.
DEMO_PROVINCE = "20"
# The demo accounts of officers.csv sign in with this, so anyone can try the portal.
DEMO_PASSWORD = "demo-2023"  # noqa: S105


class DemoImportError(Exception):
    """A demo file the importer refused; the message lists the first errors."""


@functools.cache
def generator():
    """``fixtures/make_demo.py``, loaded from its file: it is a script, not a package."""
    spec = importlib.util.spec_from_file_location("demo_generator", FIXTURES_DIR / "make_demo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def import_demo_file(kind, path):
    outcome = import_file(kind, path)
    if outcome.errors:
        raise DemoImportError("\n".join(str(error) for error in outcome.errors[:20]))
    return outcome


def write_living_files(today, directory):
    """This year's records as CSV files in ``directory``: [(kind, path)], in import order.

    Rows dated inside a locked or published period are left out: such records cannot change,
    and a period someone froze in the demo must not stop it from loading.
    """
    make_demo = generator()
    frozen_on = ReportingPeriod.objects.frozen_calendar()
    files = []
    for kind, rows in make_demo.living_demo(today).items():
        column = make_demo.COLUMNS[kind].index(DATE_COLUMNS[kind])
        kept = [row for row in rows if frozen_on(datetime.date.fromisoformat(row[column])) is None]
        path = Path(directory) / f"{kind}.csv"
        make_demo.write_csv(path, make_demo.COLUMNS[kind], kept)
        files.append((kind, path))
    return files


def load_living_records(today):
    """Import this year's records as of ``today``; the importer's outcome for each kind."""
    with tempfile.TemporaryDirectory() as directory:
        return [import_demo_file(kind, path) for kind, path in write_living_files(today, directory)]


def add_pending_registrations(today):
    """Register the demo's new enterprises as their officers would in the portal, waiting for
    verification by the reviewer of their union body; one already known (waiting, verified or
    rejected) is left as it is.

    They are not added to the officer's units: officers.csv lists those, and importing it
    again would take them away, so a second run would not leave everything as it was.
    """
    created = []
    for row in generator().pending_registrations(today):
        if Enterprise.objects.filter(tax_code=row["tax_code"]).exists():
            continue
        officer = User.objects.filter(username=row["registered_by"]).first()
        unit = Enterprise(
            tax_code=row["tax_code"],
            name=row["name"],
            sector=row["sector"],
            area=Area.objects.get(code=row["area_code"], era=row["area_era"]),
            union_body=UnionBody.objects.get(code=row["union_body_code"]),
            union_established_on=datetime.date.fromisoformat(row["union_established_on"]),
            registration=Enterprise.Registration.PENDING,
            registered_by=officer,
        )
        unit.full_clean()
        with acting_as(officer, "portal"):
            unit.save()
        created.append(unit)
    return created


def demo_rows(name):
    with (DEMO_DIR / f"{name}.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def create_federation_staff():
    """The federation's own accounts: made here, as an administrator would in the admin,
    since an import creates and changes officers and reviewers only."""
    for row in demo_rows("federation_staff"):
        User.objects.get_or_create(
            username=row["username"],
            defaults={
                "email": row["email"],
                "full_name": row["full_name"],
                "role": User.Role.FEDERATION,
                "password": make_password(None),
            },
        )


def load_records():
    """The demo's accounts, units and records, up to today, and its registrations waiting for
    verification: one line for each step, saying what it did, as it is done.

    Raises ``DemoImportError`` when the importer refuses a file.
    """
    create_federation_staff()
    yield from load_official_areas()
    with tempfile.TemporaryDirectory() as directory:
        for kind in RESOURCES:
            path = DEMO_DIR / f"{kind}.csv"
            if kind in TODAYS_FILING:
                path = keep_todays_filing(kind, Path(directory) / path.name)
            yield import_demo_file(kind, path).summary()
    # The seed stops in 2023: this year's records keep every list and view alive.
    today = timezone.localdate()
    for outcome in load_living_records(today):
        yield outcome.summary()
    for unit in add_pending_registrations(today):
        yield f"{unit.tax_code}: registered, waiting for verification"


def load_official_areas():
    """Lạng Sơn as the official lists have it: its districts and wards until 30 June 2025,
    under which the seed files its units, and its 65 communes since, where they move."""
    for era in (AreaEra.BEFORE_2025, AreaEra.FROM_2025):
        outcome = area_reform.load(era, DEMO_PROVINCE)
        yield f"{era}: {outcome.created} areas added, {outcome.unchanged} unchanged"


def keep_todays_filing(kind, copy):
    """The seed's file of ``kind``, written to ``copy``, with what the conversion to the map
    after the reform has already moved named where it is now: the seed says where a unit (or
    the industrial zone) was in 2023, and loading the demo again must not move it back."""
    code_column, era_column, now = TODAYS_FILING[kind]
    moved = dict(now())
    rows = demo_rows(kind)
    for row in rows:
        if row[code_column] in moved:
            row.update(moved[row[code_column]], **{era_column: AreaEra.FROM_2025})
    generator().write_csv(copy, list(rows[0]), [list(row.values()) for row in rows])
    return copy


def _moved_units():
    units = Enterprise.objects.filter(area__era=AreaEra.FROM_2025)
    for tax_code, area in units.values_list("tax_code", "area__code"):
        yield tax_code, {"area_code": area}


def _moved_own_areas():
    areas = Area.objects.filter(era=AreaEra.FROM_2025, official=False)
    for code, parent in areas.values_list("code", "parent__code"):
        yield code, {"parent_code": parent or ""}


# The seed files that name areas: (column of the key, column of the era, what moved).
TODAYS_FILING = {
    "areas": ("code", "era", _moved_own_areas),
    "enterprises": ("tax_code", "area_era", _moved_units),
}


def convert_areas():
    """Move the units to the communes after the reform, once the seed's periods are frozen
    under the districts: the living demo shows both maps. One line for what it did."""
    plan = area_reform.plan_conversion()
    area_reform.convert(plan)
    if plan.moves or plan.choices:
        yield (
            f"{len(plan.moves)} units moved to their commune after the 2025 reform, "
            f"{len(plan.choices)} waiting for a reviewer's choice"
        )


def publish_periods():
    """Publish the demo's periods, one line for each. Their results pages go under the home
    page, which must exist by then."""
    for slug in PUBLISHED:
        periods.publish(ReportingPeriod.objects.get(slug=slug))
        yield f"{slug}: published"


def set_demo_passwords():
    """Give the demo accounts a known password, unless someone already chose one; the user
    names of the accounts given it."""
    usernames = [
        row["username"] for name in ("federation_staff", "officers") for row in demo_rows(name)
    ]
    ready = []
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            ready.append(user.username)
    return ready
