from django.core.management.base import BaseCommand

from assessment.outbox import outbox_flush


class Command(BaseCommand):
    help = "Send every pending outbox email; mark sends a dead worker left mid-send uncertain (never resent automatically)."

    def handle(self, *args, **options):
        sent = outbox_flush()
        self.stdout.write("Sent %d message(s)." % sent)
