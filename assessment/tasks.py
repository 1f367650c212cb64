"""Celery tasks of the casework: ids in, a service does the work; each safe to run twice."""

from celery import shared_task

from . import outbox


@shared_task(bind=True, max_retries=6, acks_late=True)
def outbox_send(self, message_id):
    """Send one outbox message. Only a fault before the message was handed to the SMTP
    server (TransientSendError) retries, with a growing delay; after the last retry the row
    stays pending for `outbox_flush_task`. Anything else fails the task without a retry: a
    redelivered or repeated task finds the row no longer pending and sends nothing
    (outbox.py explains the at-most-once policy)."""
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
