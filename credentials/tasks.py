"""Celery tasks of the register: ids in, a service does the work."""

import logging

from celery import shared_task

from . import services
from .letters.keys import SigningKeyUnavailable

logger = logging.getLogger(__name__)

# About a day of retries at the longest back-off: long enough for an operator to restore the
# key, bounded so a forgotten fault does not retry forever.
LETTER_MAX_RETRIES = 150
LETTER_RETRY_MAX_SECONDS = 600


@shared_task(bind=True, acks_late=True, max_retries=LETTER_MAX_RETRIES)
def letter_issue(self, assessment_id, version=1):
    """Produce one version of an assessment's letter. A missing or unreadable signing key is
    an operator's fault to fix, not a reason to give up: the task logs an error and retries,
    and the letter shows as pending meanwhile (never a broken or unsigned file)."""
    try:
        letter = services.letter_issue(assessment_id=assessment_id, version=version)
    except SigningKeyUnavailable as exc:
        return retry_until_signed(self, exc, "letter of assessment %s v%s" % (assessment_id, version))
    return letter.pk if letter else None


def retry_until_signed(task, exc, letter):
    """The letter tasks' answer to a missing signing key: log an error and retry with a
    growing back-off (LETTER_MAX_RETRIES on the task). Answers None when tasks run inline."""
    logger.error("%s not signed, will retry: %s", letter, exc)
    if task.request.is_eager:
        # Inline (no broker, the embedded setup): retrying in place would only fail again,
        # and raising would turn the approver's committed sign-off into an error page.
        return None
    raise task.retry(exc=exc, countdown=min(LETTER_RETRY_MAX_SECONDS, 30 * 2 ** task.request.retries)) from exc
