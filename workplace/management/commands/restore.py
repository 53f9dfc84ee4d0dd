from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workplace.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the whole database from a backup FILE written by the backup command. "
        "PostgreSQL: the current tables are replaced. SQLite: the database must be empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")

    def handle(self, file, database, **options):
        try:
            kind = restore(file, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Database restored from %(file)s (%(kind)s).") % {"file": file, "kind": kind}
        )
