"""The benchmark suite: ``make bench`` (or ``python bench/run.py``), not part of ``make test``.

For SQLite and for PostgreSQL it builds fresh databases, fills them with ``generate_demo``,
runs each benchmark in its own process (Django binds one database per process) and writes
every figure, with the machine it ran on, to ``bench/RESULTS.md``. The analysis of the
figures (``bench/ANALYSIS.md``, written by hand after a run) is appended to the results.

    python bench/run.py [--units 150000] [--only coverage,import,export,http]
                        [--databases sqlite,postgresql] [--http-seconds 15]
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SMALL_UNITS = 1000
BENCHMARKS = ("coverage", "import", "export", "http")


def database_url(vendor, name):
    if vendor == "sqlite":
        return f"sqlite:///{DATA / (name + '.sqlite3')}"
    return f"{POSTGRES}/{name}"


def fresh_database(vendor, name):
    """An empty database called ``name``, created anew each run."""
    if vendor == "sqlite":
        DATA.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            (DATA / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
            # The planner's default assumes spinning disks; on SSDs, or with the data in memory
            # as here, 1.1 is the usual setting (README, "Scale"): a reviewer's page then looks
            # units up by index instead of scanning the table.
            connection.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    url = database_url(vendor, name)
    manage(url, "migrate", "--noinput", "-v", "0")
    return url


def manage(url, *args):
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout.strip()


def one(url, name, *args):
    """Run one benchmark in a child process; it prints its results as JSON on the last line."""
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [PYTHON, str(HERE / "one.py"), name, *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        return [{"benchmark": name, "error": result.stderr.strip().splitlines()[-1:]}]
    return json.loads(result.stdout.strip().splitlines()[-1])


def generated(vendor, units):
    url = fresh_database(vendor, f"bench_{units}")
    started = datetime.datetime.now()
    summary = manage(url, "generate_demo", "--units", str(units))
    seconds = (datetime.datetime.now() - started).total_seconds()
    if vendor == "postgresql":
        manage(url, "dbshell", "--", "-c", "VACUUM ANALYZE")
    print(f"[{vendor}] generate_demo --units {units}: {summary}", flush=True)
    return url, {
        "benchmark": "generate_demo",
        "database": vendor,
        "units": units,
        "seconds": round(seconds, 1),
        "summary": summary,
        "target": "150,000 units in a couple of minutes",
        "met": units < 150000 or seconds <= 180,
    }


def run_vendor(vendor, units, only, http_seconds):
    results = []
    small_url, _ = generated(vendor, SMALL_UNITS)
    url, generation = generated(vendor, units)
    results.append(generation)
    if "coverage" in only:
        small = one(small_url, "coverage-queries")
        results += one(url, "coverage", str(small["queries"]))
    if "export" in only:
        results += one(url, "export")
    if "http" in only and vendor == "postgresql":
        # Served as in production: gunicorn on PostgreSQL (SQLite takes one writer at a time).
        results += one(url, "http", str(http_seconds))
    if "import" in only:
        results += one(fresh_database(vendor, "bench_import"), "import")
    for row in results:
        row.setdefault("database", vendor)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=150000)
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--http-seconds", type=int, default=15)
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    options = parser.parse_args(argv)
    only = set(options.only.split(","))
    results, machines = [], {}
    for vendor in options.databases.split(","):
        rows = run_vendor(vendor, options.units, only, options.http_seconds)
        results += rows
        machines[vendor] = next((r["machine"] for r in rows if r.get("machine")), "")
    from report import write_results

    write_results(Path(options.output), results, machines, options)
    print(f"Wrote {options.output}")


if __name__ == "__main__":
    main()
