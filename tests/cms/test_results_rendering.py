"""A published period's figures are rendered once per language and comparison: the results
page served again, past the public cache, builds none of them, and shows the same."""

import pytest

from cms import figures
from workplace import periods
from workplace.models import ReportingPeriod

from .conftest import day


@pytest.fixture
def builds(monkeypatch):
    """How many times the results page's figures were built from a snapshot."""
    built = []
    original = figures._results_context

    def counting(period):
        built.append(period.slug)
        return original(period)

    monkeypatch.setattr(figures, "_results_context", counting)
    return built


@pytest.fixture
def uncached(settings):
    settings.PUBLIC_CACHE_SECONDS = 0


@pytest.fixture
def published(db, make_unit, django_capture_on_commit_callbacks):
    make_unit(members=30, as_of="2024-06-30")
    period = ReportingPeriod.objects.create(
        slug="2024-h1", name="6 tháng đầu năm 2024", start=day("2024-01-01"), end=day("2024-06-30")
    )
    with django_capture_on_commit_callbacks(execute=True):
        periods.publish(period)
    return period


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_figures_are_rendered_once_per_language(client, home, published, builds, uncached):
    first = page(client, "/ket-qua-2024-h1/")
    again = page(client, "/ket-qua-2024-h1/")
    assert builds == ["2024-h1"]
    assert first == again
    assert 'id="area-table"' in again and "Kết quả theo địa bàn" in again
    english = page(client, "/en/results-2024-h1/")
    assert "Results by area" in english
    assert builds == ["2024-h1", "2024-h1"]


def test_publishing_again_renders_them_anew_and_unpublishing_shows_none(
    client, home, published, builds, uncached, django_capture_on_commit_callbacks
):
    page(client, "/ket-qua-2024-h1/")
    with django_capture_on_commit_callbacks(execute=True):
        periods.unlock(published, "Sửa số liệu")
    assert figures.rendered_results(published.pk) is None
    with django_capture_on_commit_callbacks(execute=True):
        periods.publish(published)
    page(client, "/ket-qua-2024-h1/")
    assert builds == ["2024-h1", "2024-h1"]


def test_a_comparison_published_later_renders_them_anew(
    client, home, published, builds, uncached, make_unit, django_capture_on_commit_callbacks
):
    page(client, "/ket-qua-2024-h1/")
    earlier = ReportingPeriod.objects.create(
        slug="2023-h1", name="6 tháng đầu năm 2023", start=day("2023-01-01"), end=day("2023-06-30")
    )
    with django_capture_on_commit_callbacks(execute=True):
        periods.publish(earlier)
    page(client, "/ket-qua-2024-h1/")
    assert builds == ["2024-h1", "2024-h1"]
