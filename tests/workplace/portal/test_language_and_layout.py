"""The portal speaks Vietnamese unless the person chooses English, and its lists fold into
cards on a phone (every cell labelled, so a stacked row still says what each value is)."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_agreement

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


@pytest.mark.parametrize("path", ["/portal/login/", "/admin/login/"])
def test_an_english_browser_still_gets_vietnamese(client, db, path):
    response = client.get(path, **ENGLISH_BROWSER)

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi"' in response.content.decode()


@pytest.mark.parametrize("path", ["/portal/login/", "/admin/login/"])
def test_the_language_switch_chooses_english(client, db, path):
    client.post(reverse("set_language"), {"language": "en", "next": path})

    response = client.get(path)

    assert response["Content-Language"] == "en"


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/portal/login/", **ENGLISH_BROWSER)

    assert response["Content-Language"] == "vi"


def test_a_signed_in_officer_reads_the_portal_in_vietnamese(client, scope):
    client.force_login(scope["officer_a"])

    html = client.get(reverse("portal:home"), **ENGLISH_BROWSER).content.decode()

    assert "Đơn vị của tôi" in html


# --- phone layout: stacked rows ----------------------------------------------------------------


def cells_without_label(html):
    """The data cells of stacked tables that would lose their column name on a phone."""
    missing = []
    for table in re.findall(r'<table class="stack">.*?</table>', html, flags=re.S):
        body = re.sub(r"<thead>.*?</thead>", "", table, flags=re.S)
        for cell in re.findall(r"<td\b[^>]*>", body):
            if "data-label=" not in cell and "colspan=" not in cell:
                missing.append(cell)
    return missing


@pytest.mark.parametrize(
    "name",
    [
        "portal:review",
        "portal:review_units",
        "portal:review_pending",
        "portal:review_expiring",
        "portal:review_late",
        "portal:home",
    ],
)
def test_every_list_stacks_on_a_phone_with_labelled_cells(client, scope, period, make_unit, name):
    unit = make_unit(members=8)
    make_unit(registration="pending")
    # Expiring within 90 days, and never submitted to the labour authority: late too.
    signed = timezone.localdate() - datetime.timedelta(days=400)
    expires = timezone.localdate() + datetime.timedelta(days=30)
    sign_agreement(unit, signed.isoformat(), expires.isoformat())
    client.force_login(scope["staff"])

    html = client.get(reverse(name)).content.decode()

    assert '<table class="stack">' in html
    assert re.search(r"<td\b[^>]*data-label=", html)
    assert cells_without_label(html) == []


def test_the_stylesheet_stacks_tables_on_narrow_screens():
    css = (settings.BASE_DIR / "workplace/static/portal/portal.css").read_text()

    narrow = css[css.index("@media (max-width: 40rem)") :]
    assert "table.stack td[data-label]::before" in narrow
    assert "content: attr(data-label)" in narrow
