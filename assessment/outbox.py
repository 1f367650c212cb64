"""The outbox: every email is first a row, written in the transaction of the change that
caused it, and sent after commit by a Celery task (docs/architecture.md, "Email and reminders").

Any part of the system enqueues with its own key; the key says why the email exists
(`application:42:submitted`, `sla:42:at_risk`, `review:7:2:30`), and each person it goes to
gets a row of their own (unique on key and address): one message per person, never one
message with everyone in To. Once a key has rows, enqueueing it again adds nothing, so a
sweep or a transition run twice decides nothing twice.

The policy for all outbox mail is **at most once** (docs/rules.md, "Email"): a message the SMTP
server may already have is never sent again by the machinery; only a person can decide to
resend it. In detail:
- A row is sent only by the process that claimed it: one conditional UPDATE moves it from
  `pending` to `sending` with a fresh claim token, so two tasks (a duplicate delivery, a
  retry, the flush) never both talk to SMTP about it. A row goes back to `pending` only
  from its own claim.
- Only errors raised by the SMTP conversation *before the message content was handed over*
  (connect, greeting, MAIL FROM, RCPT TO) are retryable: nothing can have been accepted, so
  the row is `pending` again and the task retries. 5xx refusals mark it `failed`.
- Once the content is on its way (DATA), an error is ambiguous: the server may have queued
  the message before the connection broke. Such a row becomes `uncertain`, not `pending`.
- Once the server accepted the message, the first thing done is one UPDATE to `sent`.
  Everything after that (closing the connection, logging) runs outside the error handling
  of the conversation and can never put the row back to `pending`: marking it sent inside
  the same try as the send is not enough, because an error raised by that bookkeeping (or
  by QUIT) would be taken for a failed send and retried. If the UPDATE itself fails, the
  task fails without a retry and the row stays `sending`. The flush (`outbox_flush`), which
  sends many over one connection, claims a batch in one UPDATE and records the batch's
  accepted messages in one UPDATE when the batch ends, whatever ends it: a flush that dies
  in between leaves them `sending`, and so `uncertain` after the lease, never sent twice.
- A row still `sending` after `CLAIM_LEASE` means its sender died between claim and
  outcome; whether the server accepted it is unknowable, so `outbox_flush` marks it
  `uncertain` instead of sending it again. The admin lists uncertain and failed rows with a
  "resend" action for a person who checked (the recipient, the mail log) that it did not
  arrive.
The Message-ID is derived from the key and the address, so a resend a person chose still
shows once in clients that de-duplicate by Message-ID.

A workflow step queues its one email rendered (`outbox_enqueue`). Sweeps queue many reasons
at once with `outbox_enqueue_many`, unrendered: each row keeps its template and a JSON
snapshot of the context taken when the reason arose, and is rendered as it is sent, so the
email still says what was true then; the bodies are then stored on the row. All of them go
in one INSERT ... ON CONFLICT (key, recipient) DO NOTHING RETURNING id. The unique index
decides between two sweeps writing the same key at the same time (the second waits for the
first to commit, then inserts nothing), so no row lock is needed; only the rows actually
inserted get a send task, after commit.

Each person reads their email in their own language (`User.language` when the reason arose,
kept on the row; an address without an account gets LANGUAGE_CODE): a step's email is
rendered once per language among its recipients, a sweep's row as it is sent; the subject is
written out per recipient as the row is written (callers pass it lazily: in_each_language),
and the page the email links to is the one in the recipient's language.
"""

import contextlib
import hashlib
import json
import logging
import smtplib
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy

from accounts.language import path_in
from accounts.models import User
from config.broker import task_delay_on_commit

from .bulk_sql import outbox_sent_record
from .models import OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

# How long a claimed row may stay `sending` before the flush takes its sender to be dead.
CLAIM_LEASE = timedelta(minutes=10)


class TransientSendError(Exception):
    """The SMTP server or the network failed before the message was handed over: worth
    retrying later, and nothing can have been delivered."""


def in_each_language(build):
    """A text that `build()` writes out in whatever language is active when it is used: a
    subject, written once per recipient in theirs."""
    return lazy(build, str)()


def recipient_languages(addresses) -> dict[str, str]:
    """The language each address reads its email in: its account's, else LANGUAGE_CODE."""
    known = dict(User.objects.filter(email__in=list(addresses)).values_list("email", "language"))
    return {address: known.get(address, settings.LANGUAGE_CODE) for address in addresses}


def _render(template, context, language) -> tuple[str, str]:
    """The plain-text and HTML bodies of `template` in `language`, linking to the page in it."""
    with translation.override(language):
        if context.get("path"):
            context = {**context, "path": path_in(context["path"], language)}
        return (render_to_string("emails/%s.txt" % template, context),
                render_to_string("emails/%s.html" % template, context))


def _subject_in(subject, language) -> str:
    with translation.override(language):
        return str(subject)


def outbox_enqueue(*, key, recipients, template, context, subject) -> list[OutboxMessage]:
    """Write the email `key` (once) to each recipient, for sending after the caller's
    transaction commits.

    `template` names `templates/emails/<template>.txt` and `.html`, rendered now with
    `context` so the email says what was true when it was caused, once per language of the
    recipients; `subject` is written out in each (a lazy string). Answers the rows of this
    key (an empty list when there is nobody to write to). A key that already has rows is
    not extended: whoever was told, was told when the reason arose."""
    recipients = sorted({address.strip().lower() for address in recipients if address})
    if not recipients:
        logger.warning("outbox message %s has no recipients; nothing queued", key)
        return []
    existing = list(OutboxMessage.objects.filter(key=key))
    if existing:
        return existing
    context = {**context, "site_url": settings.SITE_URL}
    languages = recipient_languages(recipients)
    written = {
        language: (_subject_in(subject, language), *_render(template, context, language))
        for language in sorted(set(languages.values()))
    }
    rows = []
    for address in recipients:
        subject_text, body_text, body_html = written[languages[address]]
        rows.append(OutboxMessage(key=key, recipient=address, subject=subject_text, template=template,
                                  language=languages[address], body_text=body_text, body_html=body_html))
    try:
        with transaction.atomic():
            messages = OutboxMessage.objects.bulk_create(rows)
    except IntegrityError:
        # Another caller enqueued the same reason at the same moment (the unique index on key
        # and recipient settled it): keep theirs, add only whoever they did not write to.
        messages = []
        for row in rows:
            message, created = OutboxMessage.objects.get_or_create(
                key=key, recipient=row.recipient,
                defaults={"subject": row.subject, "template": template, "language": row.language,
                          "body_text": row.body_text, "body_html": row.body_html},
            )
            if created:
                _send_on_commit(message.pk)
            messages.append(message)
        return messages
    for message in messages:
        _send_on_commit(message.pk)
    return messages


@dataclass(frozen=True)
class Email:
    """One reason to write to people, as `outbox_enqueue_many` takes it: `context` holds
    plain JSON values (dates written out), a snapshot of what was true when it was caused."""

    key: str
    recipients: list
    template: str
    context: dict
    subject: str


def _addresses(recipients):
    return sorted({address.strip().lower() for address in recipients if address})


# Only keys that have no row yet: a key is never extended to someone who joined later
# (whoever was told, was told when the reason arose), as outbox_enqueue does. The rows come
# as one JSON document: psycopg quotes text arrays element by element in Python, which cost
# more than the INSERT itself.
_ENQUEUE_MANY = """
INSERT INTO {table} (key, recipient, subject, template, context, language, body_text, body_html, status,
                     attempts, last_error, created_at)
SELECT m.key, m.recipient, m.subject, m.template, m.context, m.language, '', '', %s, 0, '', %s
FROM jsonb_to_recordset(%s::jsonb) AS m(key text, recipient text, subject text, template text, context jsonb,
                                         language text)
WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.key = m.key)
ORDER BY m.key, m.recipient
ON CONFLICT (key, recipient) DO NOTHING
RETURNING id, key
"""


def outbox_enqueue_many(emails) -> dict[str, int]:
    """Write each of `emails` (once per key) to each of its recipients in one statement, for
    sending after the caller's transaction commits. Answers {key: rows written} for the keys
    this call wrote; a key that already had rows, or was written meanwhile by another
    caller, is left as it is and is not in the answer.

    Nothing is rendered here: a row keeps the template and the JSON context, and is rendered
    once, as it is sent (a sweep's day of reminders spent most of its time in the template
    engine, for messages that then wait for the worker anyway). A context that is not plain
    JSON fails here, in the transaction of its cause, not later in the worker. Rows go in key
    order, so two sweeps writing the same keys wait for each other instead of deadlocking."""
    rows = []
    emails = [(email, _addresses(email.recipients)) for email in emails]
    languages = recipient_languages({address for _email, addresses in emails for address in addresses})
    for email, addresses in emails:
        if not addresses:
            logger.warning("outbox message %s has no recipients; nothing queued", email.key)
            continue
        rows += [
            {"key": email.key, "recipient": address, "subject": _subject_in(email.subject, languages[address])[:300],
             "template": email.template, "context": email.context, "language": languages[address]}
            for address in addresses
        ]
    if not rows:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_ENQUEUE_MANY.format(table=OutboxMessage._meta.db_table),
                       [Status.PENDING, timezone.now(), json.dumps(rows)])
        written = cursor.fetchall()
    counts = {}
    for message_id, key in written:
        counts[key] = counts.get(key, 0) + 1
        _send_on_commit(message_id)
    return counts


def outbox_render(message) -> tuple[str, str]:
    """The plain-text and HTML bodies of `message`: as stored once rendered, else rendered
    from its template and context in the recipient's language."""
    if message.body_text or not message.template:
        return message.body_text, message.body_html
    context = {**message.context, "site_url": settings.SITE_URL}
    return _render(message.template, context, message.language)


def _send_on_commit(message_id):
    from .tasks import outbox_send

    # A pending row is sent by outbox_flush (beat, every five minutes) if the broker is down.
    task_delay_on_commit(outbox_send, message_id, sweep="outbox_flush")


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
