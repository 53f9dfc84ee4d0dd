"""Screenshots for the README: each role's main screens, at desktop and phone width.

    .venv/bin/python docs/screenshots.py
        starts its own server on a free port, with the demo loaded into a throw-away SQLite
        database, and stops it afterwards;
    .venv/bin/python docs/screenshots.py --url http://127.0.0.1:8000
        uses a running server with the demo loaded instead (`make run`); the import preview
        then leaves one previewed, not imported, file in that server's import log.

Signs in as the demo accounts and writes full-page PNGs next to this file, named
<role>-<screen>-<width>.png (desktop 1280 and phone 360 CSS pixels wide):

    public      home, results (6 tháng đầu năm 2023)
    officer     unit (congdoan.vinhphat's fertiliser company), agreement-form
    reviewer    dashboard, units (kiemtra.huulung: the units that fall short, with reasons)
    federation  dashboard, period-status, coverage-report, import-preview (lanhdao.ldld)

Needs Chromium at /usr/bin/chromium and the packages of requirements-dev.txt.
"""

import argparse
import datetime
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
WIDTHS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 360, "height": 740},
}
DEMO_PASSWORD = "demo-2023"  # noqa: S105 (the demo accounts of load_demo, not a secret)
PUBLISHED_PERIOD = "6 tháng đầu năm 2023"
PUBLISHED_SLUG = "2023-h1"
OFFICER_UNIT = "Công ty Cổ phần Phân bón Vĩnh Phát"


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
            # runserver serves the static files only in development.
            "DEBUG": "true",
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


# The height of everything on the page, including what scrolls inside a box of its own.
CONTENT_HEIGHT = """() => Math.ceil(Math.max(
    document.documentElement.scrollHeight,
    ...[...document.querySelectorAll("*")]
        .filter((el) => /auto|scroll/.test(getComputedStyle(el).overflowY))
        .map((el) => el.getBoundingClientRect().top + window.scrollY + el.scrollHeight)
))"""


class Camera:
    """One browser tab at one width, signed in as one person, taking full-page pictures."""

    def __init__(self, page, base_url, width_name):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.width_name = width_name

    def go(self, path):
        response = self.page.goto(self.base_url + path)
        if response is None or not response.ok:
            status = response.status if response else "no answer"
            raise SystemExit(f"{path}: {status} (did `load_demo` run?)")
        self.settle()

    def click(self, locator):
        with self.page.expect_navigation():
            locator.click()
        self.settle()

    def settle(self):
        """Wait until the admin's scripts have drawn the page."""
        self.page.wait_for_load_state("networkidle")

    def shoot(self, name):
        """The whole page; the admin scrolls inside its main area, so the window is made as
        tall as that area's content for the picture."""
        target = DOCS / f"{name}-{self.width_name}.png"
        viewport = self.page.viewport_size
        height = self.page.evaluate(CONTENT_HEIGHT)
        if height > viewport["height"]:
            self.page.set_viewport_size({"width": viewport["width"], "height": height})
            self.settle()
        self.page.screenshot(path=target, full_page=True, animations="disabled")
        self.page.set_viewport_size(viewport)
        print(target.relative_to(PROJECT))

    def sign_in(self, login_path, username):
        self.go(login_path)
        form = self.page.locator("form").filter(has=self.page.locator("[name=password]"))
        form.locator("[name=username]").fill(username)
        form.locator("[name=password]").fill(DEMO_PASSWORD)
        self.click(form.locator("button[type=submit]"))


def public(camera):
    camera.go("/")
    camera.shoot("public-home")
    camera.go(f"/ket-qua-{PUBLISHED_SLUG}/")
    camera.shoot("public-results")


def officer(camera):
    page = camera.page
    camera.sign_in("/portal/login/", "congdoan.vinhphat")
    camera.click(page.get_by_role("main").get_by_role("link", name=OFFICER_UNIT))
    camera.shoot("officer-unit")
    camera.click(page.get_by_role("link", name="Thêm thỏa ước lao động tập thể"))
    camera.shoot("officer-agreement-form")


def reviewer(camera):
    page = camera.page
    camera.sign_in("/portal/login/", "kiemtra.huulung")
    camera.go(f"/portal/review/?period={PUBLISHED_SLUG}")
    camera.shoot("reviewer-dashboard")
    camera.click(page.get_by_role("main").get_by_role("link", name="Đơn vị chưa đạt").first)
    camera.shoot("reviewer-units")


def federation(camera):
    page = camera.page
    camera.sign_in("/admin/login/", "lanhdao.ldld")
    camera.shoot("federation-dashboard")
    camera.go(f"/admin/reports/coverage/?period={PUBLISHED_SLUG}")
    camera.shoot("federation-coverage-report")
    camera.click(page.get_by_role("main").get_by_role("link", name="Trạng thái và số liệu"))
    camera.shoot("federation-period-status")
    camera.go("/admin/imports/")
    page.locator("select[name=kind]").select_option("dialogues")
    today = datetime.date.today().isoformat()
    rows = f"tax_code,held_on,kind\r\n4900054774,{today},on_request\r\n"
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "doi-thoai.csv", "mimeType": "text/csv", "buffer": rows.encode("utf-8")}
    )
    camera.click(page.locator("main form button[type=submit]"))
    camera.shoot("federation-import-preview")


ROLES = (public, officer, reviewer, federation)


def take_screenshots(base_url):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width_name, viewport in WIDTHS.items():
                for role in ROLES:
                    context = browser.new_context(
                        viewport=viewport, device_scale_factor=1, locale="vi-VN"
                    )
                    role(Camera(context.new_page(), base_url, width_name))
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
