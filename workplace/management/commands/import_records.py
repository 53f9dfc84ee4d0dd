from django.core.management.base import BaseCommand, CommandError

from workplace import spreadsheets
from workplace.audit import acting_as
from workplace.progress import Steps
from workplace.resources import RESOURCES
from workplace.spreadsheets import ImportFileError


class Command(BaseCommand):
    help = "Import one kind of record from a CSV or XLSX file; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(RESOURCES))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report, write nothing."
        )

    def handle(self, kind, file, dry_run, **options):
        try:
            # Reading the file, then checking and writing its rows in one transaction.
            with Steps(2, stream=self.stderr) as steps:
                steps.start(f"Reading {file}")
                rows = spreadsheets.read_file(file)
                steps.start(f"Importing {max(len(rows) - 1, 0)} rows of {kind}")
                with acting_as(None, "import"):
                    outcome = spreadsheets.import_rows(kind, rows, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError("\n".join(str(e) for e in error.errors)) from None
        except OSError as error:
            raise CommandError(str(error)) from None
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(outcome.errors)} error(s); nothing was imported.")
        suffix = " (dry run: nothing written)" if dry_run else ""
        self.stdout.write(outcome.summary() + suffix)
