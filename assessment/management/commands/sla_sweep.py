import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from assessment.services import sla_sweep


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError("--as-of takes a date as YYYY-MM-DD, not %r." % value) from None


class Command(BaseCommand):
    help = "Recompute every open case's ten-business-day clock and queue the due alerts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=str, default=None, metavar="YYYY-MM-DD",
                            help="Run as if today were this date in the agency's time zone (default: today).")

    def handle(self, *args, **options):
        today = _date(options["as_of"]) if options["as_of"] else None
        self.stdout.write(str(sla_sweep(today=today)))
