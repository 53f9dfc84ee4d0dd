from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workplace.backup import BackupError, backup, backup_folder
from workplace.progress import Steps


class Command(BaseCommand):
    help = (
        "Back up the whole database and every uploaded file (public media and private "
        "documents) into BACKUP_DIR, compressed: a database file and an archive of files, "
        "named by the same date and time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--clean",
            action="store_true",
            help="Then delete the oldest backups, keeping the newest BACKUP_KEEP (10).",
        )

    def handle(self, database, clean, verbosity, **options):
        try:
            with Steps(2, stream=self.stderr) as steps:
                made = backup(using=database, clean=clean, verbosity=verbosity, on_step=steps.start)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except Exception as error:
            # dbbackup's connectors and pg_dump fail with their own exceptions; the operator
            # needs their message, not a traceback (dbbackup has logged it already).
            raise CommandError(_("The backup failed: %(error)s") % {"error": error}) from error
        self.stdout.write(
            _("Backup of %(when)s written to %(folder)s: %(database)s and %(media)s.")
            % {
                "when": made.made_at_for_people,
                "folder": backup_folder(),
                "database": made.database_file,
                "media": made.media_file,
            }
        )
