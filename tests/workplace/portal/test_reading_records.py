"""What a person reads about a unit's records: which ones are locked and why, and a history of
changes that shows only what people entered, written as people write it."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import day, hold_conference, hold_dialogue
from workplace import audit, periods
from workplace.models import AuditEntry, Enterprise, ReportingPeriod


@pytest.fixture
def reader(client, scope):
    """officer_a, reading the portal in ``language`` through the switch's cookie."""

    def login(language="en", user=None):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        client.force_login(user or scope["officer_a"])
        return client

    return login


def page(client, name, *args):
    response = client.get(reverse(f"portal:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def edit_url(kind, record):
    return reverse("portal:record_edit", args=[kind, record.pk])


# --- locked records ------------------------------------------------------------------------------


def test_the_unit_page_says_why_a_locked_record_cannot_be_edited(reader, scope, period):
    unit = scope["unit_a"]
    locked = hold_conference(unit, "2023-03-01")
    open_ = hold_conference(unit, "2023-08-01")
    periods.publish(period)

    html = page(reader("vi"), "unit", unit.pk)

    assert "Đã khóa: thuộc kỳ báo cáo “6 tháng đầu năm 2023” đã công bố." in html
    assert edit_url("conferences", locked) not in html
    assert edit_url("conferences", open_) in html


def test_the_history_page_of_a_locked_record_offers_no_edit(reader, scope, period):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    periods.lock(period)
    client = reader("en")

    html = page(client, "record_history", "conferences", conference.pk)
    form = page(client, "record_edit", "conferences", conference.pk)

    notice = "Locked: it belongs to the reporting period “6 tháng đầu năm 2023”, which is locked."
    assert notice in html
    assert edit_url("conferences", conference) not in html
    assert notice in form
    assert 'type="submit">Save' not in form


def test_an_open_record_keeps_its_edit_links(reader, scope, period):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    client = reader("en")

    assert edit_url("conferences", conference) in page(client, "unit", scope["unit_a"].pk)
    history = page(client, "record_history", "conferences", conference.pk)
    assert edit_url("conferences", conference) in history
    assert "Locked:" not in history


def test_locks_on_the_unit_page_cost_no_query_per_record(reader, scope, period):
    unit = scope["unit_a"]
    client = reader("en")
    periods.publish(period)
    url = reverse("portal:unit", args=[unit.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    periods.unlock(period, "Bổ sung số liệu")
    hold_conference(unit, "2023-02-01")
    periods.publish(period)
    few = queries()
    periods.unlock(period, "Bổ sung số liệu")
    for month in range(3, 7):
        hold_conference(unit, f"2023-{month:02d}-01")
        hold_dialogue(unit, f"2023-{month:02d}-02")
    periods.publish(period)

    assert queries() == few


# --- the history shows what people entered -----------------------------------------------------


def test_the_unit_history_hides_search_text_and_shows_labels_and_values(reader, scope):
    unit = scope["unit_a"]
    with audit.acting_as(scope["staff"], "admin"):
        unit.name = "Công ty May Hữu Lũng mới"
        unit.save()

    response = reader("vi").get(reverse("portal:unit_history", args=[unit.pk]))

    change = response.context["entries"][0]
    assert [(c["label"], c["after"]) for c in change["changes"]] == [
        ("Tên", "Công ty May Hữu Lũng mới")
    ]
    stored = AuditEntry.objects.filter(enterprise=unit, action="change").get()
    assert "search_text" in stored.changes  # kept in the log, not shown to people
    html = response.content.decode()
    assert "search_text" not in html and "cong ty may" not in html


def test_a_units_creation_shows_only_fields_people_entered(reader, scope, province):
    with audit.acting_as(scope["officer_a"], "portal"):
        unit = Enterprise.objects.create(
            tax_code="4900999991",
            name="Công ty Mới",
            sector="fdi",
            area=province["district"],
            union_body=province["body"],
            union_established_on=day("2020-02-29"),
            registered_by=scope["officer_a"],
        )
    scope["officer_a"].units.add(unit)

    response = reader("vi").get(reverse("portal:unit_history", args=[unit.pk]))

    (created,) = response.context["entries"]
    shown = {c["label"]: c["after"] for c in created["changes"]}
    assert shown["Ngày thành lập công đoàn"] == "29/02/2020"
    assert shown["Loại hình"] == "Doanh nghiệp có vốn đầu tư nước ngoài"
    assert shown["Tình trạng đăng ký"] == "Chờ xác minh"
    assert "search_text" in created["entry"].changes  # kept in the log, not shown
    assert set(shown) == {
        "Mã số thuế",
        "Tên",
        "Loại hình",
        "Địa bàn",
        "Công đoàn cấp trên",
        "Ngày thành lập công đoàn",
        "Ngày giải thể",
        "Tình trạng đăng ký",
        "Lý do từ chối",
    }


def test_booleans_read_yes_or_no_in_vietnamese(reader, scope):
    unit = scope["unit_a"]
    declaration = unit.headcounts.get()
    with audit.acting_as(scope["officer_a"], "portal"):
        declaration.operating = False
        declaration.save()

    response = reader("vi").get(
        reverse("portal:record_history", args=["headcounts", declaration.pk])
    )

    change = response.context["entries"][0]
    assert [(c["before"], c["after"]) for c in change["changes"]] == [("Có", "Không")]


def test_times_in_the_history_read_dd_mm_yyyy_hh_mm(reader, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    entry = AuditEntry.objects.get(model="workplace.workerconference", object_pk=conference.pk)

    html = page(reader("en"), "record_history", "conferences", conference.pk)

    assert timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M") in html
    assert "01/03/2023" in html


def test_frozen_period_refusals_write_dates_for_people(scope, period):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    ReportingPeriod.objects.filter(pk=period.pk).update(status="locked")
    conference.held_on = conference.held_on.replace(day=2)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        conference.full_clean()

    assert "Records dated 01/03/2023 belong" in refused.value.message_dict["held_on"][0]
