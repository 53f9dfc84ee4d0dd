"""A deterministic synthetic country for scale tests and benchmarks (``generate_demo``).

Provinces hold communes (the two-level administration in force since 2025); every province
has its federation, and under it a few upper-level union bodies. Units get realistic
headcounts (many small ones, a long tail of large factories) and a year of records, so that
the indicators come out near the real provincial rates rather than all 0 % or 100 %: worker
conferences, agreements, dialogues and regulations of the enterprises, officials' conferences
of the agencies and public service units, and the inspection boards of both.

Rows are written with ``bulk_create`` in chunks: a generated country is nobody's edit, so it
is not audited, and the database it fills is checked to be empty first, so no frozen period
can be touched.
"""

import dataclasses
import datetime
import math
import random

from django.db import connection, transaction

from .compliance import trees_changed
from .kept_facts import recount_open_periods
from .models import (
    BOARD_SECTORS,
    PUBLIC_SECTOR_SECTORS,
    Area,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
    Sector,
    UnionBody,
    UnitFacts,
    WorkerConference,
    add_years,
)
from .text import fold

YEAR = 2024
YEAR_END_H1 = datetime.date(YEAR, 6, 30)
PERIODS = (
    ("2024-h1", "6 tháng đầu năm 2024", datetime.date(YEAR, 1, 1), datetime.date(YEAR, 6, 30)),
    ("2024", "Năm 2024", datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)),
)
PROVINCES = 34  # the provinces and cities since the 2025 reorganisation
UNITS_PER_COMMUNE = 45
BODIES_PER_PROVINCE = 6
CHUNK = 5000

PLACE_WORDS = (
    "An Bình Châu Đông Giang Hà Hải Hòa Hưng Lâm Long Minh Nam Ninh Phú Phúc Quang Sơn Tân "
    "Thái Thành Thuận Tiến Trung Vĩnh Xuân Yên Bắc Đức Lộc"
).split()
TRADE_WORDS = (
    "May mặc|Giày da|Điện tử|Cơ khí|Chế biến gỗ|Thực phẩm|Xây dựng|Vận tải|Dệt may|Nhựa|"
    "Bao bì|Thủy sản|Dược phẩm|Vật liệu|Thương mại|Logistics|Linh kiện|Cao su|Nội thất|In ấn"
).split("|")
COMPANY_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân")
BODY_KINDS = (
    "Công đoàn các Khu công nghiệp",
    "Công đoàn ngành Công thương",
    "Công đoàn ngành Xây dựng",
    "Công đoàn ngành Giao thông",
    "Công đoàn Viên chức",
    "Công đoàn ngành Y tế",
)
SECTORS = (
    Sector.NON_STATE,
    Sector.FDI,
    Sector.NON_PUBLIC_SERVICE,
    Sector.STATE,
    Sector.PUBLIC_SERVICE,
    Sector.STATE_AGENCY,
)
SECTOR_WEIGHTS = (58, 22, 8, 5, 5, 2)
PUBLIC_SECTOR = frozenset(PUBLIC_SECTOR_SECTORS)
BOARD_SECTOR = frozenset(BOARD_SECTORS)

# Regulations date from the 2021 decree on; a few come only after 2024 has ended, so they
# count in neither period, and those of the second half-year count in the year only.
REGULATIONS_FROM = datetime.date(2021, 1, 1)
REGULATIONS_UNTIL = datetime.date(YEAR + 1, 3, 31)
# Inspection boards sit for about two and a half years. Elected from late 2021 on, some
# terms end before a 2024 period ends, and some boards are elected only after the half-year.
BOARD_TERM = datetime.timedelta(days=913)
FIRST_ELECTION = datetime.date(2021, 10, 1)
LAST_ELECTION = datetime.date(YEAR, 9, 30)
# The upper-level union's grades of agreements; "" for one not graded yet.
GRADES = ("A", "B", "C", "D", "")
GRADE_WEIGHTS = (20, 40, 20, 5, 15)


class NotEmptyError(Exception):
    """The database already holds units: a synthetic country is only generated into nothing."""


# Every kind of record generated, with the ``Generated`` count it adds to.
RECORD_COUNTS = {
    HeadcountDeclaration: "headcounts",
    WorkerConference: "conferences",
    CollectiveAgreement: "agreements",
    Dialogue: "dialogues",
    Regulation: "regulations",
    OfficialsConference: "officials_conferences",
    InspectionBoard: "inspection_boards",
}


@dataclasses.dataclass
class Generated:
    areas: int = 0
    union_bodies: int = 0
    enterprises: int = 0
    headcounts: int = 0
    conferences: int = 0
    agreements: int = 0
    dialogues: int = 0
    regulations: int = 0
    officials_conferences: int = 0
    inspection_boards: int = 0

    @property
    def records(self):
        return sum(getattr(self, name) for name in RECORD_COUNTS.values())


def generate(units, seed=1, on_units_done=None):
    """Fill an empty database with ``units`` units and their records; the same seed gives the
    same country. ``on_units_done(count)``, if given, hears of each chunk of units written."""
    # Into real data it would graft invented provinces and overwrite periods: refuse.
    if any(model.objects.exists() for model in (Enterprise, Area, UnionBody, ReportingPeriod)):
        raise NotEmptyError
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    counts = Generated()
    with transaction.atomic():
        create_periods()
        communes = create_areas(units, counts)
        bodies = create_union_bodies(len(communes), counts)
        for first in range(0, units, CHUNK):
            batch = range(first, min(first + CHUNK, units))
            create_units(batch, communes, bodies, rng, counts)
            if on_units_done:
                on_units_done(len(batch))
        trees_changed()
        # Written in bulk, the units and records are counted once, at the end, in the same
        # transaction, with the planner knowing the tables' sizes (without, PostgreSQL picks
        # nested loops over 150,000 units).
        gather_statistics()
        recount_open_periods()
        gather_statistics([UnitFacts])
    return counts


def gather_statistics(models=(Area, UnionBody, Enterprise, *RECORD_COUNTS)):
    """Let the query planner know the tables' new sizes at once, rather than whenever the
    database gets round to it: until then it plans for nearly empty tables."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def create_periods():
    for slug, name, start, end in PERIODS:
        ReportingPeriod.objects.update_or_create(
            slug=slug, defaults={"name": name, "start": start, "end": end, "min_members": 10}
        )


def place_name(index):
    first = PLACE_WORDS[index % len(PLACE_WORDS)]
    second = PLACE_WORDS[(index // len(PLACE_WORDS)) % len(PLACE_WORDS)]
    return f"{first} {second}"


def create_areas(units, counts):
    """Provinces and their communes; about 45 units to a commune."""
    provinces = min(PROVINCES, max(1, math.ceil(units / 2000)))
    communes_per_province = max(1, math.ceil(units / UNITS_PER_COMMUNE / provinces))
    top = [
        Area.built(f"P{p:02d}", f"Tỉnh {place_name(p)}", kind=Area.Kind.PROVINCE)
        for p in range(provinces)
    ]
    Area.objects.bulk_create(top)
    communes = [
        Area.built(
            f"P{p:02d}C{c:03d}",
            f"Xã {place_name(p * communes_per_province + c + 7)}",
            parent=province,
            kind=Area.Kind.COMMUNE,
        )
        for p, province in enumerate(top)
        for c in range(communes_per_province)
    ]
    Area.objects.bulk_create(communes, batch_size=1000)
    counts.areas = len(top) + len(communes)
    return communes


def create_union_bodies(commune_count, counts):
    """The national confederation, a federation per province and its upper-level bodies;
    returns the bodies units belong to, one list per province."""
    root = UnionBody.built("TLD", "Tổng Liên đoàn Lao động Việt Nam")
    root.save()
    provinces = Area.objects.filter(parent=None).order_by("code")
    federations = [
        UnionBody.built(f"LD{p.code}", f"Liên đoàn Lao động {p.name}", parent=root)
        for p in provinces
    ]
    UnionBody.objects.bulk_create(federations)
    upper = [
        UnionBody.built(f"{fed.code}-{k}", f"{BODY_KINDS[k]} – {province.name}", parent=fed)
        for province, fed in zip(provinces, federations, strict=True)
        for k in range(BODIES_PER_PROVINCE)
    ]
    UnionBody.objects.bulk_create(upper)
    counts.union_bodies = 1 + len(federations) + len(upper)
    by_province = {}
    for body in upper:
        by_province.setdefault(body.parent.code[2:], []).append(body)
    return by_province


def create_units(batch, communes, bodies, rng, counts):
    enterprises = [new_enterprise(i, communes, bodies, rng) for i in batch]
    Enterprise.objects.bulk_create(enterprises)
    if enterprises[0].pk is None:  # SQLite before 3.35 returns no ids from a bulk insert
        by_code = dict(
            Enterprise.objects.filter(tax_code__in=[e.tax_code for e in enterprises]).values_list(
                "tax_code", "pk"
            )
        )
        for unit in enterprises:
            unit.pk = by_code[unit.tax_code]
    records = {model: [] for model in RECORD_COUNTS}
    for unit in enterprises:
        for record in unit_records(unit, rng):
            records[type(record)].append(record)
    # The base manager's bulk_create: the guarded one looks up frozen periods row by row,
    # and ``generate`` has checked that there are none.
    for model, rows in records.items():
        model._base_manager.bulk_create(rows, batch_size=2000)
    counts.enterprises += len(enterprises)
    for model, name in RECORD_COUNTS.items():
        setattr(counts, name, getattr(counts, name) + len(records[model]))


def new_enterprise(index, communes, bodies, rng):
    commune = communes[index % len(communes)] if index < len(communes) else rng.choice(communes)
    province_code = commune.code.split("C")[0]
    # The first units take each sector in turn, so that even a small country has them all.
    if index < len(SECTORS):
        sector = SECTORS[index]
    else:
        sector = rng.choices(SECTORS, weights=SECTOR_WEIGHTS)[0]
    established = datetime.date(rng.randint(2000, 2023), rng.randint(1, 12), rng.randint(1, 28))
    dissolved = None
    if rng.random() < 0.02:
        dissolved = datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
    name = (
        f"{rng.choice(COMPANY_FORMS)} {rng.choice(TRADE_WORDS)} "
        f"{place_name(rng.randrange(len(PLACE_WORDS) ** 2))} {index + 1}"
    )
    tax_code = f"{100000000 + index:010d}"
    return Enterprise(
        tax_code=tax_code,
        name=name,
        sector=sector,
        area=commune,
        union_body=rng.choice(bodies[province_code]),
        union_established_on=established,
        dissolved_on=dissolved,
        registration=Enterprise.Registration.VERIFIED,
        search_text=fold(f"{tax_code} {name}"),
    )


def day_in(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def while_open(unit, day):
    """``day``, or the unit's dissolution if earlier: nothing is issued or elected after it."""
    return min(day, unit.dissolved_on) if unit.dissolved_on else day


def unit_records(unit, rng):
    """A year of records for one unit, shaped like the provincial reports: most units are
    large enough to hold a conference and nearly all of those do. Agencies and public service
    units keep the records of their own regime: an officials' conference and a board."""
    opened = max(datetime.date(YEAR, 1, 1), unit.union_established_on)
    # Log-normal workforce: median about 60 workers, a long tail of large factories.
    workers = max(3, int(rng.lognormvariate(4.1, 1.3)))
    members = max(1, int(workers * rng.uniform(0.6, 0.98)))
    operating = rng.random() > 0.03
    yield HeadcountDeclaration(
        enterprise=unit,
        as_of=day_in(rng, opened, datetime.date(YEAR, 3, 31)),
        union_members=members,
        workers=workers,
        operating=operating,
    )
    if unit.sector in PUBLIC_SECTOR:
        yield from public_sector_records(unit, opened, workers, rng)
    else:
        yield from worker_records(unit, opened, workers, operating, rng)


def public_sector_records(unit, opened, workers, rng):
    if rng.random() < 0.95:
        # Held at the start of the year, when the year's plan is adopted.
        yield OfficialsConference(
            enterprise=unit,
            held_on=day_in(rng, opened, datetime.date(YEAR, 3, 31)),
            attendees=max(1, int(workers * rng.uniform(0.7, 0.98))),
        )
    if rng.random() < 0.9:
        yield new_inspection_board(unit, workers, rng)


def worker_records(unit, opened, workers, operating, rng):
    if unit.sector in BOARD_SECTOR and rng.random() < 0.9:
        yield new_inspection_board(unit, workers, rng)
    if rng.random() < 0.9:
        first_day = max(unit.union_established_on, REGULATIONS_FROM)
        yield Regulation(
            enterprise=unit,
            issued_on=day_in(rng, first_day, while_open(unit, REGULATIONS_UNTIL)),
        )
    if not operating:
        return
    if rng.random() < 0.9:
        yield WorkerConference(
            enterprise=unit,
            held_on=day_in(rng, opened, datetime.date(YEAR, 5, 31)),
            form=WorkerConference.Form.FULL if workers < 300 else WorkerConference.Form.DELEGATE,
            attendees=min(workers, max(1, int(workers * rng.uniform(0.5, 0.95)))),
        )
    if rng.random() < 0.9:
        yield new_agreement(unit, workers, rng)
    if rng.random() < 0.92:
        yield Dialogue(
            enterprise=unit,
            held_on=day_in(rng, opened, datetime.date(YEAR, 6, 30)),
            kind=Dialogue.Kind.PERIODIC,
        )
    if rng.random() < 0.3:
        yield Dialogue(
            enterprise=unit,
            held_on=day_in(rng, opened, datetime.date(YEAR, 12, 31)),
            kind=rng.choice(Dialogue.AD_HOC_KINDS),
        )


def new_inspection_board(unit, workers, rng):
    first_day = max(unit.union_established_on, FIRST_ELECTION)
    elected = day_in(rng, first_day, while_open(unit, LAST_ELECTION))
    return InspectionBoard(
        enterprise=unit,
        elected_on=elected,
        term_ends_on=elected + BOARD_TERM,
        # From three members in a small unit to nine in the largest.
        members=min(9, 3 + workers // 200),
    )


def new_agreement(unit, workers, rng):
    signed = day_in(rng, max(unit.union_established_on, datetime.date(2023, 1, 1)), YEAR_END_H1)
    effective = signed
    # Mostly two- or three-year terms; a one-year term signed early lapses within the year.
    term = rng.choices((1, 2, 3), weights=(15, 45, 40))[0]
    expires = add_years(effective, term) - datetime.timedelta(days=1)
    consulted = max(1, int(workers * rng.uniform(0.7, 1.0)))
    grade = rng.choices(GRADES, weights=GRADE_WEIGHTS)[0]
    return CollectiveAgreement(
        enterprise=unit,
        signed_on=signed,
        effective_from=effective,
        expires_on=expires,
        votes_for=consulted // 2 + 1 + int((consulted // 2) * rng.uniform(0, 0.9)),
        workers_consulted=consulted,
        submitted_on=signed + datetime.timedelta(days=rng.randint(1, 15)),
        grade=grade,
        graded_on=signed + datetime.timedelta(days=rng.randint(30, 120)) if grade else None,
        workers_covered=workers,
    )
