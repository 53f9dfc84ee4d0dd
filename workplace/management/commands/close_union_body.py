import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workplace import body_closing
from workplace.audit import acting_as
from workplace.models import UnionBody


def day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Close a union body on a date and move its units and the bodies under it to another "
        "body, each unit's move in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The code of the body to close.")
        parser.add_argument("--on", required=True, help="The day it closes (YYYY-MM-DD).")
        parser.add_argument(
            "--move-to", required=True, metavar="CODE", help="The body that takes its units."
        )
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, code, on, move_to, dry_run, **options):
        body, successor = self.body(code), self.body(move_to)
        try:
            with acting_as(None, "command"):
                closing = body_closing.close(body, day(on), successor, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "would move" if dry_run else "moved"
        self.stdout.write(
            f"{body.code}: {len(closing.units)} units and {len(closing.bodies)} bodies "
            f"{verb} to {successor.code}"
        )
        if closing.reviewers:
            names = ", ".join(user.username for user in closing.reviewers)
            self.stdout.write(f"Reviewers of {body.code}, to be given a body again: {names}")

    def body(self, code):
        found = UnionBody.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"No union body has the code {code!r}.")
        return found
