"""Benchmark: the public results page and the reviewer's portal page under wrk on loopback.

Targets: with 8 and with 50 connections, the cached results page answers at least half as
many requests per second as a static file served by the same server; the uncached results
page and the reviewer's page answer 95 % of requests within 300 ms; no errors anywhere.

The benchmark starts gunicorn itself on a free loopback port (DEBUG off, a random secret, its
own Redis database for the shared cache, flushed before and after) and runs ``wrk -t2``
against, in turn, each warmed for a few seconds first:

- a static file (whitenoise, the same server and middleware as the pages);
- the results page of the newest published period, as anonymous visitors get it from the
  public cache;
- the same page uncached: a second server started with ``PUBLIC_CACHE_SECONDS=0``, so every
  request takes the cache's miss path (look up, render the page, store nothing);
- the reviewer's dashboard (``/portal/review/``), signed in through the portal's login form as
  a district-level reviewer: it is per user and never cached.

Any answer other than 2xx counts as an error, as do socket errors and answers slower than
10 s. Each figure is printed with the machine and database it ran on, the load average when
the benchmark began and, as ``other_cores``, how many cores other processes kept busy during
that run (anything well above 0 means the figure was measured on a shared, busy machine).

It expects a migrated database with data (``load_demo`` or ``generate_demo``). What it needs
and does not find it makes: if no period is published it publishes the first of the year
(the newest stays open, the reviewers' current period) and gives it a results page if it
has none (both undone at the end, so the database is left as it was
found), and it creates the account ``bench-reviewer`` attached to the district-level union
body (depth 2) with the most units if that account does not exist (it is kept). On
PostgreSQL it runs ``ANALYZE`` first, so that a freshly loaded database is planned as one
that autovacuum has seen.

Run ``python bench/bench_http.py [--duration 15] [--database-url URL]``; or import it and call
``run(database_url, duration)``, which returns one row per case and connection count.
"""

import argparse
import http.client
import http.cookies
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/2"
CONNECTIONS = (8, 50)
THREADS = 2
WARM_SECONDS = 3
WRK_TIMEOUT = "10s"  # a slower answer is an error (wrk leaves it out of the latencies)
P95_BUDGET_MS = 300
CACHED_SHARE = 0.5
STATIC_FILE = "portal/portal.css"
REVIEWER = "bench-reviewer"
REVIEWER_PASSWORD = "bench-reviewer-2024-loopback"  # noqa: S105 - a benchmark-only account
REVIEWER_PAGE = "/portal/review/"

CASES = {
    "static": "static file",
    "cached": "results page (cached)",
    "uncached": "results page (uncached)",
    "reviewer": "reviewer dashboard",
}

# wrk counts only statuses of 400 and above as errors; here any answer other than 2xx is one
# (a redirect to the login page means the session was lost). Each thread counts its own, and
# done() adds them up and prints one JSON line with the figures.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "non2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, bad))
end
"""


# --- Django in this process: finding and making what the benchmark requests ----------------


def setup_django(database_url):
    """Set Django up on ``database_url`` unless it already is (then it must be that one)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_site.settings")
    from django.apps import apps

    if not apps.ready:
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        import django

        django.setup()
    elif database_url:
        import dj_database_url
        from django.db import connection

        wanted = dj_database_url.parse(database_url)
        current = connection.settings_dict
        if any(wanted.get(k) != current.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")):
            raise SystemExit("Django is already set up on another database than --database-url")


def newest_published_period(undo):
    """The newest published period; if none is, the first of the year is published, and the
    newest stays open: the reviewers' current period, whose figures are kept facts."""
    from cms.figures import latest_published_period
    from workplace import periods
    from workplace.models import ReportingPeriod

    period = latest_published_period()
    if period is not None:
        return period
    period = ReportingPeriod.objects.order_by("end", "start").first()
    if period is None:
        raise SystemExit("no reporting period: load data first (load_demo or generate_demo)")
    was_open = not period.is_frozen
    periods.publish(period)
    period.refresh_from_db()
    if was_open:
        # A frozen period would change what others measure (``coverage`` reads its snapshot)
        # and stop ``generate_demo`` from refilling the database: put it back afterwards.
        undo.append(lambda: periods.unlock(period, "The HTTP benchmark is over."))
    return period


def results_page_path(period, undo):
    """The path of the period's public results page, made under the home page if missing."""
    from cms.models import ResultsPage, ensure_home_page, results_page_url
    from cms.translations import translate

    url = results_page_url(period)
    if url is None:
        home = ensure_home_page("Dân chủ ở cơ sở tại nơi làm việc")
        page = ResultsPage(
            slug=f"ket-qua-{period.slug}",
            title=f"Kết quả {period.name}",
            period=period,
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        english = translate(page, f"results-{period.slug}", title=f"Results for {period.slug}")
        undo.append(lambda: ResultsPage.objects.filter(pk__in=[page.pk, english.pk]).delete())
        url = results_page_url(period)
    return urllib.parse.urlsplit(url).path


def district_body():
    """The union body at depth 2 (under the top one) with the most units in its subtree."""
    from django.db.models import Count

    from workplace.models import Enterprise, UnionBody

    sizes = {}
    rows = Enterprise.objects.values("union_body__path").annotate(n=Count("id"))
    for row in rows:
        parts = (row["union_body__path"] or "").strip("/").split("/")
        if len(parts) >= 2:
            prefix = f"/{parts[0]}/{parts[1]}/"
            sizes[prefix] = sizes.get(prefix, 0) + row["n"]
    bodies = UnionBody.objects.filter(path__regex=r"^/[^/]+/[^/]+/$")
    body = max(bodies, key=lambda b: (sizes.get(b.path, 0), b.path), default=None)
    if body is None:
        raise SystemExit("no union body at depth 2 to attach the benchmark reviewer to")
    return body


def reviewer_account():
    from workplace.models import Enterprise, User

    user = User.objects.filter(username=REVIEWER).first()
    if user is None:
        user = User(
            username=REVIEWER,
            full_name="Benchmark reviewer",
            role=User.Role.REVIEWER,
            union_body=district_body(),
        )
        user.set_password(REVIEWER_PASSWORD)
        user.full_clean()
        user.save()
    elif not user.check_password(REVIEWER_PASSWORD):
        raise SystemExit(f"the account {REVIEWER} exists with another password")
    user.unit_count = Enterprise.objects.visible_to(user).count()
    return user


def gather_statistics():
    """PostgreSQL plans queries from table statistics, which a freshly loaded database may not
    have yet (autovacuum gathers them in time, if it is on); without them a reviewer's page at
    150,000 units takes seconds instead of a fraction of one."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def flush_cache():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- the server ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(database_url):
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},localhost",
        REDIS_URL=REDIS_URL,
        # Plain HTTP on loopback: no redirect to HTTPS (a proxy would terminate TLS).
        SECURE_SSL_REDIRECT="false",
    )
    env.pop("PUBLIC_CACHE_SECONDS", None)
    return env


def collect_static(env):
    """Whitenoise serves STATIC_ROOT with the manifest of hashed names; fill both."""
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    manifest = json.loads((ROOT / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][STATIC_FILE]


def get(port, path, headers=None, method="GET", body=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Server:
    """gunicorn on a free loopback port, stopped (and its workers with it) on exit."""

    def __init__(self, env, log_dir, name):
        self.env = env
        self.port = free_port()
        self.log = Path(log_dir) / f"gunicorn-{name}.log"
        self.process = None

    def __enter__(self):
        # Sync workers, 2 × cores + 1 (gunicorn's own rule of thumb): each worker handles one
        # request at a time and blocks while PostgreSQL or Redis answers, so a few more workers
        # than cores keep the CPUs busy during those waits without thrashing them.
        workers = 2 * (os.cpu_count() or 1) + 1
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "union_site.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)  # noqa: S603
        self.workers = workers
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                get(self.port, "/static/" + STATIC_FILE)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{self.log_tail()}")

    def log_tail(self):
        try:
            return "\n".join(self.log.read_text().splitlines()[-30:])
        except OSError:
            return ""

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's master stops its workers on SIGTERM
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"


def sign_in(port):
    """Sign the reviewer in through the portal's login form; returns the Cookie header."""
    # The cookies are marked Secure (DEBUG is off), so they are carried by hand over HTTP.
    status, headers, page = get(port, "/portal/login/")
    jar = http.cookies.SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": REVIEWER, "password": REVIEWER_PASSWORD}
    )
    status, headers, _ = get(
        port,
        "/portal/login/",
        method="POST",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items()),
        },
    )
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"the reviewer could not sign in (HTTP {status})")
    return f"sessionid={jar['sessionid'].value}"


# --- wrk --------------------------------------------------------------------------------------


def wrk(url, connections, duration, script, headers=()):
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{duration}s"]
    command += ["--timeout", WRK_TIMEOUT, "--latency", "-s", script]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    done = subprocess.run(  # noqa: S603 - wrk against our own loopback server
        command, capture_output=True, text=True, check=True, timeout=duration + 120
    )
    line = re.search(r"^BENCH (\{.*\})$", done.stdout, re.MULTILINE)
    if line is None:
        raise RuntimeError(f"unexpected wrk output:\n{done.stdout}\n{done.stderr}")
    figures = json.loads(line.group(1))
    seconds = figures["duration_us"] / 1e6
    return {
        "requests": figures["requests"],
        "requests_per_s": round(figures["requests"] / seconds, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "errors": sum(figures[k] for k in ("non2xx", "connect", "read", "write", "timeout")),
    }


def cpu_by_process():
    """CPU seconds used so far by each process, with its parent and name (Linux only)."""
    ticks = os.sysconf("SC_CLK_TCK")
    usage = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        usage[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / ticks)
    return usage


def other_cores(server, before, after, seconds):
    """How many cores processes other than this benchmark's kept busy during a run.

    The server, wrk, this process, PostgreSQL and Redis are this benchmark's own; anything
    else (a test suite, another benchmark) takes CPU from the figures and shows up here.
    """
    own = {os.getpid(), server.process.pid}
    own |= {pid for pid, (parent, _, _) in after.items() if parent == server.process.pid}
    busy = sum(
        cpu - before[pid][2]
        for pid, (_, name, cpu) in after.items()
        if pid in before and pid not in own and name not in ("postgres", "redis-server")
    )
    return round(busy / seconds, 2)


def measure(server, case, path, duration, script, headers=()):
    """Warm the URL for a few seconds, then one wrk run per connection count."""
    wrk(server.url(path), CONNECTIONS[0], WARM_SECONDS, script, headers)
    rows = []
    for connections in CONNECTIONS:
        before = cpu_by_process() if Path("/proc/self/stat").exists() else None
        row = {"case": case, "path": path, "connections": connections}
        row |= wrk(server.url(path), connections, duration, script, headers)
        if before is not None:
            row["other_cores"] = other_cores(server, before, cpu_by_process(), duration)
        rows.append(row)
    return rows


def expect_cache(server, path, wanted):
    status, headers, _ = get(server.port, path)
    seen = headers.get("X-Public-Cache")
    if status != 200 or seen != wanted:
        raise RuntimeError(f"{path}: expected HTTP 200 and a cache {wanted}, got {status} {seen}")


# --- the benchmark ------------------------------------------------------------------------------


def judge(rows):
    """Each row's target and whether it is met; the cached page's share of the static file."""
    static = {r["connections"]: r["requests_per_s"] for r in rows if r["case"] == "static"}
    for row in rows:
        clean = row["errors"] == 0
        share = row["requests_per_s"] / static[row["connections"]]
        row["share_of_static"] = round(share, 2)
        if row["case"] == "static":
            row["target"] = "reference for the cached page; 0 errors"
            row["met"] = clean
        elif row["case"] == "cached":
            row["target"] = f"≥ {CACHED_SHARE:.0%} of the static file's requests/s; 0 errors"
            row["met"] = clean and share >= CACHED_SHARE
        else:
            row["target"] = f"p95 ≤ {P95_BUDGET_MS} ms; 0 errors"
            row["met"] = clean and row["p95_ms"] <= P95_BUDGET_MS
    return rows


def run(database_url=None, duration=15):
    """Measure every case at 8 and 50 connections; one result dict per case and count."""
    setup_django(database_url)
    from django.db import connection
    from machine import describe

    from workplace.models import Enterprise

    database_url = database_url or os.environ.get("DATABASE_URL")
    machine = describe()
    units = Enterprise.objects.count()
    load_before = os.getloadavg()[0]
    undo = []
    try:
        period = newest_published_period(undo)
        results_path = results_page_path(period, undo)
        reviewer = reviewer_account()
        gather_statistics()
        env = server_environment(database_url)
        static_path = collect_static(env)
        connection.close()  # the servers need the database more than this process does
        measured = []
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "figures.lua"
            script.write_text(WRK_SCRIPT)
            flush_cache()
            with Server(env, folder, "cached") as server:
                measured += measure(server, "static", static_path, duration, script)
                get(server.port, results_path)
                expect_cache(server, results_path, "hit")
                measured += measure(server, "cached", results_path, duration, script)
                expect_cache(server, results_path, "hit")
                cookie = sign_in(server.port)
                measured += measure(
                    server, "reviewer", REVIEWER_PAGE, duration, script, [f"Cookie: {cookie}"]
                )
                workers = server.workers
            flush_cache()
            with Server(env | {"PUBLIC_CACHE_SECONDS": "0"}, folder, "uncached") as server:
                get(server.port, results_path)
                expect_cache(server, results_path, "miss")
                measured += measure(server, "uncached", results_path, duration, script)
    finally:
        flush_cache()
        for action in reversed(undo):
            action()
    order = list(CASES)
    measured.sort(key=lambda r: (order.index(r["case"]), r["connections"]))
    context = {
        "database": connection.vendor,
        "units": units,
        "period": period.slug,
        "reviewer_units": reviewer.unit_count,
        "workers": workers,
        "seconds": duration,
        # Other work on the machine skews every figure: the 1-minute load when the run began.
        "load_before": round(load_before, 2),
        "machine": machine,
    }
    return [
        {"benchmark": "http", **row, "case": CASES[row["case"]], **context}
        for row in judge(measured)
    ]


def table(rows):
    lines = [
        f"{'case':<26} {'conn':>4} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} "
        f"{'other':>5}  target met"
    ]
    for r in rows:
        share = f" ({r['share_of_static']:.0%} of static)" if r["case"] == CASES["cached"] else ""
        lines.append(
            f"{r['case']:<26} {r['connections']:>4} {r['requests_per_s']:>8.1f} "
            f"{r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['errors']:>6} "
            f"{r.get('other_cores', ''):>5}  "
            f"{'yes' if r['met'] else 'NO'}{share}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL"), help="default: DATABASE_URL"
    )
    args = parser.parse_args(argv)
    rows = run(args.database_url, args.duration)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    first = rows[0]
    print(
        f"\nMachine: {first['machine']}\n{first['units']} units, period {first['period']}, "
        f"reviewer scope {first['reviewer_units']} units, gunicorn {first['workers']} sync "
        f"workers, wrk -t{THREADS}, {first['seconds']} s per run, load average "
        f"{first['load_before']} at the start; 'other' is the cores other processes used "
        "during the run\n"
    )
    print(table(rows))
    return 0 if all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
