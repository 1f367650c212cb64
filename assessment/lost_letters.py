"""The letters sweep: every letter that should exist and is still missing a few minutes after
it became due is produced here, so no letter depends on its task alone.

Letters are queued from `on_commit` (credentials `letter_issue_queue`, `decision_letter_queue`);
a broker that is down at that moment, or a task lost on the way, would otherwise leave the
letter "being produced" forever. What should exist is known from the records themselves:
- an assessment's letter: the entry's `letter_version_due`, written in the transaction that
  issued or renewed it, with `letter_due_since` until that version is stored;
- a decision letter: every declined case that is not a review and has none.
The sweep produces them itself, not through the broker it cannot count on. It is safe to run
twice and beside a running task: both producers store under the row lock and keep the first
letter (`letter_issue`, `decision_letter_produce`). Beat runs it every five minutes;
`python manage.py letters_sweep` runs it by hand.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from credentials import selectors as register_selectors
from credentials import services as register_services
from credentials.letters.keys import SigningKeyUnavailable

from . import selectors, services

logger = logging.getLogger(__name__)


# The PostgreSQL advisory lock one sweep holds while it runs (any fixed number of this
# application's own): a letter takes a second or two, so a backlog longer than the beat
# interval would otherwise have two workers render the same letters.
LETTERS_SWEEP_LOCK = 0x4C455454  # "LETT"


@dataclass(frozen=True)
class LettersSweepResult:
    letters: int
    decision_letters: int
    failed: int
    skipped: bool = False

    def __str__(self):
        if self.skipped:
            return "another letters sweep is running; nothing done"
        return "%d letter(s), %d decision letter(s) produced, %d failed" % (
            self.letters, self.decision_letters, self.failed)


def letters_sweep(*, now=None) -> LettersSweepResult:
    """Produce every letter due for longer than LETTER_SWEEP_GRACE_MINUTES (younger ones are
    left to their task). One letter that fails is logged and the sweep goes on; a signing key
    that cannot be read stops it (SigningKeyUnavailable), as it would stop every letter."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LETTERS_SWEEP_LOCK])
        if not cursor.fetchone()[0]:
            logger.info("letters sweep: another sweep is running")
            return LettersSweepResult(0, 0, 0, skipped=True)
        try:
            return _sweep(now=now or timezone.now())
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LETTERS_SWEEP_LOCK])


def _sweep(*, now) -> LettersSweepResult:
    due_before = now - dt.timedelta(minutes=settings.LETTER_SWEEP_GRACE_MINUTES)
    letters = decision_letters = failed = 0
    for assessment_id, version in register_selectors.letter_versions_due(due_before=due_before):
        produced = _produce(register_services.letter_issue, "letter of assessment %s v%s" % (assessment_id, version),
                            assessment_id=assessment_id, version=version)
        letters += produced is True
        failed += produced is None
    for application_id in selectors.decision_letters_due(decided_before=due_before):
        produced = _produce(services.decision_letter_produce, "decision letter of application %s" % application_id,
                            application_id=application_id)
        decision_letters += produced is True
        failed += produced is None
    result = LettersSweepResult(letters, decision_letters, failed)
    if letters or decision_letters or failed:
        logger.warning("letters sweep: %s", result)
    return result


def _produce(producer, what, **ids):
    """True when the letter exists afterwards, False when there was nothing to produce, None
    when producing it failed."""
    try:
        return producer(**ids) is not None
    except SigningKeyUnavailable:
        logger.error("letters sweep stopped at the %s: the signing key cannot be read", what)
        raise
    except Exception:
        # One letter that cannot be produced (a rendering fault in its data) must not hold
        # back every letter after it; the next sweep tries it again.
        logger.exception("letters sweep could not produce the %s", what)
        return None
