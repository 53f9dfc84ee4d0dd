"""The browser journeys' shared set-up: Debian's Chromium, the demo on the live server, one tab
per screen width, and the audit of every page a journey reaches (see pages.py).

Needs Chromium at /usr/bin/chromium and the Python packages playwright and
axe-playwright-python (requirements-dev.txt). Without them the tests are skipped and the skip
reason is printed; with REQUIRE_BROWSER=1 (as .ci/run sets) they fail instead.
"""

import contextlib
import importlib
import io
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from .pages import PageAudit, Tour

CHROMIUM = Path("/usr/bin/chromium")
# Headless, as root, on a machine without network access.
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
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# A phone set to English: the pages must still come in Vietnamese, the site's first language.
WIDTHS = {
    "phone": {"viewport": PHONE, "locale": "en-US"},
    "desktop": {"viewport": DESKTOP, "locale": "vi-VN"},
}


def _missing_browser():
    """Why the browser tests cannot run on this machine, or None."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM}"
    for module in ("playwright.sync_api", "axe_playwright_python.sync_playwright"):
        try:
            importlib.import_module(module)
        except ImportError:
            package = module.partition(".")[0]
            return f"{package} is not installed (pip install -r requirements-dev.txt)"
    return None


def _browser_required():
    return os.environ.get("REQUIRE_BROWSER", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser_available():
    """Skip when the browser tests cannot run here; fail instead under REQUIRE_BROWSER."""
    reason = _missing_browser()
    if reason:
        if _browser_required():
            pytest.fail(f"{reason}, and REQUIRE_BROWSER is set: the browser tests must run")
        pytest.skip(f"{reason}: browser test skipped")


@contextlib.contextmanager
def playwright_beside_django():
    """Playwright's sync API, started so that the test's own database work still runs.

    Playwright keeps an event loop registered as running in this thread. Django then refuses
    ORM calls, and hands out other connection objects than the ones the test database, its
    serialized rollback and the live server's thread were set up with. Nothing runs on that
    loop while a test talks to the database, so the refusal is lifted and the connections
    the test began with are put back, for as long as Playwright runs.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    originals = {alias: connections[alias] for alias in connections}
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in originals.items():
                connections[alias] = connection
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def chromium(browser_available):
    """Chromium, once per module; each test opens its own context (cookies, width, locale)."""
    with playwright_beside_django() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(browser_available, django_db_serialized_rollback, live_server):
    """The demo province, pages and accounts, served by the live server; yields its address.

    The live server's tests empty the database after each test; the serialized rollback puts
    back what the migrations wrote (Wagtail's root page, for one) before the next.
    """
    cache.clear()
    call_command("load_demo", stdout=io.StringIO())
    yield live_server.url
    cache.clear()


@pytest.fixture(params=list(WIDTHS))
def width(request):
    """The name of the screen width a journey runs at: phone (360 px) or desktop (1280 px)."""
    return request.param


@pytest.fixture
def tab(chromium, width):
    context = chromium.new_context(accept_downloads=True, **WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def audit(width):
    """The problems found on the journey's pages; printed with the test's output on failure."""
    found = PageAudit(f"{WIDTHS[width]['viewport']['width']} px")
    yield found
    if found.found:
        print("\n".join(found.report()))


@pytest.fixture
def tour(tab, demo_site, audit):
    return Tour(tab, demo_site, audit)
