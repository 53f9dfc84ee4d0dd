from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workplace.backup import FORMATS, BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE: pg_dump's custom format on PostgreSQL, "
        "a JSON dump on SQLite."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="pg_dump (PostgreSQL only) or json; by default pg_dump on PostgreSQL.",
        )

    def handle(self, file, database, format, **options):
        try:
            kind = backup(file, using=database, format=format)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Backup written to %(file)s (%(kind)s).") % {"file": file, "kind": kind}
        )
