from django.core.management.base import BaseCommand, CommandError

from workplace.progress import on_terminal, progress
from workplace.resources import RESOURCES
from workplace.spreadsheets import export_cells, export_count, export_file


class Command(BaseCommand):
    help = "Export one kind of record to a CSV or XLSX file in the import format."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(RESOURCES))
        parser.add_argument("file", help="Ends in .csv or .xlsx.")

    def handle(self, kind, file, **options):
        # Counted only for a person watching: the header row, then one row per record.
        total = export_count(kind) + 1 if on_terminal(self.stderr) else None
        try:
            with progress(export_cells(kind), total=total, desc=kind, stream=self.stderr) as rows:
                export_file(kind, file, rows=rows)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
