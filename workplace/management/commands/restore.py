from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workplace.backup import BackupError, backup_folder, find_backup, restore
from workplace.progress import Steps

YES = "yes"


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup in BACKUP_DIR written by "
        "the backup command: the newest, or the one named by its date and time or a file name "
        "(manage.py listbackups lists them). Every table is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "backup",
            nargs="?",
            help="The backup's date and time (2024-01-31-020000) or one of its file names.",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, backup, database, interactive, verbosity, **options):
        try:
            found = find_backup(backup, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if interactive and not self._confirmed(found, database):
            raise CommandError(_("Nothing was restored."))
        try:
            with Steps(2, stream=self.stderr) as steps:
                restore(found, using=database, verbosity=verbosity, on_step=steps.start)
        except Exception as error:
            # dbbackup's connectors and pg_restore fail with their own exceptions; the operator
            # needs their message, not a traceback.
            raise CommandError(_("The restore failed: %(error)s") % {"error": error}) from error
        self.stdout.write(
            _(
                "Restored the backup of %(when)s: the database from %(database)s, the uploaded "
                "files from %(media)s (in %(folder)s)."
            )
            % {
                "when": found.made_at_for_people,
                "database": found.database_file,
                "media": found.media_file,
                "folder": backup_folder(),
            }
        )

    def _confirmed(self, found, database):
        question = _(
            "This replaces the database “%(database)s” and the uploaded files with the backup "
            "of %(when)s. Type “%(yes)s” to continue: "
        ) % {"database": database, "when": found.made_at_for_people, "yes": YES}
        try:
            return input(question).strip().lower() == YES
        except EOFError:  # no one to answer (cron, a pipe): run again with --noinput
            return False
