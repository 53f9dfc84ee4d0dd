"""Documents a record no longer holds are deleted from the private storage once committed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.conftest import hold_conference

PDF = b"%PDF-1.4\n% minutes\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def attach(conference, name):
    # As the portal's form does: the uploaded file on the field, then a save.
    conference.minutes = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    conference.save()


def with_minutes(unit):
    conference = hold_conference(unit, "2023-03-01")
    attach(conference, "bien-ban.pdf")
    return conference


def stored(conference):
    return conference.minutes.storage.exists(conference.minutes.name)


def test_a_replaced_document_is_deleted_when_the_change_commits(
    make_unit, django_capture_on_commit_callbacks
):
    conference = with_minutes(make_unit())
    old = conference.minutes.name

    with django_capture_on_commit_callbacks(execute=True):
        attach(conference, "moi.pdf")

    assert stored(conference)
    assert not conference.minutes.storage.exists(old)


def test_a_removed_document_is_deleted(make_unit, django_capture_on_commit_callbacks):
    conference = with_minutes(make_unit())
    old = conference.minutes.name

    with django_capture_on_commit_callbacks(execute=True):
        conference.minutes = None
        conference.save()

    assert not conference.minutes.storage.exists(old)


def test_a_deleted_records_document_is_deleted(make_unit, django_capture_on_commit_callbacks):
    conference = with_minutes(make_unit())
    old = conference.minutes.name

    with django_capture_on_commit_callbacks(execute=True):
        conference.delete()

    assert not conference.minutes.storage.exists(old)


def test_nothing_is_deleted_when_the_change_is_rolled_back(make_unit):
    conference = with_minutes(make_unit())
    old = conference.minutes.name

    with pytest.raises(RuntimeError), transaction.atomic():
        conference.minutes = None
        conference.save()
        raise RuntimeError("the save fails later in the same transaction")

    assert conference.minutes.storage.exists(old)


def test_saving_other_fields_keeps_the_document(make_unit, django_capture_on_commit_callbacks):
    conference = with_minutes(make_unit())

    with django_capture_on_commit_callbacks(execute=True):
        conference.attendees = 40
        conference.save()

    assert stored(conference)
