"""The clock of many cases at once: `clock_state` over arrays, without a Python loop per case
(the daily sweep, assessment/services/clock_sweep.py).

The rules are clock.py's, stated there once; this is their vectorised form, pinned equal to
the one-case form by tests (tests/assessment/test_clock.py). It shares clock.py's calendar
arithmetic, private to the two forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .clock import (
    _DAY,
    AT_RISK,
    AT_RISK_BUSINESS_DAYS,
    BREACHED,
    MET,
    MISSED,
    NOT_STARTED,
    ON_TRACK,
    PAUSED,
    STATUSES,
    STOPPED,
    TARGET_BUSINESS_DAYS,
    BusinessCalendar,
    ClockState,
    _as_date,
    _d64,
    _offset,
)


@dataclass(frozen=True)
class ClockStates:
    """The clocks of many cases at once: one array element per case, in input order.

    `status_code[i]` indexes `STATUSES`; `status` holds the names. `due_date` is NaT for a case
    never submitted.
    """

    status_code: np.ndarray
    due_date: np.ndarray
    business_days_used: np.ndarray
    business_days_remaining: np.ndarray
    target_business_days: int = TARGET_BUSINESS_DAYS

    @property
    def status(self) -> np.ndarray:
        return np.asarray(STATUSES)[self.status_code]

    def __len__(self):
        return len(self.status_code)

    def __getitem__(self, index: int) -> ClockState:
        due = self.due_date[index]
        return ClockState(
            STATUSES[int(self.status_code[index])],
            None if np.isnat(due) else due.astype(dt.date),
            int(self.business_days_used[index]),
            int(self.business_days_remaining[index]),
        )


_NAT = np.datetime64("NaT", "D")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def date_array(values: Sequence[dt.date | None]) -> np.ndarray:
    """Dates (None for none) as datetime64[D] (NaT), e.g. a column a query returned: through
    their ordinals, some twenty times faster than numpy's parsing of date objects."""
    ordinals = np.fromiter((0 if day is None else day.toordinal() for day in values), dtype=np.int64,
                           count=len(values))
    result = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")
    result[ordinals == 0] = _NAT
    return result


def _date_array(values, size: int | None = None) -> np.ndarray:
    if values is None:
        return np.full(size, _NAT)
    array = np.asarray(values)
    if array.dtype == object:
        array = np.array([_NAT if value is None else np.datetime64(_as_date(value), "D") for value in array])
    return array.astype("datetime64[D]")


def clock_states(
    submitted_on,
    *,
    pause_case=(),
    pause_requested_on=(),
    pause_responded_on=(),
    decided_on=None,
    withdrawn_on=None,
    today: dt.date,
    calendar: BusinessCalendar,
) -> ClockStates:
    """`clock_state` for many cases at once.

    Cases are positions 0..n-1 of `submitted_on` (datetime64[D], NaT for a draft), and of
    `decided_on` and `withdrawn_on` when given (NaT when not decided / not withdrawn). Pauses
    are flat arrays, one element per pause: `pause_case` (the case's position), and its
    requested and responded dates (NaT while unanswered), in any order: what one query over
    the pause rows returns. The inputs are trusted (the scalar form checks histories): for
    valid ones the result equals `clock_state` case by case.
    """
    today64 = _d64(today)
    submitted = _date_array(submitted_on)
    n = submitted.size
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return ClockStates(empty.astype(np.int8), empty.astype("datetime64[D]"), empty, empty)
    decided = _date_array(decided_on, n)
    withdrawn = _date_array(withdrawn_on, n)
    pause_case = np.asarray(pause_case, dtype=np.intp)
    requested = _date_array(pause_requested_on) if len(pause_case) else np.empty(0, "datetime64[D]")
    responded = _date_array(pause_responded_on) if len(pause_case) else np.empty(0, "datetime64[D]")

    not_submitted = np.isnat(submitted)
    is_decided = ~np.isnat(decided) & ~not_submitted
    is_withdrawn = ~np.isnat(withdrawn)
    # Drafts compute on a stand-in date; their results are replaced below.
    start = np.where(not_submitted, today64, submitted)
    end = np.where(is_decided, decided, np.where(is_withdrawn & ~not_submitted, withdrawn, today64))
    end = np.maximum(end, start)

    known = [start, end, requested[~np.isnat(requested)], responded[~np.isnat(responded)]]
    first = min(array.min() for array in known if array.size)
    last = max(array.max() for array in known if array.size)
    paused, awaiting_provider = _pauses_per_case(
        pause_case, requested, responded, end, today64, busdaycal=calendar.covering(first, last),
    )

    due = _offset(start, TARGET_BUSINESS_DAYS + paused, calendar)
    busdaycal = calendar.covering(first, max(last, due.max()))
    used = np.maximum(np.busday_count(start + _DAY, end + _DAY, busdaycal=busdaycal) - paused, 0)
    remaining = np.maximum(np.busday_count(end + _DAY, np.maximum(due, end) + _DAY, busdaycal=busdaycal), 0)

    code = _status_codes(
        is_withdrawn=is_withdrawn, not_submitted=not_submitted, is_decided=is_decided,
        awaiting_provider=awaiting_provider, end=end, due=due, remaining=remaining,
    )
    due = np.where(not_submitted, _NAT, due)
    used = np.where(not_submitted, 0, used)
    remaining = np.where(
        not_submitted, np.where(is_withdrawn, 0, TARGET_BUSINESS_DAYS), remaining
    ).astype(np.int64)
    return ClockStates(code, due, used.astype(np.int64), remaining)


def _pauses_per_case(pause_case, requested, responded, end, today64, *, busdaycal):
    """Per case: the paused business days up to its clock's end, and whether it awaits the
    provider today (the loop over pauses in `clock_state`)."""
    n = end.size
    if not pause_case.size:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    pause_end = end[pause_case]
    paused_until = np.where(np.isnat(responded), pause_end, np.minimum(responded, pause_end))
    per_pause = np.busday_count(requested + _DAY, np.maximum(paused_until, requested) + _DAY, busdaycal=busdaycal)
    paused = np.bincount(pause_case, weights=per_pause, minlength=n).astype(np.int64)
    awaiting = (requested <= today64) & (np.isnat(responded) | (responded > today64))
    return paused, np.bincount(pause_case, weights=awaiting, minlength=n) > 0


def _status_codes(*, is_withdrawn, not_submitted, is_decided, awaiting_provider, end, due, remaining):
    """Each case's status as an index of STATUSES, tested in `clock_state`'s order."""
    return np.select(
        [
            is_withdrawn,
            not_submitted,
            is_decided & (end <= due),
            is_decided,
            awaiting_provider,
            end > due,
            remaining <= AT_RISK_BUSINESS_DAYS,
        ],
        [STATUSES.index(status) for status in (STOPPED, NOT_STARTED, MET, MISSED, PAUSED, BREACHED, AT_RISK)],
        default=STATUSES.index(ON_TRACK),
    ).astype(np.int8)
