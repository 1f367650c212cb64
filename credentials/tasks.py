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
        return services.letter_issue(assessment_id=assessment_id, version=version).pk
    except SigningKeyUnavailable as exc:
        logger.error("letter of assessment %s v%s not signed, will retry: %s", assessment_id, version, exc)
        if self.request.is_eager:
            # Inline (no broker, the embedded setup): retrying in place would only fail again,
            # and raising would turn the approver's committed sign-off into an error page.
            return None
        raise self.retry(exc=exc, countdown=min(LETTER_RETRY_MAX_SECONDS, 30 * 2 ** self.request.retries)) from exc
