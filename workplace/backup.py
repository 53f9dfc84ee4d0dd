"""Backing up and restoring the whole database.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --no-owner``,
run against the ``default`` database with its password passed through ``PGPASSWORD``.
SQLite: a JSON dump of every table worth keeping, loaded back with ``loaddata`` into an
empty, migrated database. Uploaded files (``MEDIA_ROOT``, ``PRIVATE_MEDIA_ROOT``) are not
in the database and are copied separately.
"""

import datetime
import os
import shutil
import subprocess  # noqa: S404 - runs pg_dump / pg_restore with fixed arguments, no shell
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from django.core.serializers import json as json_serializer
from django.db import connections, transaction
from django.utils.translation import gettext as _

# Tables a JSON dump leaves out: rebuilt by ``migrate`` (content types, permissions),
# short-lived (sessions, editing sessions, login attempts), or caches Django and Wagtail
# rebuild themselves (search index, reference index, image renditions).
EXCLUDED_FROM_JSON = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "wagtailadmin.editingsession",
    "wagtailcore.referenceindex",
    "wagtailimages.rendition",
    "wagtailsearch.indexentry",
    "wagtailsearch.sqliteftsindexentry",
)

# Tables whose rows mean the database already holds data a restore would collide with.
CONTENT_MODELS = (
    "workplace.area",
    "workplace.unionbody",
    "workplace.reportingperiod",
    "workplace.enterprise",
    "workplace.user",
    "workplace.auditentry",
    "wagtailcore.page",
)


JSON_FORMAT = "backup-json"


class ExactJSONEncoder(json_serializer.DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(json_serializer.Serializer):
    """Django's JSON serializer, except that times keep their microseconds and a reference
    to a row that no longer exists is kept as it is (Wagtail's page history keeps the id of
    a deleted page on purpose)."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder

    def handle_fk_field(self, obj, field):
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            self._current[field.name] = self._value_from_field(obj, field)


Deserializer = json_serializer.Deserializer


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _connection(using="default"):
    return connections[using]


def is_postgresql(using="default"):
    return _connection(using).vendor == "postgresql"


def _pg_arguments(using):
    settings_dict = _connection(using).settings_dict
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{option}={settings_dict[key]}")
    arguments.append(f"--dbname={settings_dict['NAME']}")
    environment = os.environ.copy()
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


def _run(program, arguments, environment):
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            _("%(program)s was not found; install the PostgreSQL client tools.")
            % {"program": program}
        )
    completed = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [executable, *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": completed.stderr.strip()}
        )


FORMATS = ("pg_dump", "json")
# The first bytes of every file pg_dump writes in its custom format.
PG_DUMP_MAGIC = b"PGDMP"


def default_format(using="default"):
    return "pg_dump" if is_postgresql(using) else "json"


def backup(path, using="default", format=None):
    """Write the whole database to ``path``; returns the format written.

    ``format`` is ``pg_dump`` (PostgreSQL only) or ``json`` (any database); by default
    ``pg_dump`` on PostgreSQL and ``json`` on SQLite.
    """
    path = Path(path)
    format = format or default_format(using)
    if format not in FORMATS:
        raise BackupError(_("Unknown backup format %(format)s.") % {"format": format})
    if format == "pg_dump":
        if not is_postgresql(using):
            raise BackupError(_("pg_dump backups are for PostgreSQL databases only."))
        arguments, environment = _pg_arguments(using)
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", f"--file={path}", *arguments],
            environment,
        )
        return format
    _require_json_name(path)
    if JSON_FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(JSON_FORMAT, __name__)
    # dumpdata compresses when the name ends in .gz, .bz2, .lzma or .xz.
    call_command(
        "dumpdata",
        format=JSON_FORMAT,
        natural_foreign=True,
        exclude=_installed(EXCLUDED_FROM_JSON),
        indent=1,
        database=using,
        output=str(path),
        verbosity=0,
    )
    return format


def _installed(labels):
    """The labels naming an installed app or model (Wagtail's models vary by database)."""
    installed = []
    for label in labels:
        try:
            apps.get_model(label) if "." in label else apps.get_app_config(label)
        except LookupError:
            continue
        installed.append(label)
    return installed


def _require_json_name(path):
    if ".json" not in Path(path).suffixes:
        raise BackupError(_("On SQLite the backup is a JSON file: give it a name ending in .json."))


def holds_data(using="default"):
    """Whether the database already holds records a restore would collide with."""
    tables = set(_connection(using).introspection.table_names())
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.using(using).exists():
            return True
    return False


def file_format(path):
    """``pg_dump`` or ``json``, from the file's first bytes."""
    with Path(path).open("rb") as stream:
        return "pg_dump" if stream.read(len(PG_DUMP_MAGIC)) == PG_DUMP_MAGIC else "json"


def restore(path, using="default"):
    """Replace the database's contents with the backup at ``path``; returns its format.

    A pg_dump file replaces every table of a PostgreSQL database. A JSON dump is loaded into
    an empty database (migrated first if need be) and refused when the database holds data.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no backup file at %(path)s.") % {"path": path})
    if file_format(path) == "pg_dump":
        if not is_postgresql(using):
            raise BackupError(_("A pg_dump backup can only be restored into PostgreSQL."))
        arguments, environment = _pg_arguments(using)
        # pg_restore drops and recreates the tables: no connection of ours may hold them.
        connections.close_all()
        _run(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", *arguments, str(path)],
            environment,
        )
        # The restored content types may carry other ids than the ones this process cached.
        ContentType.objects.clear_cache()
        return "pg_dump"
    _require_json_name(path)
    call_command("migrate", database=using, interactive=False, verbosity=0)
    if holds_data(using):
        raise BackupError(
            _(
                "The database already holds records. Restore into an empty database: "
                "run “manage.py flush” first, or point DATABASE_URL at a new one."
            )
        )
    with transaction.atomic(using=using):
        call_command("loaddata", str(path), database=using, verbosity=0)
    _rebuild_caches()
    return "json"


def _rebuild_caches():
    """Rebuild what the JSON dump leaves out and Wagtail keeps beside the pages."""
    ContentType.objects.clear_cache()
    call_command("rebuild_references_index", verbosity=0)
    call_command("update_index", verbosity=0)
