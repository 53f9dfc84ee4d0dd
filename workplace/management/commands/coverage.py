import json

from django.core.management.base import BaseCommand, CommandError

from workplace.compliance import (
    BREAKDOWNS,
    coverage_report,
    report_csv,
    report_table,
    todays_map_note,
)
from workplace.models import ReportingPeriod


class Command(BaseCommand):
    help = "Print a reporting period's figures: totals and one breakdown."

    def add_arguments(self, parser):
        parser.add_argument("period", help="The period's slug, e.g. 2023-h1.")
        parser.add_argument("--by", choices=BREAKDOWNS, default="area")
        parser.add_argument("--format", choices=("json", "csv", "table"), default="table")
        parser.add_argument(
            "--live", action="store_true", help="Recompute a locked period from today's records."
        )

    def handle(self, period, by, format, live, **options):
        try:
            chosen = ReportingPeriod.objects.get(slug=period)
        except ReportingPeriod.DoesNotExist:
            raise CommandError(f"No reporting period '{period}'.") from None
        report = coverage_report(chosen, by=by, live=live)
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        elif format == "csv":
            self.stdout.write(report_csv(report), ending="")
        else:
            self.stdout.write(report_table(report))
            note = todays_map_note(chosen) if live or not chosen.is_frozen else ""
            if note:
                self.stdout.write(note)
