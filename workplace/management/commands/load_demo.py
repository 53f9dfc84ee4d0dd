from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.models import ensure_home_page
from workplace import periods
from workplace.audit import acting_as
from workplace.models import ReportingPeriod
from workplace.resources import RESOURCES
from workplace.spreadsheets import import_file

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
PUBLISHED = "2023-h1"


class Command(BaseCommand):
    help = "Load the demo province through the importer; running it again changes nothing."

    @transaction.atomic
    def handle(self, **options):
        with acting_as(None, "import"):
            self.load()

    def load(self):
        for kind in RESOURCES:
            outcome = import_file(kind, DEMO_DIR / f"{kind}.csv")
            if outcome.errors:
                raise CommandError("\n".join(str(e) for e in outcome.errors[:20]))
            self.stdout.write(outcome.summary())
        periods.publish(ReportingPeriod.objects.get(slug=PUBLISHED))
        ensure_home_page("Dân chủ ở cơ sở tại nơi làm việc tỉnh Lạng Sơn")
        self.stdout.write(f"{PUBLISHED}: published")
