"""Benchmark: ``import_records`` of large files against a plain ``bulk_create`` of the same rows.

Writes CSV files in the README's “The import format” — 10,000 enterprises with Vietnamese
names, then 50,000 headcount declarations and 50,000 dialogues of those units — and times, for
each kind:

(a) ``call_command("import_records", kind, file)``: reading, checking, writing and auditing;
(b) the floor: the same rows, already parsed into model instances, written into the emptied
    table by the model's plain ``bulk_create`` (the base manager: no checks, no audit).

The target is at least 2,500 rows/s and at most 4× the time of the floor.

Run ``python bench/bench_import.py [--enterprises N] [--records N] [--reset]`` against the
database named by ``DATABASE_URL``; or import it and call ``run()`` once Django is set up. It
migrates the database, refuses one that already holds enterprises unless told to ``reset``
it, then empties the tables it writes (audit entries, records, enterprises) and adds the few
areas and union bodies the files name.
"""

import argparse
import csv
import datetime
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_ROWS_PER_SECOND = 2500
MAX_RATIO = 4.0
RECORD_KINDS = ("headcounts", "dialogues")
OPEN_PERIODS = (
    ("2023", "Năm 2023", datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
    ("2024-h1", "6 tháng đầu năm 2024", datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)),
)

PROVINCE = ("01", "Thành phố Hà Nội")
DISTRICTS = (
    ("001", "Quận Ba Đình"),
    ("018", "Huyện Gia Lâm"),
    ("250", "Huyện Mê Linh"),
    ("277", "Huyện Thạch Thất"),
)
COMMUNE_NAMES = ("Phường Phúc Xá", "Xã Đông Dư", "Xã Tiền Phong", "Thị trấn Liên Quan")
COMPANY_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân")
COMPANY_WORDS = (
    "May mặc Hòa Bình",
    "Điện tử Sông Hồng",
    "Giày da Ánh Dương",
    "Cơ khí Phú Thịnh",
    "Thực phẩm Đức Lộc",
    "Dệt may Thăng Long",
    "Linh kiện Việt Hưng",
    "Bao bì Xuân Trường",
)
SECTORS = ("non_state", "fdi", "non_public_service", "state", "public_service")
HEADCOUNT_DAYS = ("2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31", "2024-06-30")
DIALOGUES = (
    ("2023-03-15", "periodic"),
    ("2023-05-02", "on_request"),
    ("2023-09-15", "periodic"),
    ("2024-03-15", "periodic"),
    ("2024-03-15", "event"),
)
FIRST_ESTABLISHED = datetime.date(2010, 1, 1)


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_site.settings")
    import django

    django.setup()


# --- the data ------------------------------------------------------------------------------


def communes():
    return [
        (f"{code}{n:02d}", f"{name} {n}", code)
        for code, _district in DISTRICTS
        for n, name in enumerate(COMMUNE_NAMES, start=1)
    ]


def bodies():
    federation = ("LDLD-01", "Liên đoàn Lao động Thành phố Hà Nội", "")
    return [federation] + [
        (f"LDLD-{code}", f"LĐLĐ {name}", federation[0]) for code, name in DISTRICTS
    ]


def tax_code(n):
    return f"01{n:08d}"


def enterprise_rows(count):
    places, unions = communes(), bodies()[1:]
    header = [
        "tax_code",
        "name",
        "sector",
        "area_code",
        "union_body_code",
        "union_established_on",
        "dissolved_on",
    ]
    rows = []
    for n in range(1, count + 1):
        established = FIRST_ESTABLISHED + datetime.timedelta(days=n % 3000)
        dissolved = "2024-12-31" if n % 50 == 0 else ""
        rows.append(
            [
                tax_code(n),
                f"{COMPANY_FORMS[n % 4]} {COMPANY_WORDS[n % 8]} {n}",
                SECTORS[n % 5],
                places[n % len(places)][0],
                unions[n % len(unions)][0],
                established.isoformat(),
                dissolved,
            ]
        )
    return header, rows


def headcount_rows(enterprises, count):
    # Vietnamese headings, as the federation's own spreadsheets have them.
    header = ["Mã số thuế", "Tính đến ngày", "Số đoàn viên", "Số người lao động", "Đang hoạt động"]
    rows = []
    for i in range(count):
        n, slot = i % enterprises + 1, i // enterprises
        workers = 20 + (n * 37 + slot * 11) % 900
        members = workers * (50 + n % 45) // 100
        operating = "không" if (n + slot) % 29 == 0 else "có"
        rows.append([tax_code(n), HEADCOUNT_DAYS[slot], members, workers, operating])
    return header, rows


def dialogue_rows(enterprises, count):
    header = ["tax_code", "held_on", "kind"]
    rows = []
    for i in range(count):
        n, slot = i % enterprises + 1, i // enterprises
        held_on, kind = DIALOGUES[slot]
        rows.append([tax_code(n), held_on, kind])
    return header, rows


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- the database --------------------------------------------------------------------------


def bench_models():
    """The tables the benchmark empties: every table that refers to the enterprises, then
    the enterprises."""
    from django.apps import apps

    from workplace.models import AuditEntry, Enterprise, EnterpriseRecord, UnitFacts, User

    records = [
        model
        for model in apps.get_app_config("workplace").get_models()
        if issubclass(model, EnterpriseRecord)
    ]
    return [UnitFacts, AuditEntry, *records, User.units.through, Enterprise]


def empty_tables(*models):
    """Empty the tables of ``models`` (and reset their ids) with the backend's own statements."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    tables = [model._meta.db_table for model in models]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyse():
    """Refresh the planner's statistics, so each timed step starts from the same footing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def prepare_database(reset):
    from django.core.management import call_command

    from workplace.models import Area, Enterprise, ReportingPeriod, UnionBody

    call_command("migrate", verbosity=0, interactive=False)
    if Enterprise.objects.exists() and not reset:
        raise SystemExit(
            "The database already holds enterprises; run with --reset to empty the "
            "benchmark's tables first (only ever on a database kept for benchmarks)."
        )
    # A locked or published period would refuse the records the benchmark writes.
    if ReportingPeriod.objects.exclude(status="open").exists():
        raise SystemExit("The database has locked or published periods; use a fresh one.")
    empty_tables(*bench_models())
    province, _ = Area.objects.get_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "kind": "province"}
    )
    for code, name in DISTRICTS:
        Area.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "district", "parent": province}
        )
    for code, name, parent in communes():
        Area.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": "commune", "parent": Area.objects.get(code=parent)},
        )
    for code, name, parent in bodies():
        above = UnionBody.objects.get(code=parent) if parent else None
        UnionBody.objects.get_or_create(code=code, defaults={"name": name, "parent": above})
    # Two open periods: every import keeps their facts, as it would on a live site.
    for slug, name, start, end in OPEN_PERIODS:
        ReportingPeriod.objects.get_or_create(
            slug=slug, defaults={"name": name, "start": start, "end": end}
        )


# --- the floor: plain bulk_create ----------------------------------------------------------


def floor_instances(kind, header, rows):
    """The rows as unsaved model instances, every value already typed and every key resolved."""
    from workplace.models import Area, Dialogue, Enterprise, HeadcountDeclaration, UnionBody
    from workplace.text import fold

    day = datetime.date.fromisoformat
    if kind == "enterprises":
        areas = dict(Area.objects.values_list("code", "pk"))
        unions = dict(UnionBody.objects.values_list("code", "pk"))
        return Enterprise, [
            Enterprise(
                tax_code=code,
                name=name,
                sector=sector,
                area_id=areas[area],
                union_body_id=unions[union],
                union_established_on=day(established),
                dissolved_on=day(dissolved) if dissolved else None,
                registration="verified",
                search_text=fold(f"{code} {name}"),
            )
            for code, name, sector, area, union, established, dissolved in rows
        ]
    units = dict(Enterprise.objects.values_list("tax_code", "pk"))
    if kind == "headcounts":
        return HeadcountDeclaration, [
            HeadcountDeclaration(
                enterprise_id=units[code],
                as_of=day(as_of),
                union_members=members,
                workers=workers,
                operating=operating != "không",
            )
            for code, as_of, members, workers, operating in rows
        ]
    return Dialogue, [
        Dialogue(enterprise_id=units[code], held_on=day(held_on), kind=kind_)
        for code, held_on, kind_ in rows
    ]


def time_floor(kind, header, rows):
    from django.db import transaction

    model, objs = floor_instances(kind, header, rows)
    analyse()
    started = time.perf_counter()
    with transaction.atomic():
        model._base_manager.bulk_create(objs)
    seconds = time.perf_counter() - started
    assert model._base_manager.count() == len(rows)  # noqa: S101
    return seconds


def time_import(kind, path, rows):
    from django.core.management import call_command

    from workplace.resources import RESOURCES

    analyse()
    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_records", kind, str(path), stdout=out)
    seconds = time.perf_counter() - started
    model = RESOURCES[kind]._meta.model
    assert model._base_manager.count() == len(rows), out.getvalue()  # noqa: S101
    return seconds, out.getvalue().strip()


def measure(kind, path, header, rows, empty_after_floor):
    floor = time_floor(kind, header, rows)
    empty_tables(*empty_after_floor)
    seconds, summary = time_import(kind, path, rows)
    rate = len(rows) / seconds
    ratio = seconds / floor
    return {
        "benchmark": "import",
        "kind": kind,
        "database": _vendor(),
        "rows": len(rows),
        "seconds": round(seconds, 3),
        "rows_per_second": round(rate),
        "bulk_create_seconds": round(floor, 3),
        "ratio": round(ratio, 2),
        "summary": summary,
        "target": f"≥ {MIN_ROWS_PER_SECOND:,} rows/s and ≤ {MAX_RATIO:g}× bulk_create",
        "met": rate >= MIN_ROWS_PER_SECOND and ratio <= MAX_RATIO,
    }


def _vendor():
    from django.db import connection

    return connection.vendor


def run(enterprises=10000, records=50000, kinds=RECORD_KINDS, reset=False, directory=None):
    """Time the import of each kind against its floor; one result dict per kind."""
    from workplace.models import AuditEntry, Dialogue, HeadcountDeclaration

    prepare_database(reset)
    record_models = {"headcounts": HeadcountDeclaration, "dialogues": Dialogue}
    builders = {"headcounts": headcount_rows, "dialogues": dialogue_rows}
    results = []
    with tempfile.TemporaryDirectory(dir=directory) as folder:
        header, rows = enterprise_rows(enterprises)
        path = write_csv(Path(folder) / "enterprises.csv", header, rows)
        # Emptying the enterprises takes the tables that refer to them along (still empty).
        results.append(measure("enterprises", path, header, rows, bench_models()))
        for kind in kinds:
            header, rows = builders[kind](enterprises, records)
            path = write_csv(Path(folder) / f"{kind}.csv", header, rows)
            results.append(measure(kind, path, header, rows, [record_models[kind]]))
    # The enterprises' own audit entries stay; the records' go with the next reset.
    assert AuditEntry.objects.filter(source="import").exists()  # noqa: S101
    return results


def table(results):
    lines = [
        f"{'kind':<12} {'db':<10} {'rows':>7} {'seconds':>8} {'rows/s':>8} "
        f"{'bulk s':>7} {'ratio':>6}  target"
    ]
    for r in results:
        lines.append(
            f"{r['kind']:<12} {r['database']:<10} {r['rows']:>7} {r['seconds']:>8.2f} "
            f"{r['rows_per_second']:>8} {r['bulk_create_seconds']:>7.2f} {r['ratio']:>6.2f}  "
            f"{'yes' if r['met'] else 'NO'}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--kinds", default=",".join(RECORD_KINDS), help="records kinds to time")
    parser.add_argument(
        "--reset", action="store_true", help="empty the benchmark's tables of a used database"
    )
    args = parser.parse_args(argv)
    if args.records > args.enterprises * len(HEADCOUNT_DAYS):
        parser.error(f"at most {len(HEADCOUNT_DAYS)} records per enterprise")
    _setup_django()
    kinds = [k for k in args.kinds.split(",") if k]
    results = run(args.enterprises, args.records, kinds=kinds, reset=args.reset)
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    print(table(results))
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
