"""The public-sector regime in the portal: which records a unit keeps by its sector, the new
record kinds (officials' conference, People's Inspection Board, workplace democracy
regulation) with their rules, the agreement's grade, and the reminders they bring."""

import datetime
import html

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from tests.conftest import day, elect_board, hold_conference
from workplace.models import (
    AuditEntry,
    CollectiveAgreement,
    Enterprise,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
    WorkerConference,
)
from workplace.reminders import send_reminders

VALID = {
    "officials_conferences": {"held_on": "2023-03-01", "attendees": "42"},
    "inspection_boards": {"elected_on": "2023-03-01", "term_ends_on": "2028-02-29", "members": "5"},
    "regulations": {"issued_on": "2023-02-01", "revised_on": "2023-09-15"},
}
MODELS = {
    "officials_conferences": OfficialsConference,
    "inspection_boards": InspectionBoard,
    "regulations": Regulation,
}
WORKER_KINDS = ("conferences", "agreements", "dialogues", "regulations")


def url(name, *args):
    return reverse(f"portal:{name}", args=args)


def posted(kind, /, **changes):
    return {**VALID[kind], **changes}


@pytest.fixture
def agency(make_unit, scope):
    """A state administrative agency of officer_a's."""
    unit = make_unit(sector="state_agency")
    scope["officer_a"].units.add(unit)
    return unit


@pytest.fixture
def state_enterprise(make_unit, scope):
    unit = make_unit(sector="state")
    scope["officer_a"].units.add(unit)
    return unit


@pytest.fixture
def officer(client, scope):
    """officer_a, reading the portal in English so that assertions read the source strings."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(scope["officer_a"])
    return client


def add_links(response):
    return [kind for kind, _label in response.context["add_links"]]


def text_of(response):
    """The page's text as a person reads it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


# --- adding the new records ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sector"),
    [
        ("officials_conferences", "state_agency"),
        ("officials_conferences", "public_service"),
        ("inspection_boards", "state_agency"),
        ("inspection_boards", "state"),
        ("regulations", "non_state"),
        ("regulations", "fdi"),
    ],
)
def test_officer_adds_each_new_kind_of_record_with_an_audit_entry(
    officer, scope, make_unit, kind, sector
):
    unit = make_unit(sector=sector)
    scope["officer_a"].units.add(unit)
    model = MODELS[kind]

    form = officer.get(url("record_add", unit.pk, kind))
    response = officer.post(url("record_add", unit.pk, kind), VALID[kind])

    assert form.status_code == 200
    assert f'type="date" name="{model.date_field}"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == url("unit", unit.pk)
    record = model.objects.get(enterprise=unit)
    assert record.record_date == day(VALID[kind][model.date_field])
    entry = AuditEntry.objects.get(model=model._meta.label_lower, object_pk=str(record.pk))
    assert (entry.action, entry.actor, entry.source) == ("create", scope["officer_a"], "portal")
    assert entry.enterprise == unit


def test_officer_edits_an_inspection_board_and_reads_its_history(officer, agency):
    officer.post(url("record_add", agency.pk, "inspection_boards"), VALID["inspection_boards"])
    board = InspectionBoard.objects.get(enterprise=agency)

    response = officer.post(
        url("record_edit", "inspection_boards", board.pk),
        posted("inspection_boards", members="7", version=board.version),
    )
    history = officer.get(url("record_history", "inspection_boards", board.pk))

    assert response.status_code == 302
    board.refresh_from_db()
    assert board.members == 7
    changed, _created = history.context["entries"]
    assert [(c["before"], c["after"]) for c in changed["changes"]] == [("5", "7")]


def test_an_agreement_keeps_its_grade_and_the_workers_it_covers(officer, scope):
    data = {
        "signed_on": "2023-01-10",
        "effective_from": "2023-01-15",
        "expires_on": "2025-01-14",
        "workers_consulted": "40",
        "votes_for": "30",
        "submitted_on": "2023-01-16",
        "grade": "B",
        "graded_on": "2023-12-20",
        "workers_covered": "38",
    }

    form = officer.get(url("record_add", scope["unit_a"].pk, "agreements"))
    response = officer.post(url("record_add", scope["unit_a"].pk, "agreements"), data)
    page = officer.get(url("unit", scope["unit_a"].pk))

    assert '<option value="" selected>Not graded</option>' in form.content.decode()
    assert response.status_code == 302
    agreement = CollectiveAgreement.objects.get(enterprise=scope["unit_a"])
    assert (agreement.grade, agreement.graded_on, agreement.workers_covered) == (
        "B",
        day("2023-12-20"),
        38,
    )
    assert "graded B" in page.content.decode()


def test_an_agreement_is_saved_without_a_grade(officer, scope):
    data = {
        "signed_on": "2023-01-10",
        "effective_from": "2023-01-15",
        "expires_on": "2025-01-14",
        "workers_consulted": "40",
        "votes_for": "30",
        "grade": "",
    }

    response = officer.post(url("record_add", scope["unit_a"].pk, "agreements"), data)

    assert response.status_code == 302
    assert CollectiveAgreement.objects.get(enterprise=scope["unit_a"]).grade == ""


def test_an_agreement_grade_outside_a_to_d_is_refused(officer, scope):
    data = {
        "signed_on": "2023-01-10",
        "effective_from": "2023-01-15",
        "expires_on": "2025-01-14",
        "workers_consulted": "40",
        "votes_for": "30",
        "grade": "E",
    }

    response = officer.post(url("record_add", scope["unit_a"].pk, "agreements"), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["grade"]


# --- which records a unit keeps ---------------------------------------------------------------


def test_an_agencys_page_offers_the_public_sector_records_and_the_headcount(officer, agency):
    response = officer.get(url("unit", agency.pk))

    assert add_links(response) == ["headcounts", "officials_conferences", "inspection_boards"]
    html = response.content.decode()
    assert "Add an officials&#x27; conference" in html
    assert "Add a worker conference" not in html


def test_an_enterprises_page_offers_the_worker_records_and_a_regulation(officer, scope):
    response = officer.get(url("unit", scope["unit_a"].pk))

    assert add_links(response) == [
        "headcounts",
        "conferences",
        "agreements",
        "dialogues",
        "regulations",
    ]


def test_a_state_owned_enterprise_also_keeps_an_inspection_board(officer, state_enterprise):
    response = officer.get(url("unit", state_enterprise.pk))

    assert "inspection_boards" in add_links(response)
    assert "officials_conferences" not in add_links(response)
    assert "conferences" in add_links(response)


@pytest.mark.parametrize("kind", WORKER_KINDS)
def test_an_agencys_officer_cannot_add_a_worker_record(officer, agency, kind):
    page = officer.get(url("record_add", agency.pk, kind))
    response = officer.post(url("record_add", agency.pk, kind), {"held_on": "2023-03-01"})

    assert page.status_code == 404
    assert response.status_code == 404
    assert not WorkerConference.objects.filter(enterprise=agency).exists()


def test_an_agencys_officer_declares_the_headcount(officer, agency):
    data = {"as_of": "2023-12-31", "union_members": "30", "workers": "40", "operating": "on"}

    response = officer.post(url("record_add", agency.pk, "headcounts"), data)

    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["officials_conferences", "inspection_boards"])
def test_an_enterprises_officer_cannot_add_a_public_sector_record(officer, scope, kind):
    response = officer.post(url("record_add", scope["unit_a"].pk, kind), VALID[kind])

    assert response.status_code == 404
    assert not MODELS[kind].objects.exists()


def test_a_record_of_a_kind_the_unit_no_longer_keeps_cannot_be_edited(officer, agency):
    """A worker conference left from before the unit's sector was corrected stays as it was."""
    conference = hold_conference(agency, "2023-03-01")

    response = officer.post(
        url("record_edit", "conferences", conference.pk),
        {"held_on": "2023-03-01", "form": "full", "attendees": "9", "version": conference.version},
    )

    assert response.status_code == 404
    conference.refresh_from_db()
    assert conference.attendees is None


def test_the_unit_page_lists_only_the_records_of_its_regime(officer, agency):
    hold_conference(agency, "2023-02-01")
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-03-01"), attendees=42)

    response = officer.get(url("unit", agency.pk))

    kinds = [entry["kind"] for entry in response.context["timeline"]]
    assert "officials_conferences" in kinds
    assert "conferences" not in kinds


def test_registering_a_state_agency(officer, scope, province):
    data = {
        "tax_code": "4900999992",
        "name": "Sở Lao động - Thương binh và Xã hội",
        "sector": "state_agency",
        "area": province["commune"].pk,
        "union_body": province["body"].pk,
        "union_established_on": "2010-05-01",
    }

    response = officer.post(url("unit_register"), data)

    unit = Enterprise.objects.get(tax_code="4900999992")
    assert response.status_code == 302
    assert unit.sector == "state_agency"
    page = officer.get(url("unit", unit.pk))
    assert "officials_conferences" in add_links(page)


# --- the timeline, in both languages ----------------------------------------------------------


@pytest.fixture
def agency_records(agency):
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-03-01"), attendees=42)
    InspectionBoard.objects.create(
        enterprise=agency,
        elected_on=day("2023-03-02"),
        term_ends_on=day("2028-03-01"),
        members=5,
    )
    return agency


def test_the_timeline_names_the_new_records_in_vietnamese(client, scope, agency_records):
    client.force_login(scope["officer_a"])

    text = text_of(client.get(url("unit", agency_records.pk)))

    assert "01/03/2023 — Hội nghị cán bộ, công chức, viên chức, 42 người dự" in text
    assert "02/03/2023 — Ban thanh tra nhân dân gồm 5 thành viên, nhiệm kỳ đến 01/03/2028" in text
    assert "Thêm hội nghị cán bộ, công chức, viên chức" in text
    assert "Thêm Ban thanh tra nhân dân" in text


def test_the_timeline_names_the_new_records_in_english(officer, agency_records):
    text = text_of(officer.get(url("unit", agency_records.pk)))

    assert "01/03/2023 — Officials' conference, 42 attending" in text
    assert "02/03/2023 — People's Inspection Board of 5 members, term until 01/03/2028" in text


def test_the_timeline_names_a_regulation_and_its_revision(client, scope):
    Regulation.objects.create(
        enterprise=scope["unit_a"], issued_on=day("2022-01-10"), revised_on=day("2023-06-01")
    )
    client.force_login(scope["officer_a"])

    text = text_of(client.get(url("unit", scope["unit_a"].pk)))

    assert "10/01/2022 — Quy chế dân chủ ở cơ sở tại nơi làm việc (sửa đổi ngày 01/06/2023)" in text


def test_the_new_forms_are_in_vietnamese(client, scope, agency):
    client.force_login(scope["officer_a"])

    page = client.get(url("record_add", agency.pk, "inspection_boards")).content.decode()

    for label in ("Thêm Ban thanh tra nhân dân", "Ngày bầu", "Ngày hết nhiệm kỳ", "Số thành viên"):
        assert label in page
    assert 'min="3"' in page and 'max="9"' in page


# --- the rules, as field errors ---------------------------------------------------------------


def tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("inspection_boards", {"members": "2"}, "members"),
        ("inspection_boards", {"members": "10"}, "members"),
        ("inspection_boards", {"term_ends_on": "2023-02-28"}, "term_ends_on"),
        ("inspection_boards", {"elected_on": "2014-12-31"}, "elected_on"),  # before the union
        ("inspection_boards", {"elected_on": "tomorrow"}, "elected_on"),
        ("officials_conferences", {"held_on": "tomorrow"}, "held_on"),
        ("regulations", {"revised_on": "2023-01-31"}, "revised_on"),  # before it was issued
        ("regulations", {"revised_on": "tomorrow"}, "revised_on"),
    ],
)
def test_each_rule_of_the_new_records_is_an_error_on_its_field(
    officer, scope, agency, kind, changes, field
):
    unit = scope["unit_a"] if kind == "regulations" else agency
    data = {name: tomorrow() if value == "tomorrow" else value for name, value in changes.items()}

    response = officer.post(url("record_add", unit.pk, kind), posted(kind, **data))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not MODELS[kind].objects.exists()


def test_the_board_size_rule_says_three_to_nine(officer, agency):
    response = officer.post(
        url("record_add", agency.pk, "inspection_boards"), posted("inspection_boards", members="11")
    )

    assert response.context["form"].errors["members"] == [
        "A People's Inspection Board has 3 to 9 members."
    ]


def test_a_second_officials_conference_on_the_same_day_is_refused(officer, agency):
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-03-01"))

    response = officer.post(
        url("record_add", agency.pk, "officials_conferences"), VALID["officials_conferences"]
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["held_on"]
    assert OfficialsConference.objects.count() == 1


def test_an_officials_conference_in_a_locked_period_is_refused(officer, agency, period):
    ReportingPeriod.objects.filter(pk=period.pk).update(status="locked")

    response = officer.post(
        url("record_add", agency.pk, "officials_conferences"), VALID["officials_conferences"]
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["held_on"]
    assert not OfficialsConference.objects.exists()


# --- reminders --------------------------------------------------------------------------------

TODAY = datetime.date(2024, 5, 20)


def body_for(mailoutbox, officer):
    sent = {message.to[0]: message.body for message in mailoutbox}
    return sent.get(officer.email, "")


def test_a_board_whose_term_ends_within_90_days_is_reminded(scope, state_enterprise, mailoutbox):
    hold_conference(state_enterprise, "2024-03-01")
    elect_board(state_enterprise, "2019-08-01", "2024-08-10")

    send_reminders(TODAY)

    body = body_for(mailoutbox, scope["officer_a"])
    assert state_enterprise.tax_code in body
    assert "Nhiệm kỳ của Ban thanh tra nhân dân kết thúc ngày 10/08/2024" in body
    assert "trong vòng 90 ngày" in body


@pytest.mark.parametrize(
    "boards",
    [
        [("2019-08-01", "2024-08-19")],  # 91 days on: not yet
        [("2019-08-01", "2024-08-10"), ("2024-04-01", "2029-03-31")],  # already succeeded
    ],
)
def test_no_board_reminder_beyond_90_days_or_after_a_new_election(
    scope, state_enterprise, mailoutbox, boards
):
    hold_conference(state_enterprise, "2024-03-01")
    for elected_on, term_ends_on in boards:
        elect_board(state_enterprise, elected_on, term_ends_on)

    send_reminders(TODAY)

    assert state_enterprise.tax_code not in body_for(mailoutbox, scope["officer_a"])


def test_the_board_reminder_counts_from_the_models_constant(scope, state_enterprise, mailoutbox):
    hold_conference(state_enterprise, "2024-03-01")
    last_day = TODAY + datetime.timedelta(days=InspectionBoard.TERM_WARNING_DAYS)
    elect_board(state_enterprise, "2019-08-01", last_day.isoformat())

    send_reminders(TODAY)

    assert state_enterprise.tax_code in body_for(mailoutbox, scope["officer_a"])


def test_an_agency_without_an_officials_conference_this_year_is_reminded(scope, agency, mailoutbox):
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2023-12-01"))

    send_reminders(TODAY)

    body = body_for(mailoutbox, scope["officer_a"])
    assert agency.tax_code in body
    assert "Chưa tổ chức hội nghị cán bộ, công chức, viên chức năm 2024." in body
    reviewer_digest = body_for(mailoutbox, scope["reviewer_a"])
    assert "Chưa tổ chức hội nghị cán bộ, công chức, viên chức năm 2024." in reviewer_digest


def test_an_agency_is_never_reminded_of_a_worker_conference(scope, agency, mailoutbox):
    OfficialsConference.objects.create(enterprise=agency, held_on=day("2024-03-01"))

    send_reminders(TODAY)

    assert agency.tax_code not in body_for(mailoutbox, scope["officer_a"])


def test_an_enterprise_is_never_reminded_of_an_officials_conference(scope, mailoutbox):
    send_reminders(TODAY)

    body = body_for(mailoutbox, scope["officer_a"])
    assert "Chưa tổ chức hội nghị người lao động năm 2024." in body
    assert "hội nghị cán bộ, công chức, viên chức" not in body
