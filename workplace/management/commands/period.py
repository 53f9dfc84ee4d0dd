from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workplace import periods
from workplace.audit import acting_as
from workplace.models import ReportingPeriod


class Command(BaseCommand):
    help = "Lock, publish or unlock a reporting period."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("lock", "publish", "unlock"))
        parser.add_argument("slug")
        parser.add_argument("--reason", default="", help="Required to unlock.")

    def handle(self, action, slug, reason, **options):
        try:
            period = ReportingPeriod.objects.get(slug=slug)
        except ReportingPeriod.DoesNotExist:
            raise CommandError(f"No reporting period '{slug}'.") from None
        try:
            with acting_as(None, "command"):
                if action == "unlock":
                    periods.unlock(period, reason)
                else:
                    getattr(periods, action)(period)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{period.slug}: {period.status}")
