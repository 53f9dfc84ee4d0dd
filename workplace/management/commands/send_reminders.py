from django.core.management.base import BaseCommand
from django.utils import timezone

from workplace.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each officer what their units still owe (no worker or officials' conference "
        "this year, an agreement expiring within 90 days or not submitted, a People's "
        "Inspection Board whose term ends within 90 days), and each reviewer a digest."
    )

    def handle(self, **options):
        officers, reviewers = send_reminders(timezone.localdate())
        self.stdout.write(f"{officers} officer reminder(s), {reviewers} reviewer digest(s) sent.")
