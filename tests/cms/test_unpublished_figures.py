"""Unpublished figures never appear on a public URL.

One period is locked but not published, with figures of its own; another is published, shown,
then unlocked. Every public URL is then crawled: pages of those periods are 404, blocks that
point at them show a neutral note, and their numbers appear nowhere.
"""

import re

import pytest
from django.conf import settings

from cms.models import ResultsPage
from cms.translations import translation_in
from workplace import periods
from workplace.models import ReportingPeriod

from ..conftest import day, hold_conference
from .conftest import (
    AREAS_SECRET,
    SECRET_STRINGS,
    chart_block,
    figure_block,
    paragraph,
    table_block,
)

# What 2022-h1 shows while published: 4 of its 7 eligible units held a conference.
UNLOCKED_STRINGS = ("4/7", "57,1", "57.1")
TOKEN = "zircon"  # in every page title, to find them all with the site search


def blocks_for(period):
    return [
        figure_block(period, "conference"),
        figure_block(period, "units"),
        table_block(period),
        chart_block(period, "agreement"),
    ]


@pytest.fixture
def world(
    client,
    home,
    h1_2023,
    make_period,
    make_unit,
    make_results_page,
    make_article,
    django_capture_on_commit_callbacks,
):
    # 2024-h1 had a results page while published; it was since locked again after a
    # correction and is not published yet (a results page can only be made for a published one).
    locked = make_period(
        "2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", areas=AREAS_SECRET
    )
    locked_results = make_results_page(locked, title=f"Kết quả 2024 {TOKEN}")
    ReportingPeriod.objects.filter(pk=locked.pk).update(status="locked", published_at=None)
    locked.refresh_from_db()
    units = [make_unit(members=30, as_of="2022-06-30") for _ in range(7)]
    for unit in units[:4]:
        hold_conference(unit, "2022-03-01")
    unlocked = ReportingPeriod.objects.create(
        slug="2022-h1", name="6 tháng đầu năm 2022", start=day("2022-01-01"), end=day("2022-06-30")
    )
    with django_capture_on_commit_callbacks(execute=True):
        periods.publish(unlocked)
    # Publishing gave the period its results page; an editor adds the token to its title.
    unlocked_results = ResultsPage.objects.get(locale__language_code="vi", period=unlocked)
    unlocked_results.title = f"Kết quả 2022 {TOKEN}"
    unlocked_results.save_revision().publish()

    pages = {
        "home": home,
        "visible_results": make_results_page(
            h1_2023, title=f"Kết quả 2023 {TOKEN}", title_en=f"Results 2023 {TOKEN}"
        ),
        "visible_article": make_article(
            "cong-khai", title=f"Bài công khai {TOKEN}", body=blocks_for(h1_2023)
        ),
        "locked_results": locked_results,
        "unlocked_results": unlocked_results,
        "blocks_locked": make_article(
            "khoi-2024", title=f"Khối 2024 {TOKEN}", body=blocks_for(locked)
        ),
        "blocks_unlocked": make_article(
            "khoi-2022",
            title=f"Khối 2022 {TOKEN}",
            body=blocks_for(unlocked),
        ),
        "report_unlocked": make_article(
            "bao-cao-2022",
            title=f"Báo cáo 2022 {TOKEN}",
            body=[paragraph("4/7 đơn vị (57,1%) đã tổ chức hội nghị người lao động.")],
            source_period=unlocked,
        ),
    }
    paths = {
        language: {name: translation_in(page, language).url for name, page in pages.items()}
        for language in ("vi", "en")
    }

    # While 2022-h1 is published its figures are public (and cached for visitors).
    for name in ("unlocked_results", "blocks_unlocked", "report_unlocked"):
        html = client.get(paths["vi"][name]).content.decode()
        assert "4/7" in html, name
    assert client.get("/api/coverage/2022-h1.json").json()["totals"]["conference_rate"] == 57.1

    with django_capture_on_commit_callbacks(execute=True):
        periods.unlock(ReportingPeriod.objects.get(pk=unlocked.pk), "Sửa số liệu đã nhập")
    return paths


def assert_nothing_secret(html, where):
    for secret in SECRET_STRINGS + UNLOCKED_STRINGS:
        assert secret not in html, f"{secret!r} on {where}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_results_pages_of_unpublished_periods_are_404(client, world, language):
    for name in ("locked_results", "unlocked_results", "report_unlocked"):
        assert client.get(world[language][name]).status_code == 404, name
    assert client.get(world[language]["visible_results"]).status_code == 200


@pytest.mark.parametrize("language", ["vi", "en"])
def test_blocks_pointing_at_unpublished_periods_show_no_figures(client, world, language):
    for name in ("blocks_locked", "blocks_unlocked"):
        response = client.get(world[language][name])
        assert response.status_code == 200
        html = response.content.decode()
        assert_nothing_secret(html, name)
        assert "<svg" not in html and "<table" not in html
    english = client.get(world["en"]["blocks_locked"]).content.decode()
    assert english.count("These figures are not available at the moment.") == 4
    visible = client.get(world[language]["visible_article"]).content.decode()
    assert "95/104" in visible and "<svg" in visible


@pytest.mark.parametrize("language", ["vi", "en"])
def test_home_shows_no_unpublished_figures_or_links(client, world, language):
    html = client.get(world[language]["home"]).content.decode()
    assert_nothing_secret(html, "home")
    assert "2022-h1" not in html and "2024-h1" not in html
    for name in ("locked_results", "unlocked_results", "report_unlocked"):
        assert f'href="{world[language][name]}"' not in html
    assert "95/104" in html
    assert "percentage points" not in html  # nothing to compare with any more


def test_open_data_knows_only_published_periods(client, world):
    listing = client.get("/api/coverage/").content.decode()
    assert "2023-h1" in listing
    assert "2022-h1" not in listing and "2024-h1" not in listing
    for slug in ("2022-h1", "2024-h1"):
        for suffix in (".json", ".csv", ".xlsx"):
            assert client.get(f"/api/coverage/{slug}{suffix}").status_code == 404


def test_sitemap_lists_only_public_pages(client, world):
    sitemap = client.get("/sitemap.xml").content.decode()
    site = re.escape(settings.WAGTAILADMIN_BASE_URL)
    locations = set(re.findall(rf"<loc>{site}(/[^<]*)</loc>", sitemap))
    assert {world["vi"]["visible_results"], world["en"]["visible_results"]} <= locations
    assert world["vi"]["blocks_locked"] in locations  # shows the neutral note, nothing secret
    assert world["en"]["blocks_locked"] in locations
    for name in ("locked_results", "unlocked_results", "report_unlocked"):
        assert world["vi"][name] not in locations
        assert world["en"][name] not in locations


@pytest.mark.parametrize("language", ["vi", "en"])
def test_search_leaves_out_unpublished_results(client, world, language):
    prefix = "/en" if language == "en" else ""
    html = client.get(f"{prefix}/search/", {"q": TOKEN}).content.decode()
    found = set(re.findall(r'<li><a href="([^"]+)"', html))
    assert world[language]["visible_results"] in found
    assert world[language]["visible_article"] in found
    other = world["en" if language == "vi" else "vi"]["visible_article"]
    assert other not in found  # each language searches its own pages
    for name in ("locked_results", "unlocked_results", "report_unlocked"):
        assert world[language][name] not in found
    assert_nothing_secret(html, "search")


def test_a_search_of_hundreds_of_words_is_answered_calmly(client, world):
    words = " ".join(f"{TOKEN}{n}" for n in range(600))

    response = client.get("/search/", {"q": f"{TOKEN} {words}"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "12" in html and 'role="status"' in html
