"""Anonymous visitors get stored copies; publishing or unlocking a period clears them."""

import pytest
from django.test import override_settings

from cms.cache import clear_public_cache
from workplace import periods
from workplace.models import ReportingPeriod

from .conftest import AREAS_2022_H1, make_snapshot


def change_snapshot_behind_the_cache(period, areas):
    # A direct update: no publish or unlock, so nothing tells the cache.
    ReportingPeriod.objects.filter(pk=period.pk).update(
        snapshot=make_snapshot(areas), name="Nửa đầu năm 2023 (đã sửa)"
    )


@pytest.mark.parametrize("url", ["/", "/en/", "/api/coverage/", "/api/coverage/2023-h1.json"])
def test_anonymous_visitors_get_a_stored_copy(client, home, h1_2023, url):
    first = client.get(url)
    assert first["X-Public-Cache"] == "miss"
    change_snapshot_behind_the_cache(h1_2023, AREAS_2022_H1)
    second = client.get(url)
    assert second["X-Public-Cache"] == "hit"
    assert second.content == first.content
    clear_public_cache()
    third = client.get(url)
    assert third["X-Public-Cache"] == "miss"
    assert third.content != first.content


def test_each_language_has_its_own_copy(client, home, h1_2023):
    assert '<html lang="vi">' in client.get("/").content.decode()
    assert '<html lang="en">' in client.get("/en/").content.decode()
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_publishing_a_period_clears_the_cache(
    client, home, h1_2023, make_period, django_capture_on_commit_callbacks
):
    assert "2024-h1" not in client.get("/").content.decode()
    period = make_period(
        "2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="locked"
    )
    assert "2024-h1" not in client.get("/").content.decode()  # still the stored copy
    with django_capture_on_commit_callbacks(execute=True):
        periods.publish(period)
    assert "/api/coverage/2024-h1.csv" in client.get("/").content.decode()


def test_unlocking_a_period_clears_the_cache(
    client, home, h1_2023, django_capture_on_commit_callbacks
):
    assert client.get("/api/coverage/2023-h1.json").status_code == 200
    assert "95/104" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        periods.unlock(h1_2023, "Sửa số liệu")
    assert client.get("/api/coverage/2023-h1.json").status_code == 404
    assert "95/104" not in client.get("/").content.decode()


def test_signed_in_users_are_not_served_or_stored(client, home, h1_2023, make_user):
    client.force_login(make_user("staff", role="federation"))
    response = client.get("/")
    assert "X-Public-Cache" not in response
    assert "private" in response["Cache-Control"]
    change_snapshot_behind_the_cache(h1_2023, AREAS_2022_H1)
    assert "95/104" not in client.get("/").content.decode()


def test_errors_are_not_stored(client, home, make_period):
    assert client.get("/api/coverage/2024-h1.json").status_code == 404
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30")
    assert client.get("/api/coverage/2024-h1.json").status_code == 200


def test_a_stored_copy_keeps_every_header_and_costs_no_query(
    client, home, h1_2023, django_assert_num_queries
):
    first = client.get("/en/")
    assert first["X-Public-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/en/")
    assert second["X-Public-Cache"] == "hit"
    for header in (
        "Content-Type",
        "Content-Language",
        "Content-Security-Policy",
        "X-Frame-Options",
    ):
        assert second[header] == first[header], header
    assert not second.cookies


def test_the_portal_is_never_stored(client, home, h1_2023):
    client.get("/portal/login/")
    assert "X-Public-Cache" not in client.get("/portal/login/")


UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "union_site.redis_cache.SharedClientRedisCache",
        # Nothing listens on port 1: every cache call fails at once.
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_pages_are_served_uncached_when_the_cache_is_unreachable(client, home, h1_2023):
    with override_settings(CACHES=UNREACHABLE_CACHE):
        for url in ("/", "/en/", "/api/coverage/2023-h1.json", "/search/?q=hội nghị"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Public-Cache" not in response


def test_a_period_is_published_even_when_the_cache_cannot_be_cleared(
    home, make_period, django_capture_on_commit_callbacks, caplog
):
    period = make_period(
        "2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="locked"
    )
    with override_settings(CACHES=UNREACHABLE_CACHE):
        with django_capture_on_commit_callbacks(execute=True):
            periods.publish(period)
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.PUBLISHED
    # Copies made before may be served until they expire: the failure is an error to see.
    failed = [r for r in caplog.records if "could not be cleared" in r.getMessage()]
    assert failed and all(record.levelname == "ERROR" for record in failed)


def test_a_repeated_parameter_cannot_store_one_answer_under_anothers_key(rf):
    from cms.cache import _key

    twice = rf.get("/api/coverage/2023-h1.json", {"by": ["area", "sector"]})
    assert _key(twice) == _key(rf.get("/api/coverage/2023-h1.json", {"by": "sector"}))
    assert _key(twice) != _key(rf.get("/api/coverage/2023-h1.json", {"by": "area"}))
