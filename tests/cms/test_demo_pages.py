"""load_demo creates the demo's pages once: home text, the results of the two published
periods (2022-h1 and 2023-h1), one article."""

import io

import pytest
from django.core.management import call_command

from cms.demo import load_demo_pages
from cms.models import ArticlePage, HomePage, ResultsPage
from cms.translations import translation_in


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def page_counts(language):
    return tuple(
        model.objects.filter(locale__language_code=language).count()
        for model in (HomePage, ResultsPage, ArticlePage)
    )


def test_load_demo_creates_the_pages_once(demo):
    assert page_counts("vi") == page_counts("en") == (1, 2, 1)
    results = ResultsPage.objects.get(locale__language_code="vi", period__slug="2023-h1")
    article = ArticlePage.objects.get(locale__language_code="vi")
    assert results.live and article.live
    assert (results.slug, results.title) == ("ket-qua-2023-h1", "Kết quả 6 tháng đầu năm 2023")
    english = translation_in(results, "en")
    assert (english.slug, english.title) == (
        "results-2023-h1",
        "Results for the first half of 2023",
    )
    assert english.live and translation_in(article, "en").live
    assert "Liên đoàn Lao động tỉnh đã chốt" in results.intro
    assert "provincial labour federation froze" in english.intro
    earlier = ResultsPage.objects.get(locale__language_code="vi", period__slug="2022-h1")
    assert earlier.live and earlier.slug == "ket-qua-2022-h1"
    assert article.source_period.slug == "2023-h1"
    home = HomePage.objects.get(locale__language_code="en")
    home.intro = "<p>Changed by an editor.</p>"
    home.save_revision().publish()

    call_command("load_demo", stdout=io.StringIO())
    assert page_counts("vi") == page_counts("en") == (1, 2, 1)
    assert HomePage.objects.get(locale__language_code="en").intro == "<p>Changed by an editor.</p>"


def test_the_demo_home_page_compares_with_a_year_earlier(client, demo):
    vietnamese = client.get("/").content.decode()
    assert "6 tháng đầu năm 2022" in vietnamese
    assert 'href="/ket-qua-2022-h1/"' in vietnamese and 'href="/ket-qua-2023-h1/"' in vietnamese
    english = client.get("/en/").content.decode()
    assert "percentage points on First half of 2022" in english
    assert 'href="/en/results-2022-h1/"' in english
    assert client.get("/en/results-2022-h1/").status_code == 200


def test_demo_pages_show_the_seed_figures_in_both_languages(client, h1_2023):
    load_demo_pages()
    results = ResultsPage.objects.get(locale__language_code="vi", period=h1_2023).url
    article = ArticlePage.objects.get(locale__language_code="vi").url
    home = client.get("/").content.decode()
    assert "95/104 (91,3%)" in home and "97/104 (93,3%)" in home and "141" in home
    assert "95/104 (91,3%)" in client.get(results).content.decode()
    vietnamese = client.get(article).content.decode()
    assert "95/104 (91,3%)" in vietnamese and "<svg" in vietnamese
    assert f'href="{results}"' in vietnamese
    english_article = ArticlePage.objects.get(locale__language_code="en")
    assert english_article.url == "/en/workplace-democracy-results-first-half-2023/"
    english = client.get(english_article.url).content.decode()
    assert '<html lang="en">' in english
    assert "More than nine in ten units concerned held a worker conference" in english
    assert "95/104 (91.3%)" in english and "97/104 (93.3%)" in english
    assert 'href="/en/results-2023-h1/"' in english
