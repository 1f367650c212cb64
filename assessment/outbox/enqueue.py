"""Writing the outbox: a step's email rendered once per language among its recipients
(`outbox_enqueue`), a sweep's reasons unrendered in one INSERT (`outbox_enqueue_many`), and the
bodies of a row as it is sent (`outbox_render`). The policy: the package's docstring."""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy

from accounts.language import path_in
from accounts.models import User
from config.broker import task_delay_on_commit

from ..models import OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status



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
    from ..tasks import outbox_send

    # A pending row is sent by outbox_flush (beat, every five minutes) if the broker is down.
    task_delay_on_commit(outbox_send, message_id, sweep="outbox_flush")
