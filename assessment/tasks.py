"""Celery tasks of the casework: ids in, a service does the work; each safe to run twice."""

from celery import shared_task

from credentials.letters.keys import SigningKeyUnavailable
from credentials.tasks import LETTER_MAX_RETRIES, retry_until_signed

from . import outbox, services


@shared_task(bind=True, max_retries=6, acks_late=True)
def outbox_send(self, message_id):
    """Send one outbox message. Only a fault before the message was handed to the SMTP
    server (TransientSendError) retries, with a growing delay; after the last retry the row
    stays pending for `outbox_flush_task`. Anything else fails the task without a retry: a
    redelivered or repeated task finds the row no longer pending and sends nothing
    (assessment/outbox/ explains the at-most-once policy)."""
    try:
        outbox.outbox_deliver(message_id)
    except outbox.TransientSendError as error:
        raise self.retry(exc=error, countdown=min(30 * 2 ** self.request.retries, 1800)) from error


@shared_task
def outbox_flush_task():
    return outbox.outbox_flush()


@shared_task
def review_sweep_task():
    from .review import review_sweep

    return str(review_sweep())


@shared_task(bind=True, acks_late=True, max_retries=LETTER_MAX_RETRIES)
def decision_letter_produce(self, application_id):
    """Produce a declined case's signed letter. A missing or unreadable signing key is an
    operator's fault to fix: the task logs an error and retries, and the case page shows the
    letter as being produced meanwhile (never a broken or unsigned file)."""
    try:
        letter = services.decision_letter_produce(application_id=application_id)
    except SigningKeyUnavailable as exc:
        return retry_until_signed(self, exc, "decision letter of application %s" % application_id)
    return letter.pk if letter else None


@shared_task(acks_late=True)
def sla_sweep_task():
    """The daily clock sweep; idempotent, so a duplicate delivery does nothing more."""
    from .services import sla_sweep

    return str(sla_sweep())


@shared_task(acks_late=True)
def letters_sweep_task():
    """Every few minutes: the letters whose task was lost. Idempotent, so a duplicate delivery
    or an overlap with the previous run stores nothing twice."""
    from .lost_letters import letters_sweep

    return str(letters_sweep())
