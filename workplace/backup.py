"""Backing up and restoring everything the site holds, with django-dbbackup.

A backup is a pair of gzip-compressed files in ``BACKUP_DIR`` whose names carry the same
date and time (dbbackup's ``DBBACKUP_DATE_FORMAT``):

- the database, written by ``dbbackup``: ``pg_dump --format=custom`` on PostgreSQL, and on
  SQLite a copy made with SQLite's backup API (see ``SqliteOnlineBackupConnector``);
- every uploaded file, written by ``mediabackup``: the public media (``MEDIA_ROOT``: Wagtail's
  images and documents) under ``media/`` and the private documents (``PRIVATE_MEDIA_ROOT``:
  minutes, agreement texts, imported and exported files) under ``private_media/``.

``restore`` puts back both files of one backup with ``dbrestore`` and ``mediarestore``.
"""

import dataclasses
import datetime
import shutil
import sqlite3
import tempfile
from pathlib import Path

from dbbackup import settings as dbbackup_settings
from dbbackup import utils as dbbackup_utils
from dbbackup.db.base import get_connector
from dbbackup.db.sqlite import SqliteBackupConnector
from dbbackup.management.commands import mediabackup, mediarestore
from dbbackup.storage import get_storage
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connections
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from .documents import PrivateStorage, SettingFolderStorage

COMPRESSED = ".gz"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@deconstructible
class BackupStorage(SettingFolderStorage):
    """Where dbbackup keeps the backups: ``BACKUP_DIR``.

    The files hold password hashes and private documents, so only their owner may read them.
    """

    setting = "BACKUP_DIR"

    def __init__(self, **options):
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**options)

    def listdir(self, path):
        # Before the first backup the folder does not exist: there is simply nothing in it.
        if not self.exists(path):
            return [], []
        return super().listdir(path)


class SqliteOnlineBackupConnector(SqliteBackupConnector):
    """dbbackup's SQLite connector, restoring through SQLite's backup API.

    The backup is dbbackup's own: a consistent copy made with SQLite's backup API while the
    site runs. dbbackup restores it by writing the copy over the database file, which fails
    here: the database runs in write-ahead-log mode, so the ``-wal`` file left beside it
    would be replayed onto the copy, the open connections keep pages of the old file, and
    the test database lives in memory with no file at all. dbbackup's SQL-text connector is
    no answer either: it replays ``INSERT OR REPLACE`` over the migrated tables, so rows
    added since the backup stay and errors only become warnings. The backup API replaces
    every page of the open database under SQLite's own locks, whatever its journal mode.

    The copy itself is made as dbbackup makes it, except that it goes to a temporary file on
    disk: dbbackup keeps the whole database in memory, and a national database is large.
    """

    def create_dump(self):
        self.connection.ensure_connection()
        dump = tempfile.TemporaryFile(dir=dbbackup_settings.TMP_DIR)
        with tempfile.TemporaryDirectory(dir=dbbackup_settings.TMP_DIR) as folder:
            copy_path = Path(folder) / "backup.sqlite3"
            copy = sqlite3.connect(copy_path)
            try:
                self.connection.connection.backup(copy)
            finally:
                copy.close()
            with copy_path.open("rb") as copied:
                shutil.copyfileobj(copied, dump)
        dump.seek(0)
        return dump

    def restore_dump(self, dump):
        with tempfile.TemporaryDirectory(dir=dbbackup_settings.TMP_DIR) as folder:
            copy_path = Path(folder) / "backup.sqlite3"
            with copy_path.open("wb") as copy:
                shutil.copyfileobj(dump, copy)
            self.connection.ensure_connection()
            source = sqlite3.connect(copy_path)
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()


class UploadedFiles:
    """Both folders of uploaded files seen as one tree, for dbbackup's media commands.

    dbbackup archives the default storage only (``MEDIA_ROOT``), which would leave out the
    minutes and agreement texts under ``PRIVATE_MEDIA_ROOT``. Here the public media appear
    under ``media/`` and the private documents under ``private_media/``, so one archive holds
    both and a restore puts each file back into the folder it came from: a private document
    never lands under the public ``MEDIA_ROOT``.
    """

    def __init__(self):
        self.folders = {"media": default_storage, "private_media": PrivateStorage()}

    def _split(self, name):
        folder, _separator, rest = name.replace("\\", "/").partition("/")
        if folder not in self.folders:
            raise SuspiciousFileOperation(f"{name} is in neither folder of uploaded files.")
        return self.folders[folder], rest

    def listdir(self, path):
        if not path:
            return list(self.folders), []
        storage, rest = self._split(path)
        try:
            return storage.listdir(rest)
        except FileNotFoundError:
            return [], []  # a folder nothing was ever uploaded to

    def open(self, name, mode="rb"):
        storage, rest = self._split(name)
        return storage.open(rest, mode)

    def exists(self, name):
        storage, rest = self._split(name)
        return storage.exists(rest)

    def delete(self, name):
        storage, rest = self._split(name)
        storage.delete(rest)

    def save(self, name, content):
        storage, rest = self._split(name)
        folder = name.replace("\\", "/").partition("/")[0]
        return f"{folder}/{storage.save(rest, content)}"


class UploadedFilesBackupCommand(mediabackup.Command):
    """dbbackup's ``mediabackup``, archiving both folders of uploaded files."""

    help = (
        "Back up the public media (MEDIA_ROOT) and the private documents (PRIVATE_MEDIA_ROOT) "
        "into one archive in BACKUP_DIR."
    )

    def backup_mediafiles(self):
        self.media_storage = UploadedFiles()
        super().backup_mediafiles()


class UploadedFilesRestoreCommand(mediarestore.Command):
    """dbbackup's ``mediarestore``, putting each file back into the folder it came from."""

    help = (
        "Restore the public media (MEDIA_ROOT) and the private documents (PRIVATE_MEDIA_ROOT) "
        "from an archive written by mediabackup."
    )

    def _restore_backup(self):
        self.media_storage = UploadedFiles()
        super()._restore_backup()


@dataclasses.dataclass(frozen=True)
class Backup:
    """One backup: the names of its two files in ``BACKUP_DIR``, and when it was made."""

    stamp: str
    database_file: str
    media_file: str

    @property
    def made_at(self):
        return datetime.datetime.strptime(self.stamp, dbbackup_settings.DATE_FORMAT)

    @property
    def made_at_for_people(self):
        return self.made_at.strftime("%d/%m/%Y %H:%M:%S")


def backup_folder():
    return str(settings.BACKUP_DIR)


def _require_database(using):
    if using not in settings.DATABASES:
        raise BackupError(
            _("There is no database “%(database)s” in the settings.") % {"database": using}
        )


def new_stamp():
    """The date and time naming a new backup, as dbbackup writes it in its own file names."""
    return datetime.datetime.now().strftime(dbbackup_settings.DATE_FORMAT)


def _command_verbosity(verbosity):
    """dbbackup logs every step at verbosity 1; the site's commands speak for themselves."""
    return verbosity if verbosity > 1 else 0


def _announce(on_step, text):
    if on_step is not None:
        on_step(text)


def backup(using="default", clean=False, verbosity=0, on_step=None):
    """Write the database and every uploaded file into ``BACKUP_DIR``; returns the Backup.

    ``clean`` then deletes the oldest backups, keeping the newest ``DBBACKUP_CLEANUP_KEEP``.
    ``on_step(text)`` is told as each of the two steps starts.
    """
    _require_database(using)
    stamp = new_stamp()
    made = Backup(
        stamp=stamp,
        database_file=dbbackup_utils.filename_generate(
            f"{get_connector(using).extension}{COMPRESSED}", using, wildcard=stamp
        ),
        media_file=dbbackup_utils.filename_generate(
            f"tar{COMPRESSED}", content_type="media", wildcard=stamp
        ),
    )
    common = {
        "compress": True,
        "clean": clean,
        "interactive": False,
        "verbosity": _command_verbosity(verbosity),
    }
    _announce(on_step, f"Backing up the database to {made.database_file}")
    call_command("dbbackup", database=using, output_filename=made.database_file, **common)
    _announce(on_step, f"Archiving the uploaded files to {made.media_file}")
    call_command("mediabackup", output_filename=made.media_file, **common)
    return made


def find_backup(name=None, using="default"):
    """The Backup named by ``name`` (its date and time, or either of its file names), or the
    newest one when ``name`` is None."""
    _require_database(using)
    storage = get_storage()
    database_files = storage.list_backups(content_type="db", database=using)
    media_files = storage.list_backups(content_type="media")
    if name is None:
        if not database_files:
            raise BackupError(_("There is no backup in %(folder)s.") % {"folder": backup_folder()})
        name = storage.get_latest_backup(content_type="db", database=using)
    stamp = dbbackup_utils.filename_to_datestring(Path(name).name)
    if stamp is None:
        raise BackupError(
            _("No backup matches “%(name)s” in %(folder)s; “manage.py listbackups” lists them.")
            % {"name": name, "folder": backup_folder()}
        )
    found = Backup(
        stamp=stamp,
        database_file=_file_of(database_files, stamp),
        media_file=_file_of(media_files, stamp),
    )
    if found.database_file is None:
        raise BackupError(
            _("The backup of %(when)s has no database file for “%(database)s” in %(folder)s.")
            % {"when": _when(stamp), "database": using, "folder": backup_folder()}
        )
    if found.media_file is None:
        raise BackupError(
            _("The backup of %(when)s has no archive of uploaded files in %(folder)s.")
            % {"when": _when(stamp), "folder": backup_folder()}
        )
    return found


def _file_of(names, stamp):
    matching = [name for name in names if dbbackup_utils.filename_to_datestring(name) == stamp]
    return max(matching) if matching else None


def _when(stamp):
    return Backup(stamp, "", "").made_at_for_people


def restore(found, using="default", verbosity=0, on_step=None):
    """Replace the database and the uploaded files with those of the Backup ``found``.

    Every table of the backup replaces the current one. Uploaded files of the backup replace
    the current ones of the same name; files uploaded since are left where they are.
    """
    _require_database(using)
    common = {"interactive": False, "verbosity": _command_verbosity(verbosity)}
    # The restore drops and recreates tables: no connection of this process may hold them.
    connections[using].close()
    _announce(on_step, f"Restoring the database from {found.database_file}")
    call_command(
        "dbrestore",
        database=using,
        input_filename=found.database_file,
        uncompress=found.database_file.endswith(COMPRESSED),
        **common,
    )
    # The restored content types may carry other ids than the ones this process cached.
    ContentType.objects.clear_cache()
    _announce(on_step, f"Restoring the uploaded files from {found.media_file}")
    call_command(
        "mediarestore",
        input_filename=found.media_file,
        uncompress=found.media_file.endswith(COMPRESSED),
        replace=True,
        **common,
    )
