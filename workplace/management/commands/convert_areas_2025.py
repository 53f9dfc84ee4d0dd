from django.core.management.base import BaseCommand
from django.db import transaction

from workplace import area_reform

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Move every unit filed under an area before the reform of 1 July 2025 to the commune "
        "the official mapping gives, in one transaction, each move in the audit log. A unit "
        "whose old ward was split between communes is listed for a reviewer to choose."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, dry_run, **options):
        with transaction.atomic():
            plan = area_reform.plan_conversion()
            if not dry_run:
                area_reform.convert(plan)
        verb = "would move" if dry_run else "moved"
        self.stdout.write(f"{len(plan.moves)} units {verb} to their new commune")
        for unit, area in plan.moves[:SHOWN]:
            self.stdout.write(f"  {unit.tax_code}: {unit.area.name} → {area.name}")
        self._more(plan.moves)
        for area, province in plan.regrafts:
            self.stdout.write(f"Area {area.code} {area.name} {verb} under {province.name}")
        listed = "would be listed" if dry_run else "listed"
        self.stdout.write(
            f"{len(plan.choices)} units {listed} for a reviewer to choose their commune"
        )
        for unit, candidates in plan.choices[:SHOWN]:
            names = ", ".join(f"{area.code} {area.name}" for area in candidates)
            self.stdout.write(f"  {unit.tax_code} ({unit.area.name}): {names}")
        self._more(plan.choices)
        if plan.unmapped:
            self.stdout.write(
                f"{len(plan.unmapped)} units left where they are: no commune of the "
                "official list is loaded for their area (run load_areas for its province)"
            )
            for unit in plan.unmapped[:SHOWN]:
                self.stdout.write(f"  {unit.tax_code} ({unit.area.code} {unit.area.name})")
            self._more(plan.unmapped)

    def _more(self, items):
        if len(items) > SHOWN:
            self.stdout.write(f"  … and {len(items) - SHOWN} more")
