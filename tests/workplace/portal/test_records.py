"""The portal's record pages: adding and editing records, their history, their documents,
and the rule that nobody reaches a unit outside their scope by any of these URLs."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from tests.conftest import day, hold_conference, hold_dialogue, sign_agreement
from workplace import audit
from workplace.models import (
    AuditEntry,
    CollectiveAgreement,
    Dialogue,
    HeadcountDeclaration,
    ReportingPeriod,
    WorkerConference,
)
from workplace.portal import records

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))

MODELS = {
    "headcounts": HeadcountDeclaration,
    "conferences": WorkerConference,
    "agreements": CollectiveAgreement,
    "dialogues": Dialogue,
}
VALID = {
    "headcounts": {
        "as_of": "2023-05-31",
        "union_members": "30",
        "workers": "40",
        "operating": "on",
    },
    "conferences": {"held_on": "2023-03-01", "form": "full", "attendees": "35"},
    "agreements": {
        "signed_on": "2023-01-10",
        "effective_from": "2023-01-15",
        "expires_on": "2025-01-14",
        "workers_consulted": "40",
        "votes_for": "30",
        "submitted_on": "2023-01-16",
    },
    "dialogues": {"held_on": "2023-04-01", "kind": "periodic"},
}
DOCUMENT_FIELDS = {"conferences": "minutes", "agreements": "document", "dialogues": "minutes"}


def url(name, *args):
    return reverse(f"portal:{name}", args=args)


def unit_page(unit):
    return url("unit", unit.pk)


def upload(content=PDF, name="bien-ban.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def posted(kind, /, **changes):
    return {**VALID[kind], **changes}


def message_levels(response):
    return [m.level for m in get_messages(response.wsgi_request)]


@pytest.fixture
def english(client):
    """Pages in English, so assertions can read the source strings."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def officer(english, scope):
    english.force_login(scope["officer_a"])
    return english


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded documents go to a temporary private root."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


# Adding records


@pytest.mark.parametrize("kind", list(MODELS))
def test_officer_adds_each_kind_of_record_with_an_audit_entry(officer, scope, kind):
    unit = scope["unit_a"]
    model = MODELS[kind]
    response = officer.post(url("record_add", unit.pk, kind), VALID[kind])

    assert response.status_code == 302
    assert response["Location"] == unit_page(unit)
    date = day(VALID[kind][model.date_field])
    record = model.objects.get(enterprise=unit, **{model.date_field: date})
    entry = AuditEntry.objects.get(model=model._meta.label_lower, object_pk=str(record.pk))
    assert entry.action == "create"
    assert entry.actor == scope["officer_a"]
    assert entry.source == "portal"
    assert entry.enterprise == unit
    assert constants.SUCCESS in message_levels(response)


@pytest.mark.parametrize("kind", list(MODELS))
def test_add_form_uses_date_inputs_and_labelled_fields(officer, scope, kind):
    response = officer.get(url("record_add", scope["unit_a"].pk, kind))

    html = response.content.decode()
    assert response.status_code == 200
    date_field = MODELS[kind].date_field
    assert f'type="date" name="{date_field}"' in html
    assert f'<label for="id_{date_field}"' in html
    assert 'name="enterprise"' not in html
    assert 'name="version"' not in html
    if kind in DOCUMENT_FIELDS:
        assert 'enctype="multipart/form-data"' in html
        assert f'type="file" name="{DOCUMENT_FIELDS[kind]}"' in html


def test_unknown_kind_of_record_is_not_found(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")

    assert officer.get(url("record_add", scope["unit_a"].pk, "meetings")).status_code == 404
    assert officer.post(url("record_add", scope["unit_a"].pk, "meetings"), {}).status_code == 404
    for name in ("record_edit", "record_history", "document"):
        assert officer.get(url(name, "meetings", conference.pk)).status_code == 404


def test_reviewer_adds_a_record_to_a_unit_under_their_body(english, scope):
    english.force_login(scope["reviewer_a"])

    response = english.post(url("record_add", scope["unit_a"].pk, "dialogues"), VALID["dialogues"])

    assert response.status_code == 302
    entry = AuditEntry.objects.get(model="workplace.dialogue", action="create")
    assert entry.actor == scope["reviewer_a"]


def test_federation_staff_edit_a_record_of_any_unit(english, scope):
    conference = hold_conference(scope["unit_b"], "2023-03-01")
    english.force_login(scope["staff"])

    response = english.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", attendees="44", version=conference.version),
    )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.attendees == 44


def test_pending_unit_can_get_records(officer, scope, make_unit):
    pending = make_unit(registration="pending")
    scope["officer_a"].units.add(pending)

    response = officer.post(url("record_add", pending.pk, "conferences"), VALID["conferences"])

    assert response.status_code == 302
    assert WorkerConference.objects.filter(enterprise=pending).count() == 1


def test_rejected_unit_gets_no_records(officer, scope, make_unit):
    rejected = make_unit(registration="rejected")
    scope["officer_a"].units.add(rejected)
    add = url("record_add", rejected.pk, "conferences")

    page = officer.get(add)
    response = officer.post(add, VALID["conferences"])

    assert page.status_code == 403
    assert "was rejected" in page.content.decode()
    assert response.status_code == 403
    assert not WorkerConference.objects.filter(enterprise=rejected).exists()


def test_rejected_unit_keeps_its_old_records_unchanged(officer, scope, make_unit):
    unit = make_unit()
    conference = hold_conference(unit, "2023-03-01")
    unit.registration = "rejected"
    unit.save()
    scope["officer_a"].units.add(unit)

    response = officer.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", attendees="99", version=conference.version),
    )

    assert response.status_code == 403
    conference.refresh_from_db()
    assert conference.attendees is None


# The models' rules, as field errors

TOMORROW = "tomorrow"


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("agreements", {"expires_on": "2026-01-16"}, "expires_on"),  # longer than 3 years
        ("agreements", {"expires_on": "2023-12-31"}, "expires_on"),  # shorter than 1 year
        ("agreements", {"votes_for": "20"}, "votes_for"),  # 20 of 40 is not more than half
        ("agreements", {"votes_for": "41"}, "votes_for"),  # more votes than people consulted
        ("agreements", {"submitted_on": "2023-01-09"}, "submitted_on"),  # before signing
        ("agreements", {"signed_on": "2014-12-31"}, "signed_on"),  # before the union
        ("agreements", {"signed_on": TOMORROW}, "signed_on"),
        ("headcounts", {"union_members": "41"}, "union_members"),  # more members than workers
        ("headcounts", {"as_of": TOMORROW}, "as_of"),
        ("headcounts", {"as_of": "2014-12-31"}, "as_of"),
        ("conferences", {"held_on": TOMORROW}, "held_on"),
        ("conferences", {"held_on": "2014-12-31"}, "held_on"),
        ("dialogues", {"held_on": TOMORROW}, "held_on"),
        ("dialogues", {"held_on": "2014-12-31"}, "held_on"),
    ],
)
def test_each_rule_of_the_model_is_an_error_on_its_field(officer, scope, kind, changes, field):
    unit = scope["unit_a"]  # its union was established on 2015-01-01
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {name: tomorrow if value == TOMORROW else value for name, value in changes.items()}
    before = MODELS[kind].objects.count()

    response = officer.post(url("record_add", unit.pk, kind), posted(kind, **data))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or (
        f'aria-describedby="id_{field}_error"' in html
    )
    assert MODELS[kind].objects.count() == before


def test_rule_messages_explain_the_law(officer, scope):
    response = officer.post(
        url("record_add", scope["unit_a"].pk, "agreements"),
        posted("agreements", expires_on="2026-01-16", votes_for="20"),
    )

    errors = response.context["form"].errors
    assert "1 to 3 years" in errors["expires_on"][0]
    assert "more than half" in errors["votes_for"][0]


def test_a_second_conference_on_the_same_day_is_a_field_error(officer, scope):
    unit = scope["unit_a"]
    hold_conference(unit, "2023-03-01")

    response = officer.post(url("record_add", unit.pk, "conferences"), VALID["conferences"])

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["held_on"]
    assert WorkerConference.objects.filter(enterprise=unit).count() == 1


def test_a_second_headcount_on_the_same_day_is_a_field_error(officer, scope):
    unit = scope["unit_a"]  # already declared on 2023-06-30

    response = officer.post(
        url("record_add", unit.pk, "headcounts"), posted("headcounts", as_of="2023-06-30")
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["as_of"]
    assert HeadcountDeclaration.objects.filter(enterprise=unit).count() == 1


def test_dialogues_of_different_kinds_may_share_a_day_but_not_the_same_kind(officer, scope):
    unit = scope["unit_a"]
    hold_dialogue(unit, "2023-04-01", kind="event")
    add = url("record_add", unit.pk, "dialogues")

    other_kind = officer.post(add, posted("dialogues", kind="periodic"))
    same_kind = officer.post(add, posted("dialogues", kind="event"))

    assert other_kind.status_code == 302
    assert same_kind.status_code == 200
    assert list(same_kind.context["form"].errors) == ["held_on"]
    assert Dialogue.objects.filter(enterprise=unit).count() == 2


def test_the_same_date_in_another_unit_is_no_duplicate(officer, scope):
    hold_conference(scope["unit_b"], "2023-03-01")

    response = officer.post(
        url("record_add", scope["unit_a"].pk, "conferences"), VALID["conferences"]
    )

    assert response.status_code == 302


def test_moving_a_record_onto_another_records_date_is_a_field_error(officer, scope):
    unit = scope["unit_a"]
    hold_conference(unit, "2023-03-01")
    moved = hold_conference(unit, "2023-05-01")

    response = officer.post(
        url("record_edit", "conferences", moved.pk),
        posted("conferences", held_on="2023-03-01", version=moved.version),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["held_on"]
    moved.refresh_from_db()
    assert moved.held_on == day("2023-05-01")


def test_a_record_dated_in_a_locked_period_is_refused_on_its_date(officer, scope, period):
    ReportingPeriod.objects.filter(pk=period.pk).update(status="locked")

    response = officer.post(
        url("record_add", scope["unit_a"].pk, "conferences"), VALID["conferences"]
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["held_on"]
    assert not WorkerConference.objects.exists()


# Collective agreements: the 10-day submission deadline


def test_late_submission_is_saved_with_a_warning(officer, scope):
    response = officer.post(
        url("record_add", scope["unit_a"].pk, "agreements"),
        posted("agreements", submitted_on="2023-01-25"),  # 15 days after signing
    )

    assert response.status_code == 302
    agreement = CollectiveAgreement.objects.get(enterprise=scope["unit_a"])
    assert agreement.submitted_late
    warnings = [m for m in get_messages(response.wsgi_request) if m.level == constants.WARNING]
    assert len(warnings) == 1
    assert "10 days" in str(warnings[0])


def test_unsubmitted_agreement_signed_long_ago_is_saved_with_a_warning(officer, scope):
    response = officer.post(
        url("record_add", scope["unit_a"].pk, "agreements"),
        posted("agreements", submitted_on=""),
    )

    assert response.status_code == 302
    assert CollectiveAgreement.objects.get(enterprise=scope["unit_a"]).submitted_on is None
    assert constants.WARNING in message_levels(response)


def test_submission_within_ten_days_gives_no_warning(officer, scope):
    response = officer.post(
        url("record_add", scope["unit_a"].pk, "agreements"),
        posted("agreements", submitted_on="2023-01-20"),
    )

    assert response.status_code == 302
    assert constants.WARNING not in message_levels(response)


# Editing safely when two people edit at once


def test_edit_form_carries_the_records_version(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")

    response = officer.get(url("record_edit", "conferences", conference.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'type="hidden" name="version" value="{conference.version}"' in html
    assert 'value="2023-03-01"' in html


def test_second_edit_from_the_same_version_is_refused_and_keeps_what_was_typed(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    start = conference.version
    edit = url("record_edit", "conferences", conference.pk)

    first = officer.post(edit, posted("conferences", attendees="50", version=start))
    second = officer.post(
        edit, posted("conferences", form="delegate", attendees="61", version=start)
    )

    assert first.status_code == 302
    assert second.status_code == 409
    conference.refresh_from_db()
    assert (conference.form, conference.attendees) == ("full", 50)
    assert AuditEntry.objects.filter(object_pk=str(conference.pk), action="change").count() == 1
    form = second.context["form"]
    assert form["attendees"].value() == "61"
    assert form["form"].value() == "delegate"
    assert form["version"].value() == str(conference.version)
    assert "Someone else saved this record" in form.non_field_errors()[0]
    html = second.content.decode()
    assert 'value="61"' in html
    assert f'name="version" value="{conference.version}"' in html
    side_by_side = {row["label"]: row for row in second.context["stored"]}
    assert side_by_side["Attendees"]["stored"] == "50"
    assert side_by_side["Attendees"]["mine"] == "61"
    assert side_by_side["Form"]["stored"] == "All workers"
    assert side_by_side["Form"]["mine"] == "Delegates"
    assert side_by_side["Held on"]["differs"] is False


def test_saving_again_after_a_refusal_replaces_the_stored_values(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    start = conference.version
    edit = url("record_edit", "conferences", conference.pk)
    officer.post(edit, posted("conferences", attendees="50", version=start))
    refused = officer.post(edit, posted("conferences", attendees="61", version=start))

    again = officer.post(edit, {**refused.context["form"].data.dict()})

    assert again.status_code == 302
    conference.refresh_from_db()
    assert conference.attendees == 61


def test_an_edit_without_a_version_is_refused(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")

    response = officer.post(
        url("record_edit", "conferences", conference.pk), posted("conferences", attendees="50")
    )

    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    conference.refresh_from_db()
    assert conference.attendees is None


# History of changes


def test_record_history_shows_each_change_with_before_and_after(officer, scope):
    unit = scope["unit_a"]
    officer.post(url("record_add", unit.pk, "conferences"), VALID["conferences"])
    conference = WorkerConference.objects.get(enterprise=unit)
    officer.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", held_on="2023-03-02", attendees="50", version=conference.version),
    )

    response = officer.get(url("record_history", "conferences", conference.pk))

    assert response.status_code == 200
    changed, created = response.context["entries"]
    assert changed["action"] == "Changed"
    assert created["action"] == "Created"
    assert changed["who"] == "officer_a"
    assert changed["source"] == "portal"
    assert {(c["label"], c["before"], c["after"]) for c in changed["changes"]} == {
        ("Held on", "01/03/2023", "02/03/2023"),
        ("Attendees", "35", "50"),
    }
    html = response.content.decode()
    for text in ("Attendees", "35", "50", "01/03/2023", "02/03/2023", "officer_a"):
        assert text in html


def test_record_history_names_imports_and_choices_in_words(officer, scope):
    with audit.acting_as(None, "import"):
        dialogue = hold_dialogue(scope["unit_a"], "2023-04-01", kind="on_request")

    response = officer.get(url("record_history", "dialogues", dialogue.pk))

    (created,) = response.context["entries"]
    assert created["source"] == "file import"
    assert created["who"] == "the system"
    assert ("Kind", "—", "At one party's request") in {
        (c["label"], c["before"], c["after"]) for c in created["changes"]
    }


def test_history_shows_empty_values_as_a_dash_and_the_unit_by_name(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")  # no attendees given
    officer.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", attendees="50", version=conference.version),
    )

    response = officer.get(url("record_history", "conferences", conference.pk))

    changed, created = response.context["entries"]
    assert [(c["label"], c["before"], c["after"]) for c in changed["changes"]] == [
        ("Attendees", "—", "50")
    ]
    created_rows = {c["label"]: c["after"] for c in created["changes"]}
    assert created_rows["Enterprise"] == str(scope["unit_a"])
    assert created_rows["Attendees"] == "—"
    assert "None" not in response.content.decode()


def test_unit_history_lists_the_units_changes_newest_first_and_no_others(officer, scope):
    unit = scope["unit_a"]
    hold_conference(scope["unit_b"], "2023-03-01")
    conference = hold_conference(unit, "2023-03-01")
    officer.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", attendees="50", version=conference.version),
    )

    response = officer.get(url("unit_history", unit.pk))

    assert response.status_code == 200
    entries = [item["entry"] for item in response.context["entries"]]
    assert entries
    assert {entry.enterprise_id for entry in entries} == {unit.pk}
    assert [entry.pk for entry in entries] == sorted((entry.pk for entry in entries), reverse=True)
    assert entries[0].action == "change"
    assert set(AuditEntry.objects.filter(enterprise=unit)) == set(entries)


# Scope: every URL of records.py, for someone outside the unit's scope


def foreign_urls(unit, private_media):
    """Each URL of records.py, aimed at ``unit`` and its records, with data to post."""
    targets = {
        "headcounts": unit.headcounts.get(),
        "conferences": WorkerConference.objects.create(
            enterprise=unit, held_on=day("2023-03-01"), form="full", minutes=upload()
        ),
        "agreements": CollectiveAgreement.objects.create(
            enterprise=unit,
            signed_on=day("2023-01-10"),
            effective_from=day("2023-01-15"),
            expires_on=day("2025-01-14"),
            votes_for=30,
            workers_consulted=40,
            document=upload(),
        ),
        "dialogues": Dialogue.objects.create(
            enterprise=unit, held_on=day("2023-04-01"), kind="periodic", minutes=upload()
        ),
    }
    cases = [("unit_history", url("unit_history", unit.pk), {})]
    for kind, record in targets.items():
        edited = posted(kind, version=record.version)
        edited[MODELS[kind].date_field] = "2023-02-02"
        cases += [
            ("record_add", url("record_add", unit.pk, kind), posted(kind)),
            ("record_edit", url("record_edit", kind, record.pk), edited),
            ("record_history", url("record_history", kind, record.pk), {}),
            ("document", url("document", kind, record.pk), {}),
        ]
    return targets, cases


def snapshot(targets):
    return {
        "audit": AuditEntry.objects.count(),
        "counts": {kind: MODELS[kind].objects.count() for kind in MODELS},
        "records": {
            kind: audit.audited_values(type(r).objects.get(pk=r.pk)) for kind, r in targets.items()
        },
    }


@pytest.mark.parametrize("who", ["officer_a", "reviewer_a"])
def test_every_records_url_is_not_found_outside_the_users_scope(client, scope, private_media, who):
    targets, cases = foreign_urls(scope["unit_b"], private_media)
    assert {name for name, _, _ in cases} == {p.name for p in records.urlpatterns}
    before = snapshot(targets)
    client.force_login(scope[who])

    for _name, address, data in cases:
        assert client.get(address).status_code == 404, address
        assert client.post(address, data).status_code == 404, address

    assert snapshot(targets) == before


def test_anonymous_visitors_are_sent_to_the_login_page(client, scope, private_media):
    targets, cases = foreign_urls(scope["unit_a"], private_media)
    before = snapshot(targets)
    login = resolve_url(django_settings.LOGIN_URL)

    for _name, address, data in cases:
        for response in (client.get(address), client.post(address, data)):
            assert response.status_code == 302, address
            assert response["Location"].startswith(f"{login}?next="), address

    assert snapshot(targets) == before


def test_a_posted_enterprise_is_ignored_on_add(officer, scope):
    unit_a, unit_b = scope["unit_a"], scope["unit_b"]

    response = officer.post(
        url("record_add", unit_a.pk, "conferences"),
        posted("conferences", enterprise=unit_b.pk),
    )

    assert response.status_code == 302
    assert WorkerConference.objects.get().enterprise == unit_a
    assert not WorkerConference.objects.filter(enterprise=unit_b).exists()


def test_a_posted_enterprise_is_ignored_on_edit(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")

    response = officer.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", enterprise=scope["unit_b"].pk, version=conference.version),
    )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.enterprise == scope["unit_a"]


# Documents


def test_minutes_download_as_an_attachment_with_the_exact_bytes(officer, scope, private_media):
    unit = scope["unit_a"]
    officer.post(
        url("record_add", unit.pk, "conferences"),
        posted("conferences", minutes=upload(PDF, "scan of minutes.pdf")),
    )
    conference = WorkerConference.objects.get(enterprise=unit)

    response = officer.get(url("document", "conferences", conference.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="bien-ban-hoi-nghi-2023-03-01.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_agreement_text_downloads_with_its_own_type_and_name(english, scope, private_media):
    english.force_login(scope["reviewer_a"])
    english.post(
        url("record_add", scope["unit_a"].pk, "agreements"),
        posted("agreements", document=upload(PNG, "photo.png")),
    )
    agreement = CollectiveAgreement.objects.get()

    response = english.get(url("document", "agreements", agreement.pk))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        'attachment; filename="thoa-uoc-lao-dong-tap-the-2023-01-10.png"'
    )
    assert b"".join(response.streaming_content) == PNG
    response.close()


def test_documents_are_stored_privately_under_a_generated_name(officer, scope, private_media):
    officer.post(
        url("record_add", scope["unit_a"].pk, "dialogues"),
        posted("dialogues", minutes=upload(PDF, "bien-ban-doi-thoai-cong-ty.pdf")),
    )

    (path,) = stored_files(private_media)
    assert path.read_bytes() == PDF
    assert "cong-ty" not in path.name
    assert path.suffix == ".pdf"


def test_document_is_not_found_outside_scope(english, scope, private_media):
    conference = WorkerConference.objects.create(
        enterprise=scope["unit_a"], held_on=day("2023-03-01"), form="full", minutes=upload()
    )
    english.force_login(scope["officer_b"])

    assert english.get(url("document", "conferences", conference.pk)).status_code == 404


def test_document_is_not_found_when_none_is_attached(officer, scope):
    conference = hold_conference(scope["unit_a"], "2023-03-01")
    headcount = scope["unit_a"].headcounts.get()

    assert officer.get(url("document", "conferences", conference.pk)).status_code == 404
    assert officer.get(url("document", "headcounts", headcount.pk)).status_code == 404


def test_text_named_pdf_is_refused_on_the_field(officer, scope, private_media):
    response = officer.post(
        url("record_add", scope["unit_a"].pk, "conferences"),
        posted("conferences", minutes=upload(b"just some plain text, not a PDF", "minutes.pdf")),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["minutes"]
    assert "PDF, DOCX, JPEG or PNG" in response.context["form"].errors["minutes"][0]
    assert "choose it again" in response.content.decode()
    assert not WorkerConference.objects.exists()
    assert stored_files(private_media) == []


def test_file_over_ten_megabytes_is_refused_on_the_field(officer, scope, private_media):
    too_big = PDF + b"\0" * (11 * 1024 * 1024)

    response = officer.post(
        url("record_add", scope["unit_a"].pk, "agreements"),
        posted("agreements", document=upload(too_big, "agreement.pdf")),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["document"]
    assert "10 MB" in response.context["form"].errors["document"][0]
    assert not CollectiveAgreement.objects.exists()
    assert stored_files(private_media) == []


def test_edit_form_never_links_to_the_stored_file(officer, scope, private_media):
    conference = WorkerConference.objects.create(
        enterprise=scope["unit_a"], held_on=day("2023-03-01"), form="full", minutes=upload()
    )

    html = officer.get(url("record_edit", "conferences", conference.pk)).content.decode()

    assert conference.minutes.name not in html
    assert url("document", "conferences", conference.pk) in html


def test_attached_minutes_can_be_removed(officer, scope, private_media):
    conference = WorkerConference.objects.create(
        enterprise=scope["unit_a"], held_on=day("2023-03-01"), form="full", minutes=upload()
    )

    response = officer.post(
        url("record_edit", "conferences", conference.pk),
        posted("conferences", version=conference.version, **{"minutes-clear": "on"}),
    )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert not conference.minutes


def test_an_agreement_can_be_edited_without_uploading_its_text_again(officer, scope, private_media):
    agreement = sign_agreement(scope["unit_a"], "2023-01-15", "2025-01-14", signed_on="2023-01-10")
    agreement.document = upload()
    agreement.save()

    response = officer.post(
        url("record_edit", "agreements", agreement.pk),
        posted("agreements", votes_for="35", version=agreement.version),
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.votes_for == 35
    assert agreement.document.read() == PDF
    agreement.document.close()
