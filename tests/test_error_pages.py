"""Error pages in the site's look, Vietnamese first and English below, with DEBUG off.

Each page keeps the public header and footer, says what happened in both languages (each
section marked with its ``lang``) and offers a way home; the CSRF page also leads back to the
form and to the portal's login. The server-error page needs neither the database nor a request.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import path
from django.views import defaults

from union_site.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a request the site cannot make sense of")


def fail(request):
    raise RuntimeError("something broke")


# The site's own addresses, and three that fail on purpose.
urlpatterns = [
    path("forbidden/", refuse),
    path("suspicious/", suspicious),
    path("fail/", fail),
    *site_urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def sections(html):
    """{language: text} of the page's two error sections, in the order they come."""
    found = re.findall(
        r'<section class="error-message" lang="(\w+)"[^>]*>(.*?)</section>', html, re.S
    )
    return dict(found), [language for language, _text in found]


def assert_error_page(response, status, vietnamese, english):
    assert response.status_code == status
    html = response.content.decode()
    texts, order = sections(html)
    assert order == ["vi", "en"]
    assert vietnamese in texts["vi"] and english in texts["en"]
    assert re.search(r"<h1 id=\"error-vi\">", texts["vi"])
    assert html.count("<h1") == 1
    # The public site's header and footer, and the way home in each language.
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'href="/"' in texts["vi"] and 'href="/en/"' in texts["en"]
    assert "Traceback" not in html
    return texts


def test_an_unknown_address_gets_the_sites_404_page(client, db):
    texts = assert_error_page(
        client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang", "Page not found"
    )
    assert 'href="/search/"' in texts["vi"] and 'href="/en/search/"' in texts["en"]


def test_the_404_page_under_english_addresses_still_shows_vietnamese_first(client, db):
    response = client.get("/en/no-such-page/")
    assert '<html lang="en">' in response.content.decode()
    assert_error_page(response, 404, "Không tìm thấy trang", "Page not found")


def test_a_refusal_gets_the_403_page_with_the_portal_login(client, db):
    texts = assert_error_page(
        client.get("/forbidden/"), 403, "Không có quyền truy cập", "Access denied"
    )
    assert 'href="/portal/login/"' in texts["vi"] and 'href="/portal/login/"' in texts["en"]


@pytest.mark.parametrize(
    "request_kwargs",
    [{"path": "/suspicious/"}, {"path": "/", "HTTP_HOST": "not-allowed.example"}],
    ids=["suspicious-operation", "host-not-allowed"],
)
def test_a_bad_request_gets_the_400_page(client, db, request_kwargs):
    assert_error_page(client.get(**request_kwargs), 400, "Yêu cầu không hợp lệ", "Bad request")


def test_a_server_error_gets_the_500_page(db):
    client = Client(raise_request_exception=False)
    assert_error_page(client.get("/fail/"), 500, "Đã xảy ra lỗi", "Something went wrong")


def test_the_500_page_renders_without_a_database_or_request_context():
    # No ``db`` fixture: any query here would fail the test.
    response = defaults.server_error(RequestFactory().get("/"))
    assert_error_page(response, 500, "Đã xảy ra lỗi", "Something went wrong")


def test_an_expired_form_says_so_and_leads_back(db):
    client = Client(enforce_csrf_checks=True)
    form = "http://testserver/portal/login/"
    response = client.post("/portal/login/", {"username": "a", "password": "b"}, HTTP_REFERER=form)
    texts = assert_error_page(response, 403, "Biểu mẫu đã hết hạn", "The form has expired")
    assert f'href="{form}"' in texts["vi"] and f'href="{form}"' in texts["en"]
    assert 'href="/portal/login/"' in texts["en"]
    assert "CSRF" not in response.content.decode()


def test_an_expired_form_never_links_back_to_another_site(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/portal/login/", {}, HTTP_REFERER="https://evil.example/form")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
