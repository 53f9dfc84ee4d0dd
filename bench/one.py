"""Run one benchmark against ``DATABASE_URL`` and print its results as JSON on the last line.

Called by ``bench/run.py``; each benchmark gets its own process so that it gets its own
database settings and a cold start.
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_site.settings")
    import django

    django.setup()


def main(name, *args):
    if name == "http":
        import bench_http

        # It starts its own server processes and sets Django up itself.
        rows = bench_http.run(os.environ["DATABASE_URL"], int(args[0]) if args else 15)
    else:
        setup()
        rows = run_in_django(name, args)
    from machine import describe

    machine = describe()
    rows = rows if isinstance(rows, list) else [rows]
    for row in rows:
        row.setdefault("machine", machine)
    print(json.dumps(rows if name != "coverage-queries" else rows[0], default=str))


def run_in_django(name, args):
    if name == "coverage-queries":
        import bench_coverage

        return {"queries": bench_coverage.count_queries()}
    if name == "coverage":
        import bench_coverage

        return bench_coverage.run(small_queries=int(args[0]) if args else None)
    if name == "export":
        import bench_export

        return bench_export.run()
    if name == "import":
        import bench_import

        return bench_import.run()
    raise SystemExit(f"unknown benchmark {name!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
