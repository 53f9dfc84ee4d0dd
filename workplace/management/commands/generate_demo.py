import time

from django.core.management.base import BaseCommand, CommandError

from workplace.progress import progress
from workplace.synthetic import NotEmptyError, generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic synthetic country of N units with a year of records and "
        "the periods 2024-h1 and 2024, into an empty database (scale tests, benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, units, seed, **options):
        if units < 1:
            raise CommandError("--units must be at least 1.")
        started = time.perf_counter()
        try:
            with progress(total=units, desc="units", unit="unit", stream=self.stderr) as bar:
                counts = generate(units, seed=seed, on_units_done=bar.update)
        except NotEmptyError:
            raise CommandError(
                "The database already holds units, areas, union bodies or periods: "
                "generate_demo fills an empty database only (run `manage.py flush` first, or "
                "use another DATABASE_URL)."
            ) from None
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{counts.enterprises} units, {counts.records} records "
            f"({counts.headcounts} headcounts, {counts.conferences} conferences, "
            f"{counts.agreements} agreements, {counts.dialogues} dialogues, "
            f"{counts.regulations} regulations, {counts.officials_conferences} officials' "
            f"conferences, {counts.inspection_boards} inspection boards), "
            f"{counts.areas} areas, {counts.union_bodies} union bodies in {seconds:.1f} s"
        )
