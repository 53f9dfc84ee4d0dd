import csv

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cms.demo import HOME_TITLE, load_demo_pages
from cms.models import ensure_home_page
from workplace import demo, periods
from workplace.accounts import invitations_suppressed
from workplace.audit import acting_as
from workplace.demo import DEMO_DIR
from workplace.models import ReportingPeriod, User
from workplace.resources import RESOURCES

# 2023-h1 is the seed report; 2022-h1 beside it gives the change against a year earlier.
PUBLISHED = ("2022-h1", "2023-h1")
# The demo accounts of officers.csv sign in with this, so anyone can try the portal.
DEMO_PASSWORD = "demo-2023"  # noqa: S105


def demo_rows(name):
    with (DEMO_DIR / f"{name}.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


class Command(BaseCommand):
    help = "Load the demo province through the importer; running it again changes nothing."

    @transaction.atomic
    def handle(self, **options):
        with acting_as(None, "import"), invitations_suppressed():
            self.load()
        self.set_demo_passwords()

    def load(self):
        self.create_federation_staff()
        try:
            for kind in RESOURCES:
                self.stdout.write(demo.import_demo_file(kind, DEMO_DIR / f"{kind}.csv").summary())
            # The seed stops in 2023: this year's records keep every list and view alive.
            today = timezone.localdate()
            for outcome in demo.load_living_records(today):
                self.stdout.write(outcome.summary())
        except demo.DemoImportError as error:
            raise CommandError(str(error)) from error
        for unit in demo.add_pending_registrations(today):
            self.stdout.write(f"{unit.tax_code}: registered, waiting for verification")
        # The home page first, so that each period published gets its results page under it.
        ensure_home_page(HOME_TITLE)
        for slug in PUBLISHED:
            periods.publish(ReportingPeriod.objects.get(slug=slug))
            self.stdout.write(f"{slug}: published")
        load_demo_pages()

    def create_federation_staff(self):
        """The federation's own accounts: made here, as an administrator would in the admin,
        since an import creates and changes officers and reviewers only."""
        for row in demo_rows("federation_staff"):
            User.objects.get_or_create(
                username=row["username"],
                defaults={
                    "email": row["email"],
                    "full_name": row["full_name"],
                    "role": User.Role.FEDERATION,
                    "password": make_password(None),
                },
            )

    def set_demo_passwords(self):
        """Give the demo accounts a known password, unless someone already chose one."""
        usernames = [
            row["username"] for name in ("federation_staff", "officers") for row in demo_rows(name)
        ]
        ready = []
        for user in User.objects.filter(username__in=usernames).order_by("username"):
            if not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                ready.append(user.username)
        if ready:
            self.stdout.write(f"{', '.join(ready)}: password {DEMO_PASSWORD}")
