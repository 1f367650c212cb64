from django.core.management.base import BaseCommand

from assessment.management.as_of import add_as_of
from assessment.services import sla_sweep


class Command(BaseCommand):
    help = "Recompute every open case's ten-business-day clock and queue the due alerts (idempotent)."

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, **options):
        self.stdout.write(str(sla_sweep(today=options["as_of"])))
