from django.core.management.base import BaseCommand, CommandError

from workplace import area_reform
from workplace.models import AreaEra


class Command(BaseCommand):
    help = (
        "Load the official administrative units: the provinces and communes since the reform "
        "of 1 July 2025, or with --before-2025 the provinces, districts and communes as they "
        "were. Running it again changes nothing; areas the federation created are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="Load one province only (its code in the chosen list, e.g. 20 for Lạng Sơn).",
        )
        parser.add_argument(
            "--before-2025",
            action="store_true",
            help="Load the tree before the reform (province → district → commune).",
        )

    def handle(self, province, before_2025, **options):
        era = AreaEra.BEFORE_2025 if before_2025 else AreaEra.FROM_2025
        try:
            outcome = area_reform.load(era, province)
        except area_reform.UnknownProvince:
            raise CommandError(
                f"No province has the code {province!r} in the list {era}."
            ) from None
        self.stdout.write(
            f"{era}: {outcome.created} added, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged"
        )
        if outcome.kept:
            self.stdout.write(
                f"Left alone, created by the federation with an official code: "
                f"{', '.join(outcome.kept)}"
            )
