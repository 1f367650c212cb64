"""Periodic review (docs/rules.md, "Periodic review"): the daily sweep that opens review cases,
reminds providers and lapses what was not reviewed, and what a review's outcome does to the
register entry.

The schedule lives in settings: REVIEW_OPENS_DAYS_BEFORE, REVIEW_REMINDER_DAYS (days before
the due date; negative after it), REVIEW_LAPSE_AFTER_DAYS, DISCONTINUE_HONOURED_MONTHS.

At most once, without locking the entries: the sweep is set-based. One query finds the
entries with something to do today (not filed, and lapsing, without a live review case, or
with today's reminder step not yet in the outbox); on a day with nothing to do it is all the
sweep reads.
What it decides is then written in one transaction, a fixed handful of statements however
many entries are due:
- the live cases are read again first, locked (as submitting locks them): a review filed
  since the query stops there, and one being filed waits for the sweep;
- the missing review cases with one INSERT ... ON CONFLICT DO NOTHING RETURNING: the unique
  constraints (one live review case per entry and period, one open case per
  micro-credential) decide, and only the cases this sweep inserted count as opened;
- the lapses with one UPDATE ... WHERE status = 'current' RETURNING (`assessments_lapse`),
  and their draft cases withdrawn, with their history, in one more statement;
- every reminder and lapse notice with one INSERT ... ON CONFLICT (key, recipient) DO NOTHING
  (`outbox.outbox_enqueue_many`), each an outbox row keyed `review:<assessment>:<cycle>:<step>`
  (one per person), in the same transaction as the decision it follows from; only the rows
  inserted get a send task, after commit. The rows hold the template and a JSON snapshot of
  what the email says; it is rendered as it is sent.
With two sweeps at once, the second one waits at the locked re-read for the first to commit
(when they share live cases), and in any case its inserts wait on the first one's uncommitted
rows in the unique indexes and then insert nothing, and its UPDATE waits on the first one's
row locks and then finds the entries no longer current: correctness comes from the
constraints and from conditional writes, not from locking the entries before deciding. Rows are written
in key (or id) order so two sweeps wait for each other instead of deadlocking. The outbox
sends each row at most once (assessment/outbox/).

Why a handful of statements and not one: the whole decision could be a single statement of
data-modifying CTEs, saving three or four round trips (about a third of a day's sweep over
100,000 entries, benchmarks/review_sweep.py). It would pull the register's lapse
(credentials.services) and the outbox's insert (assessment/outbox/) into this module's SQL, and patch
the emails' JSON with case ids known only after the insert. A sweep that runs once a day in
tens of milliseconds does not need that; each part stays with the app that owns it.

What the outcomes mean for the entry:
- filed (submitted, and not withdrawn since): no more reminders, and it cannot lapse;
- `discontinue`: the entry becomes `expiring` at submission (the provider's own decision needs
  no judgment), then `discontinued` once its honoured period ends;
- approved at sign-off: renewed (next due date, new letter version);
- declined at sign-off: the agency found that the assessment no longer stands, which is what
  `revoked` means ("by the agency, with a reason"); `lapsed` is kept for a review never filed;
- withdrawn: not filed. The sweep opens a new draft for the same period the next day, the
  reminders continue where they were (their keys are per period), and the entry lapses if
  nothing is filed in time.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from credentials.models import Assessment
from credentials.services import assessments_discontinued_after_end, assessments_lapse

from . import clock, notifications
from .bulk_sql import review_cases_insert
from .models import Application, ApplicationEvent, OutboxMessage
from .outbox import outbox_enqueue_many

logger = logging.getLogger(__name__)

State = Application.State


def reminder_steps() -> tuple[int, ...]:
    """The reminder days, latest first in time order: (90, 30, 7, 0, -7)."""
    return tuple(sorted(set(settings.REVIEW_REMINDER_DAYS), reverse=True))


def reminder_step_due(days_before: int, steps=None) -> int | None:
    """The step whose day has come most recently, or None before the first.

    Only this step is ever sent: a step missed because the sweep did not run on its day is
    not sent late once a later step is due (two reminders at once would only confuse), and
    the step due is still sent if the sweep runs a few days after its day."""
    due = [step for step in (steps or reminder_steps()) if step >= days_before]
    return min(due) if due else None


def reminder_key(assessment_id, cycle, step) -> str:
    return "review:%d:%d:%d" % (assessment_id, cycle, step)


def lapse_key(assessment_id, cycle) -> str:
    return "review:%d:%d:lapsed" % (assessment_id, cycle)


def lapses_on(due_date: dt.date) -> dt.date:
    return due_date + dt.timedelta(days=settings.REVIEW_LAPSE_AFTER_DAYS)


def opens_on(due_date: dt.date) -> dt.date:
    return due_date - dt.timedelta(days=settings.REVIEW_OPENS_DAYS_BEFORE)


@dataclass
class ReviewSweepResult:
    opened: int = 0
    reminded: int = 0
    lapsed: int = 0
    discontinued: int = 0
    examined: int = 0

    def __str__(self):
        return "%d examined, %d review case(s) opened, %d reminder(s) queued, %d lapsed, %d discontinued" % (
            self.examined, self.opened, self.reminded, self.lapsed, self.discontinued)


def review_sweep(*, as_of: dt.date | None = None) -> ReviewSweepResult:
    """Open review cases, queue the reminder due today, lapse entries whose review was not
    filed in time, and end the honoured period of discontinued ones, as if the date were
    `as_of`. Idempotent: a second run on the same date changes and sends nothing.

    A day with nothing to do costs two statements (the discontinued UPDATE and the query for
    entries with something to do, which finds none); a day with work a fixed handful more,
    however many entries are due (module docstring). `examined` counts the entries that had
    something to do."""
    as_of = as_of or clock.agency_date(timezone.now())
    result = review_entries_decide(as_of=as_of)
    result.discontinued = assessments_discontinued_after_end(as_of=as_of)
    logger.info("review sweep for %s: %s", as_of.isoformat(), result)
    return result


def review_decide(*, assessment_id, as_of) -> ReviewSweepResult:
    """What the sweep does about one entry on `as_of` (the demo data and tests use it)."""
    return review_entries_decide(as_of=as_of, assessment_id=assessment_id)


def review_entries_decide(*, as_of, assessment_id=None) -> ReviewSweepResult:
    """Everything the sweep does on `as_of` (about one entry, given `assessment_id`). The
    entries with something to do are read first, outside a transaction: with nothing to do
    that one query is all; what the sweep writes is decided in one transaction, where the
    unique constraints settle any race with another sweep (module docstring)."""
    result = ReviewSweepResult()
    entries = _entries_with_something_to_do(as_of=as_of, assessment_id=assessment_id)
    result.examined = len(entries)
    if entries:
        with transaction.atomic():
            _entries_decide(entries, as_of=as_of, result=result)
    return result


def _entries_decide(entries, *, as_of, result):
    # Read again in the transaction, locked: a review filed since the entries were read stops here.
    live, filed = _live_cases([entry.pk for entry in entries])
    entries = [entry for entry in entries if entry.pk not in filed]
    lapsing = [entry for entry in entries if as_of >= lapses_on(entry.review_due_date)]
    reviewing = [entry for entry in entries if as_of < lapses_on(entry.review_due_date)]
    opened = _cases_open([entry for entry in reviewing if entry.pk not in live])
    result.opened = len(opened)
    live.update(opened)
    emails = _reminders(reviewing, live, opened, as_of=as_of)
    lapsed = _lapse(lapsing, live)
    result.lapsed = len(lapsed)
    emails += [
        notifications.review_lapsed(entry, key=lapse_key(entry.pk, entry.review_cycle),
                                    recipients=entry.provider_addresses)
        for entry in lapsed
    ]
    written = outbox_enqueue_many(emails)
    result.reminded = sum(1 for email in emails if email.template == "review_reminder" and email.key in written)


@dataclass
class Entry:
    """A register entry as the sweep reads it: what it decides on and what its emails say."""

    pk: int
    reference: str
    title: str
    microcredential_id: int
    provider_id: int
    provider_name: str
    provider_addresses: list
    review_due_date: dt.date
    review_cycle: int
    step: int | None  # the reminder step due (reminder_step_due), if any
    reminded: bool  # that step is already in the outbox
    current_until: dt.date | None = None  # set when it lapses


# The entries with something to do on a date, in one statement: written out rather than
# built with the ORM, because composing and compiling the equivalent queryset cost several
# times the query itself on a day with nothing to do. `step` is reminder_step_due in SQL
# (the CASE lists the steps earliest day first); the LEFT JOIN finds at most one live case
# (the unique constraint `application_one_review_case_per_cycle`).
_ENTRIES_WITH_SOMETHING_TO_DO = """
SELECT a.id, a.reference, a.title, a.microcredential_id, a.provider_id, p.name,
       a.review_due_date, a.review_cycle, a.step,
       EXISTS (SELECT 1 FROM {outbox} o
               WHERE o.key = 'review:' || a.id || ':' || a.review_cycle || ':' || a.step),
       u.email
FROM (SELECT w.*, CASE {step_cases} END AS step
      FROM {assessment} w
      WHERE w.status = %(current)s AND w.review_due_date <= %(opens)s {only}) a
JOIN {organisation} p ON p.id = a.provider_id
LEFT JOIN {user} u ON u.organisation_id = a.provider_id AND u.role = %(provider)s AND u.is_active
LEFT JOIN {application} c
       ON c.reviewed_assessment_id = a.id AND c.review_cycle = a.review_cycle
      AND c.kind = %(review)s AND c.state <> %(withdrawn)s
WHERE c.submitted_at IS NULL
  AND (a.review_due_date <= %(lapses)s
       OR c.id IS NULL
       OR (a.step IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM {outbox} o
               WHERE o.key = 'review:' || a.id || ':' || a.review_cycle || ':' || a.step)))
ORDER BY a.id, u.email
"""


def _entries_with_something_to_do(*, as_of, assessment_id=None):
    """The current entries in their review window whose review is not filed and that lapse
    today, have no live review case, or have a reminder due that has no outbox row yet, as
    Entry rows, in one query: the window is read through the (status, review_due_date)
    index; the case and the reminder are index probes per entry in it; an entry comes once
    for each active account of its provider (its addresses), or once with none."""
    steps = sorted(reminder_steps())
    params = {
        "review": Application.Kind.REVIEW, "withdrawn": State.WITHDRAWN, "current": Assessment.Status.CURRENT,
        "provider": User.Role.PROVIDER,
        "opens": as_of + dt.timedelta(days=settings.REVIEW_OPENS_DAYS_BEFORE),
        "lapses": as_of - dt.timedelta(days=settings.REVIEW_LAPSE_AFTER_DAYS),
        "only": assessment_id,
        **{"step_day_%d" % n: as_of + dt.timedelta(days=step) for n, step in enumerate(steps)},
        **{"step_%d" % n: step for n, step in enumerate(steps)},
    }
    sql = _ENTRIES_WITH_SOMETHING_TO_DO.format(
        assessment=Assessment._meta.db_table, application=Application._meta.db_table,
        outbox=OutboxMessage._meta.db_table, organisation=Organisation._meta.db_table, user=User._meta.db_table,
        step_cases=" ".join("WHEN w.review_due_date <= %%(step_day_%d)s THEN CAST(%%(step_%d)s AS integer)" % (n, n)
                            for n in range(len(steps))),
        only="AND w.id = %(only)s" if assessment_id is not None else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    entries = {}
    for pk, reference, title, microcredential_id, provider_id, provider_name, due, cycle, step, reminded, email in rows:
        if pk not in entries:
            entries[pk] = Entry(
                pk=pk, reference=reference, title=title, microcredential_id=microcredential_id,
                provider_id=provider_id, provider_name=provider_name, provider_addresses=[],
                review_due_date=due, review_cycle=cycle, step=step, reminded=bool(reminded),
            )
        if email:
            entries[pk].provider_addresses.append(email)
    return list(entries.values())


# Written out: the equivalent queryset cost more to compile than to run.
_LIVE_CASES = """
SELECT c.reviewed_assessment_id, c.id, c.submitted_at
FROM {application} c JOIN {assessment} a ON a.id = c.reviewed_assessment_id AND a.review_cycle = c.review_cycle
WHERE c.reviewed_assessment_id IN ({ids}) AND c.kind = %s AND c.state <> %s
ORDER BY c.id FOR NO KEY UPDATE OF c
"""


def _live_cases(assessment_ids):
    """The review cases of the entries' current periods that are not withdrawn, locked until
    the sweep commits, as ({assessment id: case id}, {assessment ids whose review is filed}).

    Submitting locks its case too (services.application_submit), so a review filed while
    the sweep decides is either seen here, or waits and is filed after the reminder it then
    rightly got; it can never be filed between this read and the insert of a reminder it
    should have stopped. Locked in id order, as two sweeps read them; FOR NO KEY UPDATE, which
    still waits for a submission but lets rows that refer to the case (its history) be
    written meanwhile."""
    ids = list(assessment_ids)
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_CASES.format(
            application=Application._meta.db_table, assessment=Assessment._meta.db_table,
            ids=", ".join(["%s"] * len(ids)),
        ), [*ids, Application.Kind.REVIEW, State.WITHDRAWN])
        rows = cursor.fetchall()
    live, filed = {}, set()
    for assessment_id, case_id, submitted_at in rows:
        live[assessment_id] = case_id
        if submitted_at is not None:
            filed.add(assessment_id)
    return live, filed


def _cases_open(entries) -> dict[int, int]:
    """Draft review cases for `entries`, for the provider to complete (they carry the current
    metadata, which the provider may edit while the case is a draft), each with its
    open-review event. Answers {assessment id: case id} for the cases this call opened.

    One INSERT ... ON CONFLICT DO NOTHING: an entry whose period already has a live case
    (another sweep opened it meanwhile) or whose micro-credential has another case open gets
    none here; in the second case the reminders still go."""
    if not entries:
        return {}
    inserted = dict(review_cases_insert(  # {assessment id: case id}
        rows=[(entry.microcredential_id, entry.provider_id, entry.pk, entry.review_cycle) for entry in entries],
        kind=Application.Kind.REVIEW, state=State.DRAFT, sla_status=clock.NOT_STARTED, created_at=timezone.now(),
    ))
    for entry in entries:
        if entry.pk not in inserted:
            logger.warning("review case for %s not opened: another case about its micro-credential is open",
                           entry.reference)
    by_id = {entry.pk: entry for entry in entries}
    ApplicationEvent.objects.bulk_create([
        ApplicationEvent(
            application_id=case_id, actor=None, action="open-review", from_state="", to_state=State.DRAFT,
            message="Periodic review of %s, due on %s." % (
                by_id[assessment_id].reference, by_id[assessment_id].review_due_date.isoformat()),
        )
        for assessment_id, case_id in inserted.items()
    ])
    return inserted


def _reminders(entries, live, opened, *, as_of):
    """The reminder due today for each entry that has one and has not had it. The one sent
    as the case opens is also the notice that it is open: one email."""
    emails = []
    for entry in entries:
        if entry.step is None or entry.reminded:
            continue
        emails.append(notifications.review_reminder(
            entry, case_id=live.get(entry.pk), key=reminder_key(entry.pk, entry.review_cycle, entry.step), step=entry.step,
            days_before=(entry.review_due_date - as_of).days, opening=entry.pk in opened,
            lapses_on=lapses_on(entry.review_due_date), recipients=entry.provider_addresses,
        ))
    return emails


def _lapse(entries, live):
    """Lapse the entries (one UPDATE), close their review cases and answer the entries that
    lapsed, as they are now, for the notice."""
    lapsed = set(assessments_lapse(assessment_ids=[entry.pk for entry in entries],
                                   lapse_after_days=settings.REVIEW_LAPSE_AFTER_DAYS))
    entries = [entry for entry in entries if entry.pk in lapsed]
    for entry in entries:
        entry.current_until = lapses_on(entry.review_due_date)
        logger.info("assessment %s lapsed: review due %s not filed", entry.reference, entry.review_due_date)
    _drafts_close([live[entry.pk] for entry in entries if entry.pk in live])
    return entries


# Withdraw the cases and write each one's history in one statement; the cases are locked in
# id order first, and a case no longer withdrawable (decided meanwhile) is left alone.
_DRAFTS_CLOSE = """
WITH closing AS (
    SELECT c.id, c.state FROM {application} c WHERE c.id = ANY(%(ids)s) AND c.state = ANY(%(withdrawable)s)
    ORDER BY c.id FOR UPDATE
), closed AS (
    UPDATE {application} c SET state = %(withdrawn)s, withdrawn_at = %(now)s, sla_status = %(stopped)s
    FROM closing WHERE c.id = closing.id
    RETURNING c.id, closing.state AS from_state, c.reviewed_assessment_id
)
INSERT INTO {event} (application_id, at, actor_id, action, from_state, to_state, message)
SELECT closed.id, %(now)s, NULL, 'withdraw', closed.from_state, %(withdrawn)s,
       'Closed: the review was not filed by ' || a.current_until::text || ', so ' || a.reference || ' lapsed.'
FROM closed JOIN {assessment} a ON a.id = closed.reviewed_assessment_id
"""


def _drafts_close(case_ids):
    """Withdraw the review cases of entries that lapsed: the draft would block a new
    application about the micro-credential; its history stays."""
    if not case_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_DRAFTS_CLOSE.format(
            application=Application._meta.db_table, event=ApplicationEvent._meta.db_table,
            assessment=Assessment._meta.db_table,
        ), {
            "ids": case_ids, "withdrawable": list(Application.WITHDRAWABLE_STATES), "withdrawn": State.WITHDRAWN,
            "now": timezone.now(), "stopped": clock.STOPPED,
        })
