"""Every absolute link people are sent, and the sitemap, use the configured SITE_URL.

The Wagtail site record follows it too (Wagtail's own "view live" links), whatever address a
request came in at.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.models import Site

from cms.models import ensure_home_page
from workplace import periods
from workplace.invitations import send_invitation
from workplace.models import ReportingPeriod
from workplace.reminders import send_reminders

from .conftest import day, hold_conference, sign_agreement

PUBLIC = "https://congdoan.example.vn"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site_url(settings):
    """What SITE_URL=https://congdoan.example.vn gives the settings."""
    settings.WAGTAILADMIN_BASE_URL = PUBLIC
    return PUBLIC


@pytest.fixture
def published(db, make_unit, django_capture_on_commit_callbacks):
    make_unit(as_of="2023-06-30")
    period = ReportingPeriod.objects.create(
        slug="2023-h1", name="6 tháng đầu năm 2023", start=day("2023-01-01"), end=day("2023-06-30")
    )
    with django_capture_on_commit_callbacks(execute=True):
        periods.publish(period)
    return period


def sitemap_locations(client):
    return re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").text)


def test_the_site_record_and_the_sitemap_follow_site_url(client, site_url, published):
    ensure_home_page("Dân chủ ở cơ sở")
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("congdoan.example.vn", 443)
    assert site.root_url == PUBLIC
    locations = sitemap_locations(client)
    assert f"{PUBLIC}/" in locations and f"{PUBLIC}/en/" in locations
    assert f"{PUBLIC}/ket-qua-2023-h1/" not in locations  # made before the home page existed
    with_results = ReportingPeriod.objects.get(pk=published.pk)
    periods.publish(with_results)
    assert f"{PUBLIC}/ket-qua-2023-h1/" in sitemap_locations(client)
    # Asked for at another address, the sitemap still gives the public one.
    other = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1").text
    assert "127.0.0.1" not in other and "localhost" not in other


def test_https_on_another_port_keeps_its_scheme_in_the_sitemap(client, settings, db):
    settings.WAGTAILADMIN_BASE_URL = "https://congdoan.example.vn:8443"
    ensure_home_page("Dân chủ ở cơ sở")
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("congdoan.example.vn", 8443)
    assert "https://congdoan.example.vn:8443/" in sitemap_locations(client)


def test_an_invitation_links_to_site_url(site_url, make_user, mailoutbox):
    user = make_user("moi.vao")
    send_invitation(user)
    links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert links and all(link.startswith(f"{PUBLIC}/portal/") for link in links)


def test_a_password_reset_links_to_site_url(client, site_url, make_user, mailoutbox):
    make_user("quen.mat.khau")
    client.post(reverse("portal:password_reset"), {"email": "quen.mat.khau@example.org"})
    links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert links and all(link.startswith(f"{PUBLIC}/portal/") for link in links)
    assert "testserver" not in mailoutbox[0].body


def test_reminders_link_to_site_url(settings, scope, mailoutbox):
    # A trailing slash in the address must not double the slash in links.
    settings.WAGTAILADMIN_BASE_URL = PUBLIC + "/"
    hold_conference(scope["unit_a"], "2024-03-01")
    sign_agreement(scope["unit_a"], "2023-06-01", "2024-07-31", submitted_on="2023-06-05")
    officers, reviewers = send_reminders(day("2024-05-20"))
    assert officers and reviewers
    for message in mailoutbox:
        links = re.findall(r"https?://\S+", message.body)
        assert links and all(link.startswith(f"{PUBLIC}/portal/") for link in links), links


def configured_address(site_url):
    environment = {**os.environ, "SITE_URL": site_url}
    return subprocess.run(  # noqa: S603 - fixed arguments, the project's own manage.py
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_site_url_is_read_checked_and_refused_when_it_is_not_an_address():
    result = configured_address("https://congdoan.example.vn/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == PUBLIC
    refused = configured_address("congdoan.example.vn/portal")
    assert refused.returncode != 0
    assert "SITE_URL must be the public address" in refused.stderr
