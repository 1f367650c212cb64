import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from assessment.review import review_sweep


class Command(BaseCommand):
    help = ("Open review cases, queue the reminders due, lapse assessments whose review was not filed "
            "and discontinue expiring ones whose honoured period ended, as if the date were --as-of. "
            "Idempotent: a second run on the same date changes and sends nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD in the agency's time zone (default: today)")

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of takes a date as YYYY-MM-DD, e.g. 2026-11-30.") from None
        result = review_sweep(as_of=as_of)
        self.stdout.write("Review sweep: %s." % result)
