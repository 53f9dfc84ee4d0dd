"""Publishing a period gives it a results page; unlocking takes the page down, and publishing
again brings the same page back with what editors wrote on it."""

import re

import pytest
from django.conf import settings

from cms.models import ResultsPage
from cms.translations import english_home, translation_in
from workplace import periods
from workplace.models import ReportingPeriod

from .conftest import day


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def run(action, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args)

    return run


@pytest.fixture
def open_period(db, make_unit):
    make_unit(members=30, as_of="2024-06-30")
    return ReportingPeriod.objects.create(
        slug="2024-h1", name="6 tháng đầu năm 2024", start=day("2024-01-01"), end=day("2024-06-30")
    )


def sitemap_paths(client):
    site = re.escape(settings.WAGTAILADMIN_BASE_URL)
    return set(re.findall(rf"<loc>{site}(/[^<]*)</loc>", client.get("/sitemap.xml").text))


def test_publishing_makes_the_results_page_the_home_page_announces(
    client, home, open_period, publish
):
    publish(periods.publish, open_period)
    page = ResultsPage.objects.get(locale__language_code="vi", period=open_period)
    assert page.live and page.get_parent().pk == home.pk
    english_page = translation_in(page, "en")
    assert (page.slug, page.title) == ("ket-qua-2024-h1", "Kết quả 6 tháng đầu năm 2024")
    assert (english_page.slug, english_page.title) == (
        "results-2024-h1",
        "Results for the first half of 2024",
    )
    assert english_page.live and english_page.get_parent().pk == english_home(home).pk
    home_html = client.get("/").content.decode()
    assert 'href="/ket-qua-2024-h1/"' in home_html
    response = client.get("/ket-qua-2024-h1/")
    assert response.status_code == 200
    assert "<h1>Kết quả 6 tháng đầu năm 2024</h1>" in response.content.decode()
    english = client.get("/en/results-2024-h1/").content.decode()
    assert "<h1>Results for the first half of 2024</h1>" in english
    assert 'href="/en/results-2024-h1/"' in client.get("/en/").content.decode()
    assert client.get("/en/ket-qua-2024-h1/").status_code == 404
    assert {"/ket-qua-2024-h1/", "/en/results-2024-h1/"} <= sitemap_paths(client)


def test_publishing_twice_makes_one_page(home, open_period, publish):
    publish(periods.publish, open_period)
    publish(periods.publish, ReportingPeriod.objects.get(pk=open_period.pk))
    assert ResultsPage.objects.filter(period=open_period).count() == 2  # one per language


def test_unlocking_takes_the_page_down_and_republishing_brings_it_back(
    client, home, open_period, publish
):
    publish(periods.publish, open_period)
    page = ResultsPage.objects.get(locale__language_code="vi", period=open_period)
    page.intro = "<p>Lời giới thiệu của biên tập viên.</p>"
    page.save_revision().publish()

    publish(periods.unlock, ReportingPeriod.objects.get(pk=open_period.pk), "Sửa số liệu")
    page.refresh_from_db()
    assert not page.live and not translation_in(page, "en").live
    for path in ("/ket-qua-2024-h1/", "/en/results-2024-h1/"):
        assert client.get(path).status_code == 404
        assert path not in sitemap_paths(client)
    assert 'href="/ket-qua-2024-h1/"' not in client.get("/").content.decode()
    assert 'href="/en/results-2024-h1/"' not in client.get("/en/").content.decode()

    publish(periods.publish, ReportingPeriod.objects.get(pk=open_period.pk))
    assert ResultsPage.objects.filter(period=open_period).count() == 2
    page.refresh_from_db()
    assert page.live and translation_in(page, "en").live
    html = client.get("/ket-qua-2024-h1/").content.decode()
    assert "Lời giới thiệu của biên tập viên." in html
    assert client.get("/en/results-2024-h1/").status_code == 200


def test_a_slug_already_taken_gets_a_free_one(home, open_period, make_article, publish):
    make_article("ket-qua-2024-h1", title="Bài viết trùng tên")
    publish(periods.publish, open_period)
    page = ResultsPage.objects.get(locale__language_code="vi", period=open_period)
    assert page.slug == "ket-qua-2024-h1-2"
    assert translation_in(page, "en").slug == "results-2024-h1"


def test_without_a_home_page_publishing_still_works(open_period, publish, caplog):
    publish(periods.publish, open_period)
    assert ReportingPeriod.objects.get(pk=open_period.pk).status == "published"
    assert not ResultsPage.objects.exists()
    assert "no results page" in caplog.text


def test_workplace_does_not_import_the_public_site():
    """The lifecycle announces itself with signals; the public site listens (cms.apps)."""
    source = (settings.BASE_DIR / "workplace" / "periods.py").read_text(encoding="utf-8")
    assert "cms" not in re.findall(r"^(?:from|import) (\w+)", source, re.M)


def test_a_year_is_titled_with_its_name_and_its_english_phrase(home, make_unit, publish):
    make_unit(members=30, as_of="2025-06-30")
    year = ReportingPeriod.objects.create(
        slug="2025", name="Năm 2025", start=day("2025-01-01"), end=day("2025-12-31")
    )
    publish(periods.publish, year)
    page = ResultsPage.objects.get(locale__language_code="vi", period=year)
    english = translation_in(page, "en")
    assert (page.slug, page.title) == ("ket-qua-2025", "Kết quả Năm 2025")
    assert (english.slug, english.title) == ("results-2025", "Results for 2025")
