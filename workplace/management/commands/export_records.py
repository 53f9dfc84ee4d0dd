from django.core.management.base import BaseCommand, CommandError

from workplace.resources import RESOURCES
from workplace.spreadsheets import export_file


class Command(BaseCommand):
    help = "Export one kind of record to a CSV or XLSX file in the import format."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(RESOURCES))
        parser.add_argument("file", help="Ends in .csv or .xlsx.")

    def handle(self, kind, file, **options):
        try:
            export_file(kind, file)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
