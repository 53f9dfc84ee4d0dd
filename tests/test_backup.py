"""A backup restored into an empty database gives the same figures for every period."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from workplace.backup import EXCLUDED_FROM_JSON, file_format
from workplace.compliance import compute_coverage, coverage
from workplace.models import AuditEntry, ReportingPeriod, User

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump backups need DATABASE_URL on PostgreSQL"
)


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


def _excluded(model):
    return model._meta.app_label in EXCLUDED_FROM_JSON or model._meta.label_lower in {
        label.lower() for label in EXCLUDED_FROM_JSON
    }


def row_counts():
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if not _excluded(model)
    }


def empty_the_database(kind):
    if kind == "pg_dump":
        # Nothing left at all: not a table, not a sequence.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        assert "workplace_enterprise" not in connection.introspection.table_names()
    else:
        call_command("flush", interactive=False, verbosity=0)
        assert not ReportingPeriod.objects.exists()
        assert not User.objects.exists()


def ensure_wagtail_roots():
    """What Wagtail's migrations create, and the flush after a transactional test removes."""
    # The flush of a test with serialized rollback skips post_migrate: make content types and
    # permissions again, and forget the content types cached before the flush.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ContentType.objects.clear_cache()
    locale = Locale.objects.first() or Locale.objects.create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Page.get_root_nodes().exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if not Collection.get_root_nodes().exists():
        Collection.add_root(name="Root")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    ensure_wagtail_roots()
    call_command("load_demo", verbosity=0)
    yield
    # Whatever happened, leave a migrated database behind for the tests that follow, and
    # forget content type ids that the restore may have changed.
    if "workplace_enterprise" not in connection.introspection.table_names():
        call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()


@pytest.mark.parametrize("kind", [pytest.param("pg_dump", marks=on_postgresql), "json"])
def test_restore_into_an_empty_database_gives_identical_figures(demo, tmp_path, kind):
    before = figures()
    counts = row_counts()
    audit = list(AuditEntry.objects.order_by("pk").values_list("pk", "model", "object_pk", "at"))
    assert any(p["status"] == ReportingPeriod.Status.PUBLISHED for p in before.values())
    assert any(p["status"] == ReportingPeriod.Status.OPEN for p in before.values())

    path = tmp_path / ("site.dump" if kind == "pg_dump" else "site.json")
    call_command("backup", str(path), format=kind, verbosity=0)
    assert file_format(path) == kind

    empty_the_database(kind)
    call_command("restore", str(path), verbosity=0)

    assert figures() == before
    assert row_counts() == counts
    after = list(AuditEntry.objects.order_by("pk").values_list("pk", "model", "object_pk", "at"))
    assert after == audit
    # The restored accounts still sign in with their passwords.
    assert User.objects.get(username=User.objects.order_by("pk").first().username).password


def test_json_restore_refuses_a_database_that_holds_data(demo, tmp_path):
    path = tmp_path / "site.json"
    call_command("backup", str(path), format="json", verbosity=0)
    periods = ReportingPeriod.objects.count()
    with pytest.raises(CommandError, match="already holds records|đã có dữ liệu"):
        call_command("restore", str(path), verbosity=0)
    assert ReportingPeriod.objects.count() == periods


def test_backup_errors_are_plain_messages(db, tmp_path):
    with pytest.raises(CommandError, match="no backup file|Không có tệp sao lưu"):
        call_command("restore", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match=r"\.json"):
        call_command("backup", str(tmp_path / "site.txt"), format="json")
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("backup", str(tmp_path / "site.dump"), format="pg_dump")
