"""Backups hold everything: a restore gives back the same figures for every period, the
uploaded documents byte for byte, and retention keeps only the newest backups."""

import io
import itertools
import tarfile

import pytest
from dbbackup import settings as dbbackup_settings
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.urls import reverse
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from workplace import backup as backups
from workplace.compliance import compute_coverage, coverage
from workplace.documents import private_storage
from workplace.models import AuditEntry, ReportingPeriod, User, WorkerConference

pytestmark = pytest.mark.django_db(transaction=True)

# Binary content, every byte value: a restore that changed one byte would show.
MINUTES = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"
PUBLIC_IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256))) * 16


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    """Backups and both folders of uploaded files in this test's own folder."""
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.BACKUP_DIR


@pytest.fixture(autouse=True)
def one_backup_a_day(monkeypatch):
    """Each backup of a test is named by its own day, so several fit in one second."""
    days = (f"2024-01-{day:02d}-020000" for day in itertools.count(1))
    monkeypatch.setattr(backups, "new_stamp", lambda: next(days))


def figures():
    """Every period's frozen and live figures, keyed by slug."""
    return {
        period.slug: {
            "status": period.status,
            "figures": coverage(period),
            "live": compute_coverage(period),
        }
        for period in ReportingPeriod.objects.order_by("slug")
    }


def row_counts():
    return {model._meta.label_lower: model._base_manager.count() for model in apps.get_models()}


def audit_trail():
    return list(AuditEntry.objects.order_by("pk").values_list("pk", "model", "object_pk", "at"))


def wreck_the_database():
    """What a restore must undo: on PostgreSQL nothing left at all, not a table nor a
    sequence; on SQLite every row gone and a stray period added since the backup."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        assert "workplace_enterprise" not in connection.introspection.table_names()
    else:
        call_command("flush", interactive=False, verbosity=0)
        ReportingPeriod.objects.create(
            slug="stray", name="Stray", start="2030-01-01", end="2030-06-30"
        )
        assert not User.objects.exists()


def ensure_wagtail_roots():
    """What Wagtail's migrations create, and the flush after a transactional test removes."""
    # The flush of a test with serialized rollback skips post_migrate: make content types and
    # permissions again, and forget the content types cached before the flush.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ContentType.objects.clear_cache()
    locale = Locale.objects.first() or Locale.objects.create(
        language_code=get_supported_content_language_variant(django_settings.LANGUAGE_CODE)
    )
    if not Page.get_root_nodes().exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Collection.get_root_nodes().exists():
        Collection.add_root(name="Root")


@pytest.fixture
def migrated_afterwards():
    yield
    # Whatever happened, leave a migrated database behind for the tests that follow, and
    # forget content type ids that the restore may have changed.
    if "workplace_enterprise" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()


@pytest.fixture
def demo(migrated_afterwards):
    ensure_wagtail_roots()
    call_command("load_demo", verbosity=0)


def backup_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_restore_gives_identical_figures_for_every_period(demo):
    before, counts, audit = figures(), row_counts(), audit_trail()
    assert any(p["status"] == ReportingPeriod.Status.PUBLISHED for p in before.values())
    assert any(p["status"] == ReportingPeriod.Status.OPEN for p in before.values())

    call_command("backup", verbosity=0)
    wreck_the_database()
    call_command("restore", interactive=False, verbosity=0)

    assert figures() == before
    assert row_counts() == counts
    assert audit_trail() == audit
    # The restored accounts keep their password hashes.
    assert all(User.objects.values_list("password", flat=True))


def upload_minutes(client, unit):
    response = client.post(
        reverse("portal:record_add", args=[unit.pk, "conferences"]),
        {
            "held_on": "2023-03-01",
            "form": "full",
            "attendees": "35",
            "minutes": SimpleUploadedFile("minutes.pdf", MINUTES, "application/pdf"),
        },
    )
    assert response.status_code == 302
    return WorkerConference.objects.get(enterprise=unit)


def download(client, conference):
    return client.get(reverse("portal:document", args=["conferences", conference.pk]))


def downloaded_bytes(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    response.close()
    return content


def test_uploaded_documents_come_back_byte_identical(
    client, scope, backup_dir, migrated_afterwards
):
    client.force_login(scope["officer_a"])
    conference = upload_minutes(client, scope["unit_a"])
    stored_name = conference.minutes.name
    assert downloaded_bytes(download(client, conference)) == MINUTES
    image_name = default_storage.save("original_images/logo.png", ContentFile(PUBLIC_IMAGE))

    call_command("backup", verbosity=0)
    (archive,) = backup_dir.glob("*.tar.gz")
    with tarfile.open(archive) as members:
        assert sorted(members.getnames()) == [
            f"media/{image_name}",
            f"private_media/{stored_name}",
        ]

    private_storage().delete(stored_name)
    default_storage.delete(image_name)
    assert download(client, conference).status_code == 404

    call_command("restore", interactive=False, verbosity=0)

    with private_storage().open(stored_name) as restored:
        assert restored.read() == MINUTES
    with default_storage.open(image_name) as restored:
        assert restored.read() == PUBLIC_IMAGE
    # The private document went back to the private folder only, never under MEDIA_ROOT.
    assert not default_storage.exists(stored_name)
    client.force_login(User.objects.get(username="officer_a"))
    response = download(client, WorkerConference.objects.get(pk=conference.pk))
    assert response["Content-Disposition"] == (
        'attachment; filename="bien-ban-hoi-nghi-2023-03-01.pdf"'
    )
    assert downloaded_bytes(response) == MINUTES


def test_clean_keeps_only_the_newest_backups(db, monkeypatch, backup_dir):
    # dbbackup reads its settings once: check that the site's setting reached it.
    assert dbbackup_settings.CLEANUP_KEEP == django_settings.DBBACKUP_CLEANUP_KEEP
    assert dbbackup_settings.CLEANUP_KEEP_MEDIA == django_settings.DBBACKUP_CLEANUP_KEEP
    keep = 2
    monkeypatch.setattr(dbbackup_settings, "CLEANUP_KEEP", keep)
    monkeypatch.setattr(dbbackup_settings, "CLEANUP_KEEP_MEDIA", keep)

    made = [backups.backup(clean=True) for _ in range(keep + 2)]

    newest = made[-keep:]
    database_files = [b.database_file for b in newest]
    expected = sorted(
        database_files
        + [f"{name}.metadata" for name in database_files]
        + [b.media_file for b in newest]
    )
    assert backup_files(backup_dir) == expected
    assert backups.find_backup() == made[-1]


def test_backup_without_clean_keeps_every_backup(db, backup_dir):
    for _ in range(3):
        call_command("backup", verbosity=0)
    assert len(list(backup_dir.glob("*.tar.gz"))) == 3


def test_restore_names_a_backup_by_its_date_or_either_file(db, backup_dir):
    first, second = backups.backup(), backups.backup()
    assert backups.find_backup() == second
    assert backups.find_backup(first.stamp) == first
    assert backups.find_backup(first.media_file) == first
    assert backups.find_backup(str(backup_dir / first.database_file)) == first


def test_backup_errors_are_plain_messages(db, backup_dir):
    with translation.override("en"):
        with pytest.raises(CommandError, match="There is no backup in"):
            call_command("restore", interactive=False)
        with pytest.raises(CommandError, match="No backup matches “yesterday”"):
            call_command("restore", "yesterday", interactive=False)
        with pytest.raises(CommandError, match="no database “archive”"):
            call_command("backup", database="archive")

        made = backups.backup()
        (backup_dir / made.media_file).unlink()
        with pytest.raises(CommandError, match="01/01/2024 02:00:00 has no archive of uploaded"):
            call_command("restore", made.stamp, interactive=False)


def test_an_archive_cannot_write_outside_the_folders_of_uploaded_files(settings):
    files = backups.UploadedFiles()
    for name in ("etc/passwd", "../private/x.pdf", "private_media/../../x.pdf"):
        with pytest.raises(SuspiciousFileOperation):
            files.save(name, ContentFile(b"x"))


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(("stream", "shown"), [(Terminal, True), (io.StringIO, False)])
def test_backup_and_restore_name_their_steps_on_a_terminal_only(db, stream, shown):
    backup_err, restore_err = stream(), stream()
    out = io.StringIO()
    call_command("backup", stdout=out, stderr=backup_err)
    call_command("restore", "--noinput", stdout=out, stderr=restore_err)
    for line, text in (
        (backup_err, "Backing up the database"),
        (backup_err, "Archiving the uploaded files"),
        (restore_err, "Restoring the database"),
        (restore_err, "Restoring the uploaded files"),
    ):
        assert (text in line.getvalue()) is shown
    assert "Backing up" not in out.getvalue()
