"""The outbox: every email is first a row, written in the transaction of the change that
caused it, and sent after commit by a Celery task (architecture.md, "Email and reminders").

Any part of the system enqueues with its own key; the key says why the email exists
(`application:42:submitted`, `sla:42:at_risk`, `review:7:2:30`), so the same reason never
makes two messages, however often the caller runs.

Exactly once, and where that ends:
- A row is sent only by the process that claimed it: one conditional UPDATE moves it from
  `pending` to `sending` with a fresh claim token, so two tasks (a duplicate delivery, a
  retry, the flush) never both talk to SMTP about it.
- A worker that dies after the transition's commit but before sending leaves the row
  `pending`: `outbox_flush` (beat, or the command) sends it later.
- The remaining window: a worker that dies after the SMTP server accepted the message but
  before the row is marked `sent` leaves it `sending`. After `CLAIM_LEASE` the flush sends it
  again (a lost email is worse than a repeated one); the Message-ID is derived from the key,
  so mail clients and servers that de-duplicate by Message-ID show it once. SMTP offers no
  way to close this window entirely.
"""

import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# How long a claimed row may stay `sending` before the flush takes it to be abandoned.
CLAIM_LEASE = timedelta(minutes=10)


class TransientSendError(Exception):
    """The SMTP server or the network failed in a way worth retrying later."""


def outbox_enqueue(*, key, recipients, template, context, subject) -> OutboxMessage | None:
    """Write the email `key` (once) for sending after the caller's transaction commits.

    `template` names `templates/emails/<template>.txt` and `.html`, rendered now with
    `context` so the email says what was true when it was caused. Answers the message, or
    None when there is nobody to write to."""
    recipients = sorted({address.strip().lower() for address in recipients if address})
    if not recipients:
        logger.warning("outbox message %s has no recipients; nothing queued", key)
        return None
    context = {**context, "site_url": settings.SITE_URL}
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "recipients": recipients,
            "subject": subject,
            "body_text": render_to_string("emails/%s.txt" % template, context),
            "body_html": render_to_string("emails/%s.html" % template, context),
        },
    )
    if created:
        from .tasks import outbox_send

        transaction.on_commit(lambda: outbox_send.delay(message.pk))
    return message


def _message_id(message):
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return "<%s@%s>" % (digest, domain)


def _claim(message_id, *, include_stale=False):
    token = OutboxMessage.new_claim_token()
    now = timezone.now()
    claimable = Q(status=OutboxMessage.Status.PENDING)
    if include_stale:
        claimable |= Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    claimed = OutboxMessage.objects.filter(claimable, pk=message_id).update(
        status=OutboxMessage.Status.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1,
    )
    return token if claimed else None


def outbox_deliver(message_id, *, connection=None, include_stale=False) -> bool:
    """Send one pending message if this call wins its claim. Answers whether it sent.

    Raises TransientSendError (the row is pending again) when a retry may succeed; a
    permanent refusal marks the row `failed` with the reason."""
    token = _claim(message_id, include_stale=include_stale)
    if token is None:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    mine = OutboxMessage.objects.filter(pk=message_id, claim_token=token)
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, to=message.recipients,
        headers={"Message-ID": _message_id(message)}, connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    try:
        email.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        mine.update(status=OutboxMessage.Status.FAILED, last_error=repr(error)[:2000])
        logger.error("outbox message %s refused by the SMTP server: %r", message.key, error)
        return False
    except (smtplib.SMTPException, OSError) as error:
        if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
            mine.update(status=OutboxMessage.Status.FAILED, last_error=repr(error)[:2000])
            logger.error("outbox message %s refused by the SMTP server: %r", message.key, error)
            return False
        mine.update(status=OutboxMessage.Status.PENDING, claim_token=None, last_error=repr(error)[:2000])
        raise TransientSendError(str(error)) from error
    mine.update(status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error="")
    logger.info("outbox message %s sent to %d recipient(s)", message.key, len(message.recipients))
    return True


def outbox_flush(*, limit=1000) -> int:
    """Send every pending message (and any abandoned mid-send) over one SMTP connection.
    Answers how many were sent. Safe to run beside the send tasks: claims decide."""
    stale = timezone.now() - CLAIM_LEASE
    ids = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=stale)
        ).order_by("created_at", "id").values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    sent = 0
    with get_connection() as connection:
        for message_id in ids:
            try:
                sent += outbox_deliver(message_id, connection=connection, include_stale=True)
            except TransientSendError:
                logger.warning("outbox flush stopped: the SMTP server is unavailable", exc_info=True)
                break
    return sent
