"""A visitor's walk through the public site in Debian's Chromium, checked with axe-core.

Home → the 2023-h1 results page → its figures, chart and CSV download → the English version;
then axe-core on the home, results and article pages in both languages, at desktop and phone
width. And, at both widths, the results page of a period published just now: from the home
page's list of published results to its figures, table and download. Every page of that
walk is audited (pages.py).
"""

import csv
import io
import re
from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE

BLOCKING_IMPACTS = ("serious", "critical")

PERIOD_LABEL = "6 tháng đầu năm 2023"
RESULTS = "/ket-qua-2023-h1/"
ARTICLE = "/ket-qua-dan-chu-co-so-6-thang-dau-nam-2023/"
# Their English translations, at English addresses.
RESULTS_EN = "/en/results-2023-h1/"
ARTICLE_EN = "/en/workplace-democracy-results-first-half-2023/"
AUDITED_PAGES = ["/", RESULTS, ARTICLE, "/en/", RESULTS_EN, ARTICLE_EN]
HEADLINE_VI = ["141", "104", "95/104 (91,3%)", "97/104 (93,3%)", "132"]
HEADLINE_EN = ["141", "104", "95/104 (91.3%)", "97/104 (93.3%)", "132"]
# The results page's main figures (agencies and public service units have their own below).
HEADLINE_VALUES = "section[aria-labelledby=headline-heading] .headline .value"
AREAS = {
    "178": "Thành phố Lạng Sơn",
    "180": "Huyện Tràng Định",
    "181": "Huyện Bình Gia",
    "182": "Huyện Văn Lãng",
    "183": "Huyện Cao Lộc",
    "184": "Huyện Văn Quan",
    "185": "Huyện Bắc Sơn",
    "186": "Huyện Hữu Lũng",
    "187": "Huyện Chi Lăng",
    "188": "Huyện Lộc Bình",
    "189": "Huyện Đình Lập",
}
NEW_PERIOD = "2023"
NEW_PERIOD_LABEL = "Năm 2023"

pytestmark = pytest.mark.browser


def _blocking_violations(page, where):
    """axe-core's serious and critical violations on the open page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    lines = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        lines.append(
            f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            for detail in node.get("failureSummary", "").splitlines():
                lines.append(f"        {detail.strip()}")
    return lines


def _layout_problems(page, where):
    """Content a visitor cannot see: the page scrolling sideways, or clipped headline figures."""
    problems = []
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if sideways > 0:
        problems.append(f"{where}: the page scrolls sideways by {sideways} px")
    clipped = page.locator(".headline .value").evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent)"
    )
    if clipped:
        problems.append(f"{where}: headline figures overflow their box: {clipped}")
    return problems


def _read_coverage_csv(content):
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    areas = {row["code"]: row for row in rows if row["code"]}
    totals = [row for row in rows if not row["code"]]
    return areas, totals


def test_a_visitor_reads_downloads_and_meets_no_serious_accessibility_barrier(demo_site, chromium):
    from playwright.sync_api import expect

    site = demo_site
    context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    try:
        # Home, in Vietnamese, to the results page through the list of published periods.
        page.goto(site + "/")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator(".headline .value")).to_have_text(HEADLINE_VI)
        page.get_by_role("main").get_by_role("link", name=PERIOD_LABEL, exact=True).click()
        expect(page).to_have_url(site + RESULTS)

        # The figures: headline, then the table by area and its total.
        expect(page.get_by_role("heading", level=1)).to_contain_text(PERIOD_LABEL)
        expect(page.locator(HEADLINE_VALUES)).to_have_text(HEADLINE_VI)
        table = page.locator("#area-table")
        expect(table.locator("tbody tr")).to_have_count(len(AREAS))
        for figure in HEADLINE_VI:
            expect(table.locator("tfoot tr")).to_contain_text(figure)

        # Agencies and public service units: every one held its officials' conference and
        # has an inspection board in office, as the provincial report says.
        agencies = page.locator("section[aria-labelledby=public-sector-heading]")
        expect(agencies.locator(".headline .value")).to_have_text(
            ["922", "922/922 (100,0%)", "922/922 (100,0%)"]
        )
        expect(agencies.locator("#public-sector-table tfoot tr")).to_contain_text("922/922")

        # The chart: an image with a title, and the same figures as text.
        chart = page.locator("svg[role=img]")
        expect(chart).to_have_count(1)
        expect(chart).to_be_visible()
        expect(chart.locator("title")).to_contain_text(PERIOD_LABEL)
        expect(chart).to_have_accessible_name(re.compile(re.escape(PERIOD_LABEL)))
        expect(chart.locator("rect")).to_have_count(2 + 2 * len(AREAS))  # legend and bars
        expect(page.locator("figure.chart figcaption li")).to_have_count(len(AREAS))

        # The downloads, and the CSV as a visitor gets it.
        for extension in ("csv", "xlsx", "json"):
            expect(page.locator(f'a[download][href$=".{extension}"]')).to_have_count(1)
        with page.expect_download() as started:
            page.locator('a[download][href$=".csv"]').click()
        download = started.value
        assert download.failure() is None
        assert download.suggested_filename.endswith(".csv")
        areas, totals = _read_coverage_csv(Path(download.path()).read_bytes())
        assert {code: row["name"] for code, row in areas.items()} == AREAS
        assert len(totals) == 1
        total = totals[0]
        assert (total["units"], total["eligible"], total["dialogues"]) == ("141", "104", "132")
        assert (total["conference_held"], total["conference_rate"]) == ("95", "91.3")
        assert (total["agreement_in_force"], total["agreement_rate"]) == ("97", "93.3")
        for column in ("units", "eligible", "conference_held", "agreement_in_force"):
            assert sum(int(row[column]) for row in areas.values()) == int(total[column])

        # The English version, through the language link.
        page.get_by_role("navigation").get_by_role("link", name="English").click()
        expect(page).to_have_url(site + RESULTS_EN)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(HEADLINE_VALUES)).to_have_text(HEADLINE_EN)
        expect(page.locator("svg[role=img] title")).not_to_be_empty()

        # The article's live figure blocks, in both languages.
        for path, figures in ((ARTICLE, HEADLINE_VI), (ARTICLE_EN, HEADLINE_EN)):
            page.goto(site + path)
            expect(page.locator(".figure-block strong")).to_have_text(figures[1:])

        # axe-core and the layout, on every public page at both widths.
        violations, layout = [], []
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            for path in AUDITED_PAGES:
                response = page.goto(site + path)
                assert response.status == 200, f"{path}: HTTP {response.status}"
                where = f"{path} at {viewport['width']} px"
                violations += _blocking_violations(page, where)
                layout += _layout_problems(page, where)
        report = []
        if violations:
            report += ["axe-core found serious or critical violations:", *violations]
        if layout:
            report += ["Content a visitor cannot see:", *layout]
        assert not report, "\n".join(report)
    finally:
        context.close()


def _publish_now(slug):
    from workplace import periods
    from workplace.models import ReportingPeriod

    return periods.publish(ReportingPeriod.objects.get(slug=slug))


def _headline(period, language):
    """The five headline figures of a published period, as the site writes them."""
    from django.utils import translation

    from workplace.indicators import format_ratio

    totals = period.snapshot["totals"]
    with translation.override(language):
        return [
            str(totals["units"]),
            str(totals["eligible"]),
            format_ratio(totals["conference_held"], totals["eligible"], totals["conference_rate"]),
            format_ratio(
                totals["agreement_in_force"], totals["eligible"], totals["agreement_rate"]
            ),
            str(totals["dialogues"]),
        ]


def test_a_period_published_now_has_its_results_page(tour):
    """The federation publishes the whole of 2023: the home page leads to its results."""
    from playwright.sync_api import expect

    page = tour.page
    period = _publish_now(NEW_PERIOD)
    figures = _headline(period, "vi")

    tour.open("/")
    latest = page.locator("section[aria-labelledby=latest-heading]")
    expect(latest.get_by_role("heading")).to_have_text(f"Kết quả mới nhất: {NEW_PERIOD_LABEL}")
    expect(latest.locator(".headline .value")).to_have_text(figures)
    published = page.locator("section[aria-labelledby=periods-heading]")
    expect(published.get_by_role("link", name=PERIOD_LABEL, exact=True)).to_be_visible()
    tour.follow(published.get_by_role("link", name=NEW_PERIOD_LABEL, exact=True))

    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_PERIOD_LABEL)
    expect(page.locator(HEADLINE_VALUES)).to_have_text(figures)
    # Frozen now, after the demo's units moved to the communes since the 2025 reform: the
    # year is broken down by those, and the page says so.
    frozen_areas = {row["code"]: row["name"] for row in period.snapshot["breakdowns"]["area"]}
    assert len(frozen_areas) > len(AREAS) and "178" not in frozen_areas
    expect(page.get_by_text("các xã, phường từ sau sắp xếp ngày 01/07/2025")).to_be_visible()
    table = page.locator("#area-table")
    expect(table.locator("tbody tr")).to_have_count(len(frozen_areas))
    for figure in figures:
        expect(table.locator("tfoot tr")).to_contain_text(figure)
    expect(page.locator("svg[role=img] title")).to_contain_text(NEW_PERIOD_LABEL)

    name, content = tour.download(page.locator('a[download][href$=".csv"]'))
    assert NEW_PERIOD in name, name
    areas, totals = _read_coverage_csv(content)
    assert {code: row["name"] for code, row in areas.items()} == frozen_areas
    expected = period.snapshot["totals"]
    assert [totals[0][key] for key in ("units", "eligible", "dialogues")] == [
        str(expected[key]) for key in ("units", "eligible", "dialogues")
    ]

    tour.follow(page.get_by_role("navigation").get_by_role("link", name="English"), "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Publishing gave the results page its English translation, at an English address.
    assert page.url.endswith(f"/en/results-{NEW_PERIOD}/"), page.url
    expect(page.locator(HEADLINE_VALUES)).to_have_text(_headline(period, "en"))

    tour.audit.assert_clean()
