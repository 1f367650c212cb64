from django.core.management.base import BaseCommand, CommandError

from assessment.lost_letters import letters_sweep
from credentials.letters.keys import SigningKeyUnavailable


class Command(BaseCommand):
    help = (
        "Produce every assessment letter version and decision letter that should exist and is still "
        "missing after LETTER_SWEEP_GRACE_MINUTES (idempotent; beat runs it every five minutes)."
    )

    def handle(self, *args, **options):
        try:
            result = letters_sweep()
        except SigningKeyUnavailable as exc:
            raise CommandError("Letters cannot be signed: %s" % exc) from exc
        self.stdout.write(str(result))
        if result.failed:
            raise CommandError("%d letter(s) could not be produced; the log says why." % result.failed)
