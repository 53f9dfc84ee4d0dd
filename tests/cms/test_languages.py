"""Vietnamese at /…, English translations at /en/… with English slugs, each page pointing at
its translation with hreflang."""

import re

from django.conf import settings

from cms.translations import english_home, translation_in

from .conftest import figure_block, paragraph


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_english_pages_are_in_english(client, home, h1_2023, make_results_page):
    page = make_results_page(h1_2023)
    for url in ("/en/", "/en/results-2023-h1/"):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html
        assert "Skip to main content" in html
        assert "95/104 (91.3%)" in html
    assert "Workplace democracy" in client.get("/en/").content.decode()
    assert "An introduction in English." in client.get("/en/").content.decode()
    assert translation_in(page, "en").url == "/en/results-2023-h1/"


def test_vietnamese_is_the_default_language(client, home, h1_2023):
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "Lời giới thiệu bằng tiếng Việt." in html
    assert "An introduction in English." not in html


def test_pages_link_to_their_translation_with_hreflang(client, home, h1_2023, make_results_page):
    path = make_results_page(h1_2023).url
    vietnamese = alternates(client.get(path).content.decode())
    english = alternates(client.get("/en/results-2023-h1/").content.decode())
    expected = {
        "vi": f"http://testserver{path}",
        "en": "http://testserver/en/results-2023-h1/",
        "x-default": f"http://testserver{path}",
    }
    assert vietnamese == expected
    assert english == expected


def test_the_header_links_to_the_other_language(client, home):
    vietnamese = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert re.search(r'<a href="http://testserver/en/" hreflang="en" lang="en"', vietnamese)
    assert re.search(r'<a href="http://testserver/" hreflang="vi" lang="vi"', english)


def test_a_page_nobody_translated_has_no_english_address(client, make_article):
    article = make_article(
        "chi-tieng-viet",
        title="Chỉ có tiếng Việt",
        body=[paragraph("Nội dung tiếng Việt.")],
        english=False,
    )
    assert client.get("/en" + article.url).status_code == 404
    html = client.get(article.url).content.decode()
    # No alternate to name; the switch leads to the English home page instead.
    assert alternates(html) == {
        "vi": f"http://testserver{article.url}",
        "x-default": f"http://testserver{article.url}",
    }
    assert re.search(r'<a href="http://testserver/en/" hreflang="en" lang="en">', html)
    assert "Chỉ có tiếng Việt" not in client.get("/en/").content.decode()


def test_the_english_translation_has_its_own_slug_and_text(client, make_article):
    article = make_article(
        "hai-thu-tieng",
        title_en="In two languages",
        body=[paragraph("Nội dung tiếng Việt.")],
        body_en=[paragraph("English content.")],
    )
    english_page = translation_in(article, "en")
    assert english_page.url == "/en/hai-thu-tieng-en/"
    english = client.get(english_page.url).content.decode()
    assert "In two languages" in english and "English content." in english
    assert "Nội dung tiếng Việt." not in english
    assert "English content." not in client.get(article.url).content.decode()
    assert "In two languages" in client.get("/en/").content.decode()
    assert "In two languages" not in client.get("/").content.decode()


def test_a_translation_keeps_the_figure_blocks_in_the_readers_language(
    client, h1_2023, make_article
):
    article = make_article("so-lieu", body=[figure_block(h1_2023, "conference")])
    english = client.get(translation_in(article, "en").url).content.decode()
    assert "95/104 (91.3%)" in english
    assert "95/104 (91,3%)" in client.get(article.url).content.decode()


def test_an_article_links_to_the_results_page_in_the_readers_language(
    client, h1_2023, make_results_page, make_article
):
    results = make_results_page(h1_2023)
    link = f'<p><a linktype="page" id="{results.pk}">kết quả</a></p>'
    article = make_article("lien-ket", body=[{"type": "paragraph", "value": link}])
    assert 'href="/ket-qua-2023-h1/"' in client.get(article.url).content.decode()
    english = client.get(translation_in(article, "en").url).content.decode()
    assert 'href="/en/results-2023-h1/"' in english


def test_without_a_live_english_home_no_link_leads_to_english(
    client, home, h1_2023, make_results_page
):
    path = make_results_page(h1_2023).url
    english_home(home).unpublish()
    html = client.get(path).content.decode()
    assert alternates(html) == {
        "vi": f"http://testserver{path}",
        "x-default": f"http://testserver{path}",
    }
    assert 'hreflang="en"' not in html
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/en/" not in sitemap and path in sitemap


def test_a_page_made_private_in_vietnamese_is_private_in_english(
    client, make_article, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    article = make_article("rieng-tu", title="Riêng tư")
    english = translation_in(article, "en")
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
    )
    assert english.get_view_restrictions().get().password == "mat-khau"
    html = client.get(english.url).content.decode()
    assert 'type="password"' in html and "<h1>Riêng tư</h1>" not in html

    # Made public again: the translation follows once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert not english.get_view_restrictions().exists()
    assert "<h1>Riêng tư</h1>" in client.get(english.url).content.decode()


def test_a_page_not_found_names_no_other_language_version(client, home):
    response = client.get("/en/no-such-results/")
    assert response.status_code == 404
    assert alternates(response.content.decode()) == {}


def test_the_portal_keeps_the_language_the_visitor_chose(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/portal/login/").content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<html lang="vi">' in client.get("/portal/login/").content.decode()
