from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workplace import kept_facts
from workplace.freeze_lock import freezing_periods
from workplace.models import Enterprise, ReportingPeriod

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Count every open period's units from the records and compare with the facts the "
        "figures are summed from; fails when they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Count the facts of every open period again after checking them.",
        )

    def handle(self, repair, **options):
        # Writers wait while the records are counted, or a save midway would show as a
        # difference.
        with transaction.atomic():
            freezing_periods()
            wrong = self._check()
        if repair:
            for period in kept_facts.recount_open_periods():
                self.stdout.write(f"{period.slug}: facts counted again")
        elif wrong:
            raise CommandError(
                f"The kept facts of {', '.join(wrong)} differ from the records; "
                "run check_facts --repair."
            )

    def _check(self):
        wrong = []
        for period in ReportingPeriod.objects.filter(status="open").order_by("start", "slug"):
            if not period.facts_kept:
                self.stdout.write(
                    f"{period.slug}: facts not counted by this release, figures counted from "
                    "the records until migrate or check_facts --repair counts them"
                )
                continue
            differences = kept_facts.check(period)
            self.stdout.write(f"{period.slug}: {len(differences)} differences")
            self._show(differences)
            if differences:
                wrong.append(period.slug)
        return wrong

    def _show(self, differences):
        codes = dict(
            Enterprise.objects.filter(pk__in={d[0] for d in differences[:SHOWN]}).values_list(
                "pk", "tax_code"
            )
        )
        for unit, column, kept, counted in differences[:SHOWN]:
            name = codes.get(unit, unit)
            self.stdout.write(f"  {name}: {column} kept {kept!r}, counted {counted!r}")
        if len(differences) > SHOWN:
            self.stdout.write(f"  … and {len(differences) - SHOWN} more")
