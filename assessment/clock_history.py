"""The clock of one case told as events for its page (docs/rules.md, "The ten-business-day
clock"): started, each pause and its end, the due date, the decision, each with a sentence.

Not a selector: it reads nothing beyond the case its selector fetched (the pauses are
prefetched), and it words what the clock's rules compute (clock.py).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from config.dates import long_date
from config.numbers import business_days_text

from . import clock


@dataclass(frozen=True)
class ClockEvent:
    """One line of a case's clock history."""

    on: dt.date
    kind: str  # started | paused | resumed | still_paused | due | decided | withdrawn
    label: str
    detail: str
    upcoming: bool = False


@dataclass(frozen=True)
class ClockHistory:
    state: clock.ClockState
    events: list[ClockEvent]
    paused_business_days: int
    # Business days past the due date: of an open case today, of a late decision on its day.
    business_days_over: int = 0


@dataclass(frozen=True)
class _Span:
    """The dates a case's clock runs between, in the agency's calendar."""

    submitted_on: dt.date
    decided_on: dt.date | None
    withdrawn_on: dt.date | None
    today: dt.date

    @property
    def end(self):
        return max(self.decided_on or self.withdrawn_on or self.today, self.submitted_on)

    @property
    def stopped(self):
        return self.decided_on is not None or self.withdrawn_on is not None


def _days(n):
    return business_days_text(n)


def clock_history(application, *, today, calendar) -> ClockHistory | None:
    """The case's clock history, oldest first; None for a draft (no clock yet)."""
    if application.submitted_at is None:
        return None
    state = application.clock_on(today=today, calendar=calendar)
    span = _Span(
        submitted_on=clock.agency_date(application.submitted_at),
        decided_on=clock.agency_date(application.decided_at) if application.decided_at else None,
        withdrawn_on=clock.agency_date(application.withdrawn_at) if application.withdrawn_at else None,
        today=today,
    )
    first_due = clock.nth_business_day_after(span.submitted_on, clock.TARGET_BUSINESS_DAYS, calendar)
    events = [ClockEvent(
        span.submitted_on, "started", _("Clock started"),
        _("Submitted. Ten business days to decide: due %s unless the clock pauses.")
        % long_date(first_due, weekday=True),
    )]
    pause_events, paused_total = _pause_events(application, span, calendar)
    events += pause_events
    if span.withdrawn_on is not None:
        events.append(ClockEvent(
            span.withdrawn_on, "withdrawn", _("Withdrawn"), _("The provider withdrew the case; the clock stopped."),
        ))
    if span.decided_on is not None:
        events.append(_decision_event(state, span, calendar))
    over = 0
    if state.due_date is not None and state.status in (clock.BREACHED, clock.MISSED):
        over = clock.business_days_between(state.due_date, span.end, calendar)
    if state.due_date is not None and span.withdrawn_on is None:
        events.append(_due_event(state, span, paused_total=paused_total, over=over))
    # Same-day events keep their causal order (stable sort); the due date goes last on its day.
    events.sort(key=lambda event: (event.on, event.kind == "due"))
    return ClockHistory(state=state, events=events, paused_business_days=paused_total, business_days_over=over)


def _pause_events(application, span, calendar):
    """Each information request as a pause and its end, with the due date it left; and the
    business days paused in all, up to the clock's end."""
    events = []
    paused_total = 0
    for request in sorted(application.information_requests.all(), key=lambda r: (r.requested_on, r.pk)):
        events.append(ClockEvent(
            request.requested_on, "paused", _("Paused"),
            _("Information requested from the provider. The day of the request still counts."),
        ))
        paused_until = span.end if request.responded_on is None else min(request.responded_on, span.end)
        paused = clock.business_days_between(request.requested_on, paused_until, calendar)
        paused_total += paused
        if request.responded_on is not None and request.responded_on <= span.end:
            due_then = clock.nth_business_day_after(
                span.submitted_on, clock.TARGET_BUSINESS_DAYS + paused_total, calendar,
            )
            events.append(ClockEvent(
                request.responded_on, "resumed", _("Resumed"),
                _("The provider answered: %(paused)s paused, the day of the answer included; due date now %(due)s.")
                % {"paused": _days(paused), "due": long_date(due_then, weekday=True)} if paused else
                _("The provider answered the same business day: no business day paused."),
            ))
        elif request.responded_on is None and not span.stopped:
            events.append(ClockEvent(
                span.today, "still_paused", _("Still paused"),
                _("Waiting for the provider: %s paused so far; the due date moves by one for each more.")
                % _days(paused),
            ))
    return events, paused_total


def _decision_event(state, span, calendar):
    if state.status == clock.MET:
        return ClockEvent(
            span.decided_on, "decided", _("Decided: met"),
            _("Decided on time, after %(used)s: %(spare)s to spare.")
            % {"used": _days(state.business_days_used), "spare": _days(state.business_days_remaining)},
        )
    late = clock.business_days_between(state.due_date, span.decided_on, calendar)
    return ClockEvent(
        span.decided_on, "decided", _("Decided: missed"),
        _("Decided %(late)s late, after %(used)s.") % {"late": _days(late), "used": _days(state.business_days_used)},
    )


def _due_event(state, span, *, paused_total, over):
    if span.decided_on is not None:
        detail = _("The tenth business day, counting %s paused.") % _days(paused_total)
    elif state.due_date >= span.today:
        detail = _("%(used)s used, %(left)s left.") % {
            "used": _days(state.business_days_used), "left": _days(state.business_days_remaining)}
    else:
        detail = _("Overdue by %s.") % _days(over)
    return ClockEvent(
        state.due_date, "due", _("Due"), detail, upcoming=span.decided_on is None and state.due_date > span.today,
    )
