"""Sending the outbox at most once: claim, converse, record (`outbox_deliver`, `outbox_flush`),
and a person's resend (`outbox_resend`). The policy: the package's docstring."""

import contextlib
import hashlib
import json
import logging
import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..bulk_sql import outbox_sent_record
from ..models import OutboxMessage
from .enqueue import _send_on_commit, outbox_render

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

# How long a claimed row may stay `sending` before the flush takes its sender to be dead.
CLAIM_LEASE = timedelta(minutes=10)


class TransientSendError(Exception):
    """The SMTP server or the network failed before the message was handed over: worth
    retrying later, and nothing can have been delivered."""


def _message_id(message):
    digest = hashlib.sha256(("%s\n%s" % (message.key, message.recipient)).encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return "<%s@%s>" % (digest, domain)


def _claim(message_id):
    token = OutboxMessage.new_claim_token()
    claimed = OutboxMessage.objects.filter(pk=message_id, status=Status.PENDING).update(
        status=Status.SENDING, claim_token=token, claimed_at=timezone.now(), attempts=F("attempts") + 1,
    )
    return token if claimed else None


class _Conversation:
    """Whether the message content has started going to the server: from then on an error
    no longer proves that the message was not accepted."""

    def __init__(self):
        self.content_started = False


@contextlib.contextmanager
def _watching(connection):
    conversation = _Conversation()
    smtp = getattr(connection, "connection", None)  # the smtplib.SMTP of Django's SMTP backend
    if smtp is None:
        yield conversation
        return
    data = smtp.data

    def watched_data(msg):
        conversation.content_started = True
        return data(msg)

    smtp.data = watched_data
    try:
        yield conversation
    finally:
        smtp.data = data


def _refused_for_good(error):
    if isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def outbox_deliver(message_id, *, connection=None) -> bool:
    """Send one pending message if this call wins its claim. Answers whether it was sent.

    Raises TransientSendError (the row is pending again) only when nothing can have been
    delivered; any other outcome is final for the machinery (module docstring)."""
    token = _claim(message_id)
    if token is None:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    own_connection = connection is None
    connection = connection or get_connection()
    rendered = _send_claimed(message, token, connection, own_connection)
    if rendered is None:
        return False
    # Accepted. Record it first; nothing below may turn into a retry.
    _mine(message, token).update(status=Status.SENT, sent_at=timezone.now(), last_error="", **rendered)
    _close_quietly(connection, own_connection)
    logger.info("outbox message %s sent to one recipient", message.key)
    return True


def _mine(message, token):
    return OutboxMessage.objects.filter(pk=message.pk, claim_token=token)


def _send_claimed(message, token, connection, own_connection, renders=None):
    """Talk to the SMTP server about one message this sender claimed. Answers the bodies to
    store with the `sent` mark when the server accepted it (empty when the row has its
    bodies already), None when the outcome (failed, uncertain) is recorded here; raises
    TransientSendError, the row pending again, when nothing can have been delivered.
    `renders` keeps the bodies rendered for a template and context, for a batch whose
    messages share them (the same email to each person)."""
    mine = _mine(message, token)
    try:
        body_text, body_html = _rendered(message, renders)
    except Exception as error:  # noqa: BLE001 - a template fault fails this message, not the worker
        mine.update(status=Status.FAILED, last_error="Rendering failed: %r" % (error,))
        logger.exception("outbox message %s could not be rendered; marked failed", message.key)
        return None
    # Bodies rendered just now are kept with whatever outcome is recorded, so the admin
    # shows what went (or was attempted) and a retry sends the same text. (A sender that dies
    # before recording an outcome leaves them unstored; a resend renders the same snapshot.)
    rendered = {} if message.body_text else {"body_text": body_text, "body_html": body_html}
    email = EmailMultiAlternatives(
        subject=message.subject, body=body_text, to=[message.recipient],
        headers={"Message-ID": _message_id(message)}, connection=connection,
    )
    if body_html:
        email.attach_alternative(body_html, "text/html")
    conversation = _Conversation()
    try:
        connection.open()
        with _watching(connection) as conversation:
            email.send()
    except (smtplib.SMTPException, OSError) as error:
        _close_quietly(connection, own_connection)
        if conversation.content_started:
            mine.update(status=Status.UNCERTAIN, last_error=repr(error)[:2000], **rendered)
            logger.error("outbox message %s to %s: the SMTP conversation broke during DATA; marked "
                         "uncertain, not retried: %r", message.key, message.recipient, error)
            return None
        if _refused_for_good(error):
            mine.update(status=Status.FAILED, last_error=repr(error)[:2000], **rendered)
            logger.error("outbox message %s refused by the SMTP server: %r", message.key, error)
            return None
        mine.update(status=Status.PENDING, claim_token=None, last_error=repr(error)[:2000], **rendered)
        raise TransientSendError(str(error)) from error
    return rendered


def _rendered(message, renders):
    if renders is None or message.body_text or not message.template:
        return outbox_render(message)
    memo = (message.template, json.dumps(message.context, sort_keys=True))
    if memo not in renders:
        renders[memo] = outbox_render(message)
    return renders[memo]


def _close_quietly(connection, own_connection):
    if not own_connection:
        return
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a failed QUIT changes nothing about what was sent
        logger.warning("closing the SMTP connection failed", exc_info=True)


def _no_delay(connection):
    """Open the connection and send each SMTP command at once: with Nagle's algorithm a
    batch over one connection waits on delayed ACKs (about 40 ms a message on loopback)."""
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        return  # the first delivery reports it, as a transient fault
    sock = getattr(getattr(connection, "connection", None), "sock", None)
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def outbox_mark_abandoned() -> int:
    """Rows whose sender died between claim and outcome (still `sending` after the lease)
    become `uncertain`: the server may have them, so they are never sent again automatically."""
    stale = timezone.now() - CLAIM_LEASE
    count = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.UNCERTAIN, last_error="The sender stopped before recording the outcome; check, then resend.",
    )
    if count:
        logger.error("%d outbox message(s) marked uncertain: a sender died mid-send; see the admin", count)
    return count


# How many messages the flush claims at a time: its claim, and the record of what the SMTP
# server accepted, are one statement per batch, not per message.
FLUSH_BATCH = 100


def outbox_flush(*, limit=1000) -> int:
    """Send every pending message over one SMTP connection, and mark abandoned sends
    uncertain. Answers how many were sent. Safe to run beside the send tasks: claims decide.

    A batch at a time: one UPDATE claims up to FLUSH_BATCH pending rows, each is rendered
    (once per template and context: the same email to two people is rendered once) and
    sent, and those the server accepted are marked `sent` in one UPDATE when the batch ends,
    whatever ends it. A flush that dies mid-batch leaves those rows `sending`; after the lease
    they become `uncertain`, never sent again by the machinery (at most once)."""
    outbox_mark_abandoned()
    sent = 0
    connection = get_connection()
    try:
        _no_delay(connection)
        remaining = limit
        while remaining > 0:
            token, batch = _claim_batch(min(FLUSH_BATCH, remaining))
            if not batch:
                break
            remaining -= len(batch)
            accepted, stopped = _send_batch(token, batch, connection)
            sent += accepted
            if stopped:
                break
    finally:
        _close_quietly(connection, True)
    return sent


def _claim_batch(size):
    """Claim up to `size` pending rows, oldest first, under one fresh token: (token, rows).
    Rows another sender holds are skipped, not waited for."""
    token = OutboxMessage.new_claim_token()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(status=Status.PENDING).order_by("created_at", "id")
            .select_for_update(skip_locked=True).values_list("pk", flat=True)[:size]
        )
        OutboxMessage.objects.filter(pk__in=ids, status=Status.PENDING).update(
            status=Status.SENDING, claim_token=token, claimed_at=timezone.now(), attempts=F("attempts") + 1,
        )
    return token, list(OutboxMessage.objects.filter(claim_token=token).order_by("created_at", "id")) if ids else []


def _send_batch(token, batch, connection):
    """Send the claimed rows in order; record those accepted in one statement, whatever ends
    the batch. Answers (how many were sent, whether the SMTP server stopped the flush)."""
    accepted, renders, stopped = [], {}, False
    try:
        for position, message in enumerate(batch):
            try:
                rendered = _send_claimed(message, token, connection, False, renders)
            except TransientSendError:
                logger.warning("outbox flush stopped: the SMTP server is unavailable", exc_info=True)
                OutboxMessage.objects.filter(pk__in=[m.pk for m in batch[position + 1:]], claim_token=token).update(
                    status=Status.PENDING, claim_token=None)
                stopped = True
                break
            if rendered is not None:
                accepted.append((message.pk, rendered.get("body_text"), rendered.get("body_html")))
    finally:
        outbox_sent_record(token=token, sent_at=timezone.now(), rows=accepted)
    if accepted:
        logger.info("outbox flush: %d message(s) sent, one recipient each", len(accepted))
    return len(accepted), stopped


@transaction.atomic
def outbox_resend(*, message_ids) -> int:
    """A person checked that these uncertain or failed messages did not arrive: send them
    again (the only way a message leaves twice). Answers how many were queued."""
    ids = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=message_ids, status__in=[Status.UNCERTAIN, Status.FAILED])
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(status=Status.PENDING, claim_token=None)
    for message_id in ids:
        _send_on_commit(message_id)
    return len(ids)
