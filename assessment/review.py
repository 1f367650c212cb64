"""Periodic review (product.md, "Periodic review"): the daily sweep that opens review cases,
reminds providers and lapses what was not reviewed, and what a review's outcome does to the
register entry.

The schedule lives in settings: REVIEW_OPENS_DAYS_BEFORE, REVIEW_REMINDER_DAYS (days before
the due date; negative after it), REVIEW_LAPSE_AFTER_DAYS, DISCONTINUE_HONOURED_MONTHS.

Exactly once: every decision about an entry is taken under its row lock, and each reminder is
an outbox row keyed `review:<assessment>:<cycle>:<step>` (one per person) written in the same
transaction as the decision; a second sweep, the same day or at the same time, finds the case
open and the key taken and does nothing. The outbox sends each row at most once (outbox.py).

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
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from credentials.models import Assessment
from credentials.services import assessment_lapse, assessments_discontinued_after_end

from . import clock, notifications
from .models import Application, ApplicationEvent, OutboxMessage

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
class SweepResult:
    opened: int = 0
    reminded: int = 0
    lapsed: int = 0
    discontinued: int = 0
    examined: int = 0

    def __str__(self):
        return "%d examined, %d review case(s) opened, %d reminder(s) queued, %d lapsed, %d discontinued" % (
            self.examined, self.opened, self.reminded, self.lapsed, self.discontinued)


def _filed(queryset):
    return queryset.filter(submitted_at__isnull=False).exclude(state=State.WITHDRAWN)


def _live_cases(assessment_ids):
    """Review cases of the entries' current periods that are not withdrawn."""
    return Application.objects.filter(
        kind=Application.Kind.REVIEW, reviewed_assessment_id__in=assessment_ids,
        review_cycle=F("reviewed_assessment__review_cycle"),
    ).exclude(state=State.WITHDRAWN)


def review_sweep(*, as_of: dt.date | None = None) -> SweepResult:
    """Open review cases, queue the reminder due today, lapse entries whose review was not
    filed in time, and end the honoured period of discontinued ones, as if the date were
    `as_of`. Idempotent: a second run on the same date changes and sends nothing.

    Three indexed reads find the entries with something to do; only those are locked and
    decided, each in its own short transaction, so a day's run over 100,000 entries costs
    about as much as reading the ones in their review window."""
    as_of = as_of or clock.agency_date(timezone.now())
    result = SweepResult()
    result.discontinued = assessments_discontinued_after_end(as_of=as_of)
    steps = reminder_steps()
    horizon = as_of + dt.timedelta(days=max(settings.REVIEW_OPENS_DAYS_BEFORE, steps[0]))
    rows = list(
        Assessment.objects.filter(status=Assessment.Status.CURRENT, review_due_date__lte=horizon)
        .order_by("review_due_date", "pk").values_list("pk", "review_due_date", "review_cycle")
    )
    result.examined = len(rows)
    if not rows:
        return result
    ids = [pk for pk, _, _ in rows]
    cases = dict(_live_cases(ids).values_list("reviewed_assessment_id", "submitted_at"))
    wanted_keys = {}
    for pk, due_date, cycle in rows:
        step = reminder_step_due((due_date - as_of).days, steps)
        if step is not None:
            wanted_keys[pk] = reminder_key(pk, cycle, step)
    sent_keys = set(
        OutboxMessage.objects.filter(key__in=list(wanted_keys.values())).values_list("key", flat=True).distinct()
    )
    for pk, due_date, _cycle in rows:
        if cases.get(pk) is not None:
            continue  # filed: nothing more to say or do this period
        lapsing = as_of >= lapses_on(due_date)
        if not lapsing and pk in cases and (pk not in wanted_keys or wanted_keys[pk] in sent_keys):
            continue
        outcome = review_decide(assessment_id=pk, as_of=as_of, steps=steps)
        result.opened += outcome.opened
        result.reminded += outcome.reminded
        result.lapsed += outcome.lapsed
    logger.info("review sweep for %s: %s", as_of.isoformat(), result)
    return result


@transaction.atomic
def review_decide(*, assessment_id, as_of, steps=None) -> SweepResult:
    """Everything the sweep does about one entry on `as_of`, under its row lock: a second
    sweep at the same time waits here and then finds the work done."""
    outcome = SweepResult()
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("provider", "microcredential")
        .filter(pk=assessment_id, status=Assessment.Status.CURRENT).first()
    )
    if assessment is None:
        return outcome
    cycle = assessment.review_cycle
    case = _live_cases([assessment.pk]).filter(review_cycle=cycle).first()
    if case is not None and case.submitted_at is not None:
        return outcome
    due_date = assessment.review_due_date
    if as_of >= lapses_on(due_date):
        _lapse(assessment, case, on=lapses_on(due_date))
        outcome.lapsed = 1
        return outcome
    days_before = (due_date - as_of).days
    if days_before > settings.REVIEW_OPENS_DAYS_BEFORE:
        return outcome
    if case is None:
        case = _case_open(assessment)
        outcome.opened = int(case is not None)
    step = reminder_step_due(days_before, steps)
    if step is not None:
        # The reminder sent as the case opens is also the notice that it is open: one email.
        outcome.reminded = int(bool(notifications.review_reminder(
            assessment, case, key=reminder_key(assessment.pk, cycle, step), step=step, days_before=days_before,
            opening=bool(outcome.opened),
            lapses_on=lapses_on(due_date),
        )))
    return outcome


def _case_open(assessment):
    """A draft review case about the entry's micro-credential, for the provider to complete
    (it carries the current metadata, which the provider may edit while it is a draft).
    None when another case about the micro-credential is open: the reminders still go."""
    try:
        with transaction.atomic():
            case = Application.objects.create(
                kind=Application.Kind.REVIEW,
                microcredential_id=assessment.microcredential_id,
                provider_id=assessment.provider_id,
                reviewed_assessment=assessment,
                review_cycle=assessment.review_cycle,
            )
    except IntegrityError:
        logger.warning("review case for %s not opened: another case about its micro-credential is open",
                       assessment.reference)
        return None
    ApplicationEvent.objects.create(
        application=case, actor=None, action="open-review", from_state="", to_state=case.state,
        message="Periodic review of %s, due on %s." % (assessment.reference, assessment.review_due_date.isoformat()),
    )
    return case


def _lapse(assessment, case, *, on):
    assessment_lapse(assessment=assessment, on=on)
    if case is not None and case.state in Application.WITHDRAWABLE_STATES:
        # The draft would block a new application about the micro-credential; its history stays.
        case = Application.objects.select_for_update().get(pk=case.pk)
        from_state = case.state
        case.withdraw()
        case.withdrawn_at = timezone.now()
        case.sla_status = clock.STOPPED
        case.save(update_fields=["state", "withdrawn_at", "sla_status"])
        ApplicationEvent.objects.create(
            application=case, actor=None, action="withdraw", from_state=from_state, to_state=case.state,
            message="Closed: the review was not filed by %s, so %s lapsed." % (on.isoformat(), assessment.reference),
        )
    notifications.review_lapsed(assessment, key=lapse_key(assessment.pk, assessment.review_cycle))
    logger.info("assessment %s lapsed: review due %s not filed", assessment.reference, assessment.review_due_date)
