"""Screenshots of the public site for the README: home and results page, desktop and phone.

    .venv/bin/python docs/screenshots.py
        starts its own server on a free port, with the demo loaded into a throw-away SQLite
        database, and stops it afterwards;
    .venv/bin/python docs/screenshots.py --url http://127.0.0.1:8000
        uses a running server instead (`make run`).

Writes full-page PNGs next to this file: home-desktop.png, home-phone.png,
results-desktop.png and results-phone.png (1280 and 360 CSS pixels wide). Needs Chromium at
/usr/bin/chromium and the packages of requirements-dev.txt.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
PROJECT = DOCS.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {"home": "/", "results": "/ket-qua-2023-h1/"}
WIDTHS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 360, "height": 740},
}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (a local http URL)
                return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@contextmanager
def demo_server():
    """runserver on a free port, over a fresh database holding the demo; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="udt-screenshots-") as workdir:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
            "MEDIA_ROOT": f"{workdir}/media",
            "PRIVATE_MEDIA_ROOT": f"{workdir}/private_media",
        }
        env.pop("REDIS_URL", None)
        manage = [sys.executable, str(PROJECT / "manage.py")]
        for command in (["migrate", "--noinput"], ["load_demo"]):
            subprocess.run(  # noqa: S603 (this project's manage.py)
                manage + command, cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        address = f"127.0.0.1:{_free_port()}"
        server = subprocess.Popen(  # noqa: S603 (this project's manage.py)
            [*manage, "runserver", address, "--noreload"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://{address}"
            _wait_for(url + "/")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def take_screenshots(base_url):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width_name, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                page = context.new_page()
                for page_name, path in PAGES.items():
                    response = page.goto(base_url.rstrip("/") + path)
                    if response is None or response.status != 200:
                        raise SystemExit(f"{path}: no page (did `load_demo` run?)")
                    target = DOCS / f"{page_name}-{width_name}.png"
                    page.screenshot(path=target, full_page=True, animations="disabled")
                    print(target.relative_to(PROJECT))
                context.close()
        finally:
            browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    if args.url:
        take_screenshots(args.url)
    else:
        with demo_server() as url:
            take_screenshots(url)


if __name__ == "__main__":
    main()
