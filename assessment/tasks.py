"""Celery tasks of the casework: ids in, a service does the work; each safe to run twice."""

from celery import shared_task

from . import outbox


@shared_task(bind=True, max_retries=6, acks_late=True)
def outbox_send(self, message_id):
    """Send one outbox message. A transient SMTP fault retries with a growing delay; after
    the last retry the row stays pending for `outbox_flush_task`."""
    try:
        outbox.outbox_deliver(message_id)
    except outbox.TransientSendError as error:
        raise self.retry(exc=error, countdown=min(30 * 2 ** self.request.retries, 1800)) from error


@shared_task
def outbox_flush_task():
    return outbox.outbox_flush()


@shared_task(acks_late=True)
def sla_sweep_task():
    """The daily clock sweep; idempotent, so a duplicate delivery does nothing more."""
    from .services import sla_sweep

    return str(sla_sweep())
