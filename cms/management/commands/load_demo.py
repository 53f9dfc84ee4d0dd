from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.demo import HOME_TITLE, load_demo_pages
from cms.models import ensure_home_page
from workplace import demo
from workplace.audit import acting_as
from workplace.invitations import invitations_suppressed


class Command(BaseCommand):
    help = "Load the demo province through the importer; running it again changes nothing."

    @transaction.atomic
    def handle(self, **options):
        with acting_as(None, "import"), invitations_suppressed():
            self.load()
        ready = demo.set_demo_passwords()
        if ready:
            self.stdout.write(f"{', '.join(ready)}: password {demo.DEMO_PASSWORD}")

    def load(self):
        try:
            for line in demo.load_records():
                self.stdout.write(line)
        except demo.DemoImportError as error:
            raise CommandError(str(error)) from error
        # The home page first, so that each period published gets its results page under it.
        ensure_home_page(HOME_TITLE)
        for line in demo.publish_periods():
            self.stdout.write(line)
        for line in demo.convert_areas():
            self.stdout.write(line)
        load_demo_pages()
