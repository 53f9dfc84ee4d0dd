"""Vietnamese at /…, English at /en/…, each page pointing at the other with hreflang."""

import re

from django.conf import settings

from .conftest import paragraph


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_english_pages_are_in_english(client, home, h1_2023, make_results_page):
    page = make_results_page(h1_2023)
    for url in ("/en/", "/en" + page.url):
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html
        assert "Skip to main content" in html
        assert "95/104 (91.3%)" in html
    assert "Workplace democracy" in client.get("/en/").content.decode()
    assert "An introduction in English." in client.get("/en/").content.decode()


def test_vietnamese_is_the_default_language(client, home, h1_2023):
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "Lời giới thiệu bằng tiếng Việt." in html
    assert "An introduction in English." not in html


def test_pages_link_to_each_other_with_hreflang(client, home, h1_2023, make_results_page):
    path = make_results_page(h1_2023).url
    vietnamese = alternates(client.get(path).content.decode())
    english = alternates(client.get("/en" + path).content.decode())
    expected = {
        "vi": f"http://testserver{path}",
        "en": f"http://testserver/en{path}",
        "x-default": f"http://testserver{path}",
    }
    assert vietnamese == expected
    assert english == expected


def test_the_header_links_to_the_other_language(client, home):
    vietnamese = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert re.search(r'<a href="http://testserver/en/" hreflang="en" lang="en"', vietnamese)
    assert re.search(r'<a href="http://testserver/" hreflang="vi" lang="vi"', english)


def test_an_empty_english_twin_falls_back_to_vietnamese(client, make_article):
    article = make_article(
        "chi-tieng-viet", title="Chỉ có tiếng Việt", body=[paragraph("Nội dung tiếng Việt.")]
    )
    html = client.get("/en" + article.url).content.decode()
    assert '<html lang="en">' in html
    assert "Chỉ có tiếng Việt" in html and "Nội dung tiếng Việt." in html


def test_english_body_replaces_the_vietnamese_one(client, make_article):
    article = make_article(
        "hai-thu-tieng",
        title_en="In two languages",
        body=[paragraph("Nội dung tiếng Việt.")],
        body_en=[paragraph("English content.")],
    )
    path = article.url
    english = client.get("/en" + path).content.decode()
    assert "In two languages" in english and "English content." in english
    assert "Nội dung tiếng Việt." not in english
    assert "English content." not in client.get(path).content.decode()


def test_the_portal_keeps_the_language_the_visitor_chose(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/portal/login/").content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<html lang="vi">' in client.get("/portal/login/").content.decode()
