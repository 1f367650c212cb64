"""The ten-business-day clock: pure functions over dates (docs/rules.md, "The ten-business-day clock").

Nothing here touches the database, settings or the wall clock: callers pass the calendar and
"today". `assessment.calendar.agency_calendar()` gives the agency's calendar (with its closure
days, cached); `agency_date()` turns a stored moment into the agency's date. `clock_state`
reads one case; clock_bulk.py holds the same rules over arrays for the daily sweep.

Definitions, for a case submitted on S (every count is of business days):
- `business_days_between(a, b)` counts the business days d with a < d <= b.
- The n-th business day after a date x is the n-th business day d > x (x itself never counts,
  whether or not it is a business day).
- A pause (P, R) is an information request made on P and answered on R. The business days d
  with P < d <= R are paused: the day of the request still counts, the days up to and
  including the response day do not. An unanswered pause (R is None) is paused up to the
  clock's end (below), and so is an answered one whose R lies after that end.
- The clock's end E is the decision date, else the withdrawal date, else today (never before
  S). Pauses only count their days up to E, so a clock read on an earlier day only knows
  the pauses as they stood on that day.
- Due date: the (10 + k)-th business day after S, where k is the number of paused business
  days. This is the product's rule taken literally ("the 10th business day after S, pushed
  later by one business day for each business day paused"), so a pause that starts after the
  due date also moves it.
- Used: the business days d with S < d <= E that are not paused.
- Remaining: the business days d with E < d <= due date; 0 once E is past the due date.
  For an open case not past its due date, used + remaining = 10.
- Status: withdrawn -> `stopped`; not submitted -> `not_started`; decided -> `met` when the
  decision is on or before the due date, else `missed`; open and awaiting the provider (a
  pause with P <= today and no response by today) -> `paused`; open and today after the due
  date -> `breached`; open with 2 or fewer business days remaining -> `at_risk` (the due date
  itself is at risk, not yet breached); otherwise `on_track`.
- A draft (no submission date) has no due date, 0 used and the whole 10 remaining; a
  withdrawn draft has 0 remaining.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
import numpy as np

AGENCY_TIME_ZONE = ZoneInfo("America/Toronto")
TARGET_BUSINESS_DAYS = 10
AT_RISK_BUSINESS_DAYS = 2
WEEKMASK = "1111100"

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
PAUSED = "paused"
BREACHED = "breached"
MET = "met"
MISSED = "missed"
STOPPED = "stopped"
# The order is the bulk form's status code (clock_bulk.py): STATUSES[code].
STATUSES = (NOT_STARTED, ON_TRACK, AT_RISK, PAUSED, BREACHED, MET, MISSED, STOPPED)
OPEN_STATUSES = frozenset({ON_TRACK, AT_RISK, PAUSED, BREACHED})

_DAY = np.timedelta64(1, "D")


def agency_date(moment: dt.datetime) -> dt.date:
    """The agency's calendar date (America/Toronto) of an aware moment, e.g. `submitted_at`."""
    if moment.tzinfo is None:
        raise ValueError("A naive datetime has no agency date; pass an aware one.")
    return moment.astimezone(AGENCY_TIME_ZONE).date()


def ontario_public_holidays(years: Iterable[int]) -> dict[dt.date, str]:
    """Ontario public holidays of these years: default categories, observed days included
    (Boxing Day 2026 is a Saturday, so Monday 28 December 2026 is a holiday)."""
    return dict(holidays.CA(subdiv="ON", years=list(years), observed=True))


def _year(day: np.datetime64 | np.ndarray) -> int:
    return int(np.asarray(day).astype("datetime64[Y]").astype(np.int64) + 1970)


class BusinessCalendar:
    """Weekdays, minus Ontario public holidays, minus the agency's closure days.

    numpy treats every weekday outside its holiday list as a business day, so the holiday
    list must cover every year a computation touches. The calendar therefore builds holidays
    lazily for the years asked (plus the next year, where due dates spill over) and extends
    itself when a later computation reaches further. The closure days are fixed at
    construction: a change of closure days makes a new calendar (see `assessment.calendar`).
    Safe to share between threads.
    """

    def __init__(self, closure_days: Iterable[dt.date] = ()):
        self.closure_days = frozenset(_as_date(day) for day in closure_days)
        self._lock = threading.Lock()
        # (first year, last year, numpy calendar), replaced as one value so that a reader in
        # another thread never pairs a calendar with years it does not cover.
        self._covered: tuple[int, int, np.busdaycalendar] | None = None

    def __repr__(self):
        return "<BusinessCalendar closure_days=%d years=%s>" % (len(self.closure_days), self.years)

    @property
    def years(self) -> tuple[int, int] | None:
        """The years the holiday list covers so far (inclusive), or None before first use."""
        covered = self._covered
        return None if covered is None else covered[:2]

    def covering(self, first: np.datetime64, last: np.datetime64) -> np.busdaycalendar:
        """A numpy calendar whose holidays cover every date from `first` to `last`."""
        first_year, last_year = _year(first), _year(last) + 1
        covered = self._covered
        if covered is not None and covered[0] <= first_year and last_year <= covered[1]:
            return covered[2]
        with self._lock:
            covered = self._covered
            if covered is not None:
                if covered[0] <= first_year and last_year <= covered[1]:
                    return covered[2]
                first_year, last_year = min(first_year, covered[0]), max(last_year, covered[1])
            days = set(ontario_public_holidays(range(first_year, last_year + 1)))
            days.update(self.closure_days)
            busdaycal = np.busdaycalendar(weekmask=WEEKMASK, holidays=np.array(sorted(days), dtype="datetime64[D]"))
            self._covered = (first_year, last_year, busdaycal)
            return busdaycal

    def is_business_day(self, day: dt.date) -> bool:
        d = _d64(day)
        return bool(np.is_busday(d, busdaycal=self.covering(d, d)))


def _as_date(day) -> dt.date:
    # A datetime is also a date; taking its date silently would ignore the time zone.
    if isinstance(day, dt.datetime):
        raise TypeError("Pass a date, not a datetime (see agency_date()).")
    if isinstance(day, np.datetime64):
        return day.astype("datetime64[D]").astype(dt.date)
    if not isinstance(day, dt.date):
        raise TypeError("Expected a date, got %r." % (day,))
    return day


def _d64(day) -> np.datetime64:
    return np.datetime64(_as_date(day), "D")


def business_days_between(start: dt.date, end: dt.date, calendar: BusinessCalendar) -> int:
    """The number of business days d with start < d <= end (0 when end <= start)."""
    a, b = _d64(start), _d64(end)
    if b <= a:
        return 0
    return int(np.busday_count(a + _DAY, b + _DAY, busdaycal=calendar.covering(a, b)))


def nth_business_day_after(day: dt.date, n: int, calendar: BusinessCalendar) -> dt.date:
    """The n-th business day d > day (n >= 1); `day` itself never counts."""
    if n < 1:
        raise ValueError("n must be at least 1.")
    start = _d64(day)
    return _offset(np.array([start]), np.array([n]), calendar)[0].astype(dt.date)


def _offset(starts: np.ndarray, counts: np.ndarray, calendar: BusinessCalendar) -> np.ndarray:
    """The counts[i]-th business day after starts[i]: roll a non-business start back to the
    previous business day, so that the first business day after it is offset 1."""
    if starts.size == 0:
        return starts.astype("datetime64[D]")
    first, last = starts.min(), starts.max()
    while True:
        result = np.busday_offset(starts, counts, roll="backward", busdaycal=calendar.covering(first, last))
        # Every day walked lies between `first` and the result; when the result reaches a
        # year the holiday list did not cover yet (a long pause), walk again over the wider one.
        if _year(result.max()) <= calendar.years[1]:
            return result
        last = result.max()


@dataclass(frozen=True)
class ClockState:
    """The `sla` object of an application in the API (docs/api.md, "Applications")."""

    status: str
    due_date: dt.date | None
    business_days_used: int
    business_days_remaining: int
    target_business_days: int = TARGET_BUSINESS_DAYS

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


Pause = tuple[dt.date, dt.date | None]


def _checked_pauses(submitted_on: dt.date, pauses: Sequence[Pause]) -> list[tuple[dt.date, dt.date | None]]:
    checked = []
    previous_end = submitted_on
    for index, (requested_on, responded_on) in enumerate(sorted(pauses, key=lambda pause: _as_date(pause[0]))):
        requested_on = _as_date(requested_on)
        responded_on = None if responded_on is None else _as_date(responded_on)
        if requested_on < previous_end:
            raise ValueError("A pause starts before the submission or inside an earlier pause.")
        if responded_on is not None and responded_on < requested_on:
            raise ValueError("A pause is answered before it was requested.")
        if responded_on is None and index != len(pauses) - 1:
            raise ValueError("Only the latest pause may still await the provider.")
        checked.append((requested_on, responded_on))
        previous_end = responded_on
    return checked


def clock_state(
    submitted_on: dt.date | None,
    pauses: Sequence[Pause] = (),
    *,
    decided_on: dt.date | None = None,
    withdrawn_on: dt.date | None = None,
    today: dt.date,
    calendar: BusinessCalendar,
) -> ClockState:
    """The clock of one case as it reads on `today` (the module docstring defines each field).

    `pauses` are (requested_on, responded_on or None) pairs that do not overlap; a pause may
    start on the day the previous one was answered. An impossible history (a pause before
    the submission, a decision before it, both a decision and a withdrawal) is a ValueError.
    """
    today = _as_date(today)
    if decided_on is not None and withdrawn_on is not None:
        raise ValueError("A case is either decided or withdrawn, not both.")
    if submitted_on is None:
        if decided_on is not None or pauses:
            raise ValueError("A case that was never submitted has no pauses and no decision.")
        if withdrawn_on is not None:
            return ClockState(STOPPED, None, 0, 0)
        return ClockState(NOT_STARTED, None, 0, TARGET_BUSINESS_DAYS)

    submitted_on = _as_date(submitted_on)
    checked = _checked_pauses(submitted_on, pauses)
    stopped_on = decided_on if decided_on is not None else withdrawn_on
    if stopped_on is not None:
        stopped_on = _as_date(stopped_on)
        if stopped_on < submitted_on:
            raise ValueError("A case cannot be decided or withdrawn before it was submitted.")
    end = max(stopped_on if stopped_on is not None else today, submitted_on)

    paused = 0
    awaiting_provider = False
    for requested_on, responded_on in checked:
        paused_until = end if responded_on is None else min(responded_on, end)
        paused += business_days_between(requested_on, paused_until, calendar)
        if requested_on <= today and (responded_on is None or responded_on > today):
            awaiting_provider = True

    due = nth_business_day_after(submitted_on, TARGET_BUSINESS_DAYS + paused, calendar)
    used = business_days_between(submitted_on, end, calendar) - paused
    remaining = business_days_between(end, due, calendar)

    if withdrawn_on is not None:
        status = STOPPED
    elif decided_on is not None:
        status = MET if end <= due else MISSED
    elif awaiting_provider:
        status = PAUSED
    elif end > due:
        status = BREACHED
    elif remaining <= AT_RISK_BUSINESS_DAYS:
        status = AT_RISK
    else:
        status = ON_TRACK
    return ClockState(status, due, max(used, 0), remaining)
