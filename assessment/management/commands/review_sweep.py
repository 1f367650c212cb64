from django.core.management.base import BaseCommand

from assessment.management.as_of import add_as_of
from assessment.review import review_sweep


class Command(BaseCommand):
    help = ("Open review cases, queue the reminders due, lapse assessments whose review was not filed "
            "and discontinue expiring ones whose honoured period ended, as if the date were --as-of. "
            "Idempotent: a second run on the same date changes and sends nothing.")

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, **options):
        self.stdout.write("Review sweep: %s." % review_sweep(as_of=options["as_of"]))
