"""A record's History screen in the admin: the audit log's entries beside Wagtail's own, with
who, when, through which channel and what changed, for this one object only."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.log_actions import log

from workplace import audit
from workplace.models import AuditEntry, Enterprise, WorkerConference
from workplace.spreadsheets import export_cells

from ...conftest import hold_conference

DATE_AND_TIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_vietnamese():
    with translation.override("vi"):
        yield
    translation.deactivate()


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


def history(client, unit, **params):
    return client.get(reverse("enterprises:history", args=[unit.pk]), params)


def rows_of(response):
    return list(response.context["table"].data)


def edit_in_the_portal(client, officer, unit, name):
    client.force_login(officer)
    unit.refresh_from_db()
    response = client.post(
        reverse("portal:unit_edit", args=[unit.pk]),
        {
            "name": name,
            "sector": unit.sector,
            "union_established_on": unit.union_established_on.isoformat(),
            "dissolved_on": "",
            "version": unit.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]


def rename_by_import(client, staff, unit, name):
    header, *rows = export_cells("enterprises")
    row = next(row for row in rows if row[header.index("tax_code")] == unit.tax_code)
    row[header.index("name")] = name
    text = io.StringIO()
    csv.writer(text).writerows([header, [cell if cell is not None else "" for cell in row]])
    client.force_login(staff)
    upload = SimpleUploadedFile("doanh-nghiep.csv", text.getvalue().encode("utf-8"))
    response = client.post(reverse("imports"), {"kind": "enterprises", "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]


def confirm_last_import(client):
    from workplace.models import ImportLog

    log = ImportLog.objects.latest("pk")
    client.post(reverse("import_confirm", args=[log.pk]))
    log.refresh_from_db()
    assert log.status == "imported", log.status


def test_history_shows_a_portal_edit_and_an_import_with_channel_and_change(client, scope):
    unit = scope["unit_a"]
    old_name = unit.name
    edit_in_the_portal(client, scope["officer_a"], unit, "Công ty Chè Hữu Lũng")
    rename_by_import(client, scope["staff"], unit, "Công ty Chè Bắc Sơn")
    confirm_last_import(client)

    response = history(client, unit)

    assert response.status_code == 200
    rows = rows_of(response)
    by_channel = {row.channel: row for row in rows}
    portal = by_channel[str(audit.SOURCE_LABELS["portal"])]
    imported = by_channel[str(audit.SOURCE_LABELS["import"])]
    assert f"{old_name} → Công ty Chè Hữu Lũng" in portal.changes
    assert "Công ty Chè Hữu Lũng → Công ty Chè Bắc Sơn" in imported.changes
    assert str(scope["officer_a"]) == portal.who
    assert str(scope["staff"]) == imported.who
    assert DATE_AND_TIME.fullmatch(portal.when), portal.when
    # Newest first: the import came after the portal's edit.
    assert rows.index(imported) < rows.index(portal)
    page = response.content.decode()
    assert str(audit.SOURCE_LABELS["import"]) in page
    assert "Công ty Chè Bắc Sơn" in page


def test_an_admin_edit_shows_once_with_its_changes(staff_client, scope):
    unit = scope["unit_a"]
    with audit.acting_as(scope["staff"], "admin"):
        unit.name = "Công ty đổi tên trong quản trị"
        unit.save()

    rows = rows_of(history(staff_client, unit))

    admin = [row for row in rows if row.channel == str(audit.SOURCE_LABELS["admin"])]
    assert len(admin) == 1
    assert "→ Công ty đổi tên trong quản trị" in admin[0].changes


def test_history_never_shows_another_objects_entries(staff_client, scope):
    unit, other = scope["unit_a"], scope["unit_b"]
    other.name = "Đơn vị khác đổi tên"
    other.save()
    # An entry of another kind of record that has the unit's own id.
    namesake = WorkerConference(pk=unit.pk, enterprise=unit)
    audit.record("change", namesake, {"attendees": ["10", "Đơn vị khác"]}, enterprise=unit)

    rows = rows_of(history(staff_client, unit))

    assert rows
    assert not any("Đơn vị khác" in row.changes for row in rows)
    expected = AuditEntry.objects.filter(model="workplace.enterprise", object_pk=str(unit.pk))
    assert len(rows) == expected.count()


def test_wagtails_own_entries_show_beside_the_audit_log(staff_client, province, scope):
    area = province["other"]
    log(area, "wagtail.edit", user=scope["staff"])

    rows = rows_of(staff_client.get(reverse("areas:history", args=[area.pk])))

    assert [row.who for row in rows] == [str(scope["staff"])]
    assert rows[0].channel == str(audit.SOURCE_LABELS["admin"])
    assert DATE_AND_TIME.fullmatch(rows[0].when)


def test_a_records_history_shows_its_audit_entries(staff_client, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    conference.attendees = 77
    conference.save()

    response = staff_client.get(reverse("conferences:history", args=[conference.pk]))

    assert response.status_code == 200
    rows = rows_of(response)
    assert len(rows) == 2  # created, then changed
    assert "→ 77" in rows[0].changes


def test_history_is_paginated_with_the_same_queries_for_few_and_many(staff_client, scope):
    unit = Enterprise.objects.get(pk=scope["unit_a"].pk)

    def rename(times):
        for _ in range(times):
            unit.name = f"Công ty đổi tên lần {unit.version}"
            unit.save()

    def counted(**params):
        with CaptureQueriesContext(connection) as captured:
            response = history(staff_client, unit, **params)
        assert response.status_code == 200
        return len(captured), rows_of(response)

    rename(2)
    history(staff_client, unit)
    few, rows = counted()
    assert len(rows) == 3
    rename(40)
    many, rows = counted()
    second, second_rows = counted(p=2)
    assert len(rows) == 20 and len(second_rows) == 20
    assert many <= few and second <= few


@pytest.mark.parametrize("account", ["officer_a", "reviewer_a"])
def test_only_federation_staff_read_a_history(client, scope, account):
    client.force_login(scope[account])
    assert history(client, scope["unit_a"]).status_code in (302, 403)
