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

from .delivery import (
    CLAIM_LEASE,
    TransientSendError,
    outbox_deliver,
    outbox_flush,
    outbox_mark_abandoned,
    outbox_resend,
)
from .enqueue import (
    Email,
    in_each_language,
    outbox_enqueue,
    outbox_enqueue_many,
    outbox_render,
    recipient_languages,
)

__all__ = [
    "CLAIM_LEASE", "Email", "TransientSendError", "in_each_language", "outbox_deliver", "outbox_enqueue",
    "outbox_enqueue_many", "outbox_flush", "outbox_mark_abandoned", "outbox_render", "outbox_resend",
    "recipient_languages",
]
