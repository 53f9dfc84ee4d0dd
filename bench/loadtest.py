"""A bounded load test on loopback: public pages, the portal and the admin, many clients at once.

Run it against a server on this machine that has the demo loaded (``make run``), e.g.:

    .venv/bin/python bench/loadtest.py --url http://127.0.0.1:8000 --clients 50 --seconds 60

Each client signs in (half as the demo reviewer on the portal, a few as federation staff for
the admin, the rest stay anonymous on the public site) and requests pages in a loop until the
time is up. The run stops by itself; it only ever talks to the address given, which must be
on loopback. It prints requests, errors and latency percentiles, and exits non-zero on any
error (a status of 500 or more, or a failed connection).
"""

import argparse
import http.cookiejar
import ipaddress
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PUBLIC = ["/", "/en/", "/ket-qua-2023-h1/", "/api/coverage/", "/api/coverage/2023-h1.json"]
PORTAL = ["/portal/", "/portal/review/", "/portal/review/units/", "/portal/review/expiring/"]
ADMIN = ["/admin/", "/admin/enterprises/", "/admin/reports/coverage/"]
DEMO_PASSWORD = "demo-2023"  # noqa: S105 - the demo accounts' documented password


def loopback_only(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise SystemExit("the address must start with http:// or https://")
    host = parts.hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing to load {host}: only loopback addresses are allowed")


class Client:
    def __init__(self, base, username=None, login_path=None):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        if username:
            self.log_in(username, login_path)

    def log_in(self, username, login_path):
        page = self.opener.open(self.base + login_path, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - an http(s) loopback address, checked
            self.base + login_path, data=form, headers={"Referer": self.base + login_path}
        )
        self.opener.open(request, timeout=30).read()

    def get(self, path):
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        return status, time.perf_counter() - started


def role_of(index):
    if index % 10 == 0:
        return "lanhdao.ldld", "/admin/login/", ADMIN
    if index % 2:
        return "kiemtra.huulung", "/portal/login/", PORTAL
    return None, None, PUBLIC


def run(base, clients, seconds):
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    timings, errors = [], []

    def worker(index):
        username, login_path, paths = role_of(index)
        # Clients arrive over the first second rather than all in the same instant.
        time.sleep(index / clients)
        try:
            client = Client(base, username, login_path)
        except (OSError, AttributeError) as error:
            with lock:
                errors.append((login_path, f"sign-in failed: {error}"))
            return
        step = 0
        while time.monotonic() < deadline:
            path = paths[step % len(paths)]
            status, elapsed = client.get(path)
            with lock:
                timings.append(elapsed)
                if status == 0 or status >= 500:
                    errors.append((path, status))
            step += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    loopback_only(args.url)
    timings, errors = run(args.url, args.clients, min(args.seconds, 600))
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if ordered else 0
    print(
        f"{len(timings)} requests by {args.clients} clients in {args.seconds:.0f} s: "
        f"{len(errors)} errors, median {statistics.median(ordered or [0]) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms"
    )
    for path, status in errors[:20]:
        print(f"error: {path} -> {status or 'no response'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
