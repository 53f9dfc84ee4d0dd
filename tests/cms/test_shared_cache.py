"""The public cache without Redis: shared by every process, keyed by known parameters only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def file_cache(settings, tmp_path):
    """The site's cache as configured without REDIS_URL, in a folder of this test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    return tmp_path / "cache"


def test_without_redis_the_default_cache_is_shared_by_processes():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    backend = subprocess.run(  # noqa: S603 - this project's own settings
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "union_site.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert backend.endswith("FileBasedCache")


def test_a_clear_in_another_process_drops_this_process_pages(file_cache, client, home, h1_2023):
    assert client.get("/")["X-Public-Cache"] == "miss"
    assert client.get("/")["X-Public-Cache"] == "hit"

    subprocess.run(  # noqa: S603 - this project's own code, as `period unlock` would run it
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from cms.cache import clear_public_cache; clear_public_cache()",
        ],
        cwd=PROJECT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "union_site.settings",
            "CACHE_DIR": str(file_cache),
            "REDIS_URL": "",
        },
        check=True,
    )
    caches["default"].close()

    assert client.get("/")["X-Public-Cache"] == "miss"


def test_unknown_query_parameters_share_the_pages_copy(client, home, h1_2023):
    assert client.get("/")["X-Public-Cache"] == "miss"
    for n in range(3):
        assert client.get(f"/?utm={n}")["X-Public-Cache"] == "hit"
    assert client.get("/api/coverage/2023-h1.json?by=sector&x=1")["X-Public-Cache"] == "miss"
    assert client.get("/api/coverage/2023-h1.json?x=2&by=sector")["X-Public-Cache"] == "hit"


def test_making_a_page_private_clears_the_cache(client, home, h1_2023):
    from wagtail.models import PageViewRestriction

    assert client.get("/")["X-Public-Cache"] == "miss"
    assert client.get("/")["X-Public-Cache"] == "hit"
    PageViewRestriction.objects.create(page=home, restriction_type="password", password="x")

    response = client.get("/")
    assert response.get("X-Public-Cache") != "hit"
    assert "password" in response.content.decode().lower()
