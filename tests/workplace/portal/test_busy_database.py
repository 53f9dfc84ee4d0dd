"""A save that meets a database held by another writer says it is busy and keeps the form."""

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.urls import reverse

from workplace.models import Dialogue, Enterprise, TrackedModel


@pytest.fixture
def officer(client, scope):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(scope["officer_a"])
    return client


@pytest.fixture
def locked_database(monkeypatch):
    """Every tracked save fails as SQLite does when another writer holds the lock too long."""

    def busy(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(TrackedModel, "save", busy)


def test_adding_a_record_to_a_busy_database_keeps_what_was_typed(officer, scope, locked_database):
    unit = scope["unit_a"]
    response = officer.post(
        reverse("portal:record_add", args=[unit.pk, "dialogues"]),
        {"held_on": "2023-04-01", "kind": "on_request"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "busy" in html and "press Save again" in html
    assert 'value="2023-04-01"' in html
    assert 'value="on_request" selected' in html
    assert not Dialogue.objects.filter(enterprise=unit).exists()


def test_editing_a_unit_in_a_busy_database_keeps_what_was_typed(officer, scope, locked_database):
    unit = scope["unit_a"]
    response = officer.post(
        reverse("portal:unit_edit", args=[unit.pk]),
        {
            "name": "Tên mới đang gõ",
            "sector": unit.sector,
            "union_established_on": "2015-01-01",
            "dissolved_on": "",
            "version": unit.version,
        },
    )

    assert response.status_code == 200
    assert "Tên mới đang gõ" in response.content.decode()
    assert Enterprise.objects.get(pk=unit.pk).name == unit.name


def test_an_unreachable_database_is_still_an_outage(officer, scope, monkeypatch):
    def down(self, *args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(TrackedModel, "save", down)
    response = officer.post(
        reverse("portal:record_add", args=[scope["unit_a"].pk, "dialogues"]),
        {"held_on": "2023-04-01", "kind": "periodic"},
    )
    assert response.status_code == 503
