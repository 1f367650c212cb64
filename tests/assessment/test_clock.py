"""The calendar and the ten-business-day clock over real Ontario dates (docs/rules.md)."""

import datetime as dt

import holidays
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.clock import (
    STATUSES,
    BusinessCalendar,
    ClockState,
    agency_date,
    business_days_between,
    clock_state,
    nth_business_day_after,
)
from assessment.clock_bulk import clock_states

D = dt.date
CALENDAR = BusinessCalendar()
# A Friday: the agency closes the Friday after Family Day 2027.
CLOSURE = D(2027, 2, 19)
WITH_CLOSURE = BusinessCalendar(closure_days=[CLOSURE])

# Tests that build on one case: submitted Monday 8 February 2027, the week before Family Day
# (Monday 15 February). Its 10th business day is Tuesday 23 February.
FEB_S = D(2027, 2, 8)
FEB_DUE = D(2027, 2, 23)

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def naive_is_business_day(day, closure_days=()):
    """An independent reading of the rule, one day at a time."""
    return day.weekday() < 5 and day not in holidays.CA(subdiv="ON", years=day.year) and day not in closure_days


def naive_business_days_between(start, end, closure_days=()):
    count, day = 0, start + dt.timedelta(days=1)
    while day <= end:
        count += naive_is_business_day(day, closure_days)
        day += dt.timedelta(days=1)
    return count


# The calendar ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected, why",
    [
        (D(2026, 12, 24), True, "Christmas Eve is a working day"),
        (D(2026, 12, 25), False, "Christmas Day, a Friday"),
        (D(2026, 12, 26), False, "Boxing Day falls on a Saturday"),
        (D(2026, 12, 28), False, "Boxing Day observed on Monday 28 December"),
        (D(2026, 12, 29), True, "the Tuesday after is a working day"),
        (D(2027, 1, 1), False, "New Year's Day, a Friday"),
        (D(2026, 2, 16), False, "Family Day 2026"),
        (D(2027, 2, 15), False, "Family Day 2027"),
        (D(2027, 3, 26), False, "Good Friday 2027"),
        (D(2027, 3, 29), True, "Easter Monday is not an Ontario public holiday"),
        (D(2026, 8, 3), True, "the Civic Holiday is not in the default categories"),
        (D(2026, 11, 11), True, "Remembrance Day is not an Ontario public holiday"),
        (D(2027, 12, 27), False, "Christmas 2027 (Saturday) observed on Monday"),
        (D(2027, 12, 28), False, "Boxing Day 2027 (Sunday) observed on Tuesday"),
        (D(2028, 1, 3), False, "New Year 2028 (Saturday) observed on Monday"),
        (D(2027, 2, 20), False, "a Saturday"),
    ],
)
def test_business_days_follow_ontario_public_holidays(day, expected, why):
    assert CALENDAR.is_business_day(day) is expected, why


def test_a_closure_day_is_not_a_business_day_only_in_the_calendar_that_has_it():
    assert CALENDAR.is_business_day(CLOSURE)
    assert not WITH_CLOSURE.is_business_day(CLOSURE)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2026, 12, 24), D(2026, 12, 29), 1),  # over Christmas, Boxing Day observed and a weekend
        (D(2026, 12, 18), D(2027, 1, 4), 8),
        (D(2027, 3, 25), D(2027, 3, 29), 1),  # over Good Friday and a weekend
        (D(2027, 2, 8), D(2027, 2, 8), 0),  # the start never counts
        (D(2027, 2, 9), D(2027, 2, 8), 0),  # an end before the start
        (D(2027, 2, 13), D(2027, 2, 16), 1),  # from a Saturday over Family Day
    ],
)
def test_business_days_between_counts_the_days_after_start_up_to_and_including_end(start, end, expected):
    assert business_days_between(start, end, CALENDAR) == expected


def test_the_calendar_extends_its_holidays_to_the_years_a_computation_reaches():
    calendar = BusinessCalendar()
    assert calendar.years is None
    # 600 business days after January 2026 lands in 2028, past the years first covered.
    due = nth_business_day_after(D(2026, 1, 5), 600, calendar)
    assert calendar.years[1] >= 2028
    assert naive_business_days_between(D(2026, 1, 5), due) == 600
    assert naive_is_business_day(due)


def test_agency_date_is_the_toronto_date_of_a_moment():
    late_on_christmas_eve = dt.datetime(2026, 12, 25, 4, 30, tzinfo=dt.UTC)  # 23:30 in Toronto
    assert agency_date(late_on_christmas_eve) == D(2026, 12, 24)
    with pytest.raises(ValueError):
        agency_date(dt.datetime(2026, 12, 25, 4, 30))


def test_a_datetime_is_refused_where_a_date_is_expected():
    with pytest.raises(TypeError):
        business_days_between(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), D(2026, 1, 9), CALENDAR)


# The due date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "submitted_on, pauses, calendar, expected, why",
    [
        (D(2026, 12, 18), [], CALENDAR, D(2027, 1, 6), "over Christmas, Boxing Day observed and New Year"),
        (D(2026, 12, 24), [], CALENDAR, D(2027, 1, 12), "submitted on Christmas Eve"),
        (D(2026, 12, 26), [], CALENDAR, D(2027, 1, 12), "submitted on a Saturday: the next days count"),
        (D(2026, 12, 30), [], CALENDAR, D(2027, 1, 14), "over New Year 2027"),
        (D(2027, 3, 22), [], CALENDAR, D(2027, 4, 6), "over Good Friday 2027"),
        (FEB_S, [], CALENDAR, FEB_DUE, "over Family Day 2027"),
        (FEB_S, [], WITH_CLOSURE, D(2027, 2, 24), "a closure day pushes it by one"),
        (D(2027, 12, 20), [], CALENDAR, D(2028, 1, 6), "into the next year's observed New Year"),
        (
            D(2027, 3, 22),
            [(D(2027, 3, 25), D(2027, 3, 30))],
            CALENDAR,
            D(2027, 4, 8),
            "a pause over Good Friday and a weekend pauses 2 business days (29 and 30 March)",
        ),
        (
            D(2026, 12, 21),
            [(D(2026, 12, 23), D(2026, 12, 29))],
            CALENDAR,
            D(2027, 1, 11),
            "a pause over Christmas pauses 2 business days (24 and 29 December)",
        ),
        (FEB_S, [(D(2027, 2, 10), D(2027, 2, 10))], CALENDAR, FEB_DUE, "requested and answered the same day"),
        (FEB_S, [(D(2027, 2, 10), D(2027, 2, 11))], CALENDAR, D(2027, 2, 24), "answered the next business day"),
        (
            FEB_S,
            [(D(2027, 2, 9), D(2027, 2, 10)), (D(2027, 2, 10), D(2027, 2, 12))],
            CALENDAR,
            D(2027, 2, 26),
            "two pauses, the second requested on the day the first was answered",
        ),
    ],
)
def test_the_due_date_is_the_tenth_business_day_after_submission_pushed_by_paused_days(
    submitted_on, pauses, calendar, expected, why
):
    state = clock_state(submitted_on, pauses, decided_on=expected, today=expected, calendar=calendar)
    assert state.due_date == expected, why


# The clock's state -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, status, used, remaining",
    [
        (FEB_S, "on_track", 0, 10),
        (D(2027, 2, 18), "on_track", 7, 3),
        (D(2027, 2, 19), "at_risk", 8, 2),
        (D(2027, 2, 20), "at_risk", 8, 2),  # a Saturday
        (D(2027, 2, 22), "at_risk", 9, 1),
        (FEB_DUE, "at_risk", 10, 0),  # due today: at risk, not yet breached
        (D(2027, 2, 24), "breached", 11, 0),
        (D(2027, 3, 10), "breached", 21, 0),
    ],
)
def test_an_open_case_is_on_track_then_at_risk_with_two_days_left_then_breached(today, status, used, remaining):
    assert clock_state(FEB_S, today=today, calendar=CALENDAR) == ClockState(status, FEB_DUE, used, remaining)


@pytest.mark.parametrize(
    "decided_on, status, used, remaining",
    [
        (D(2027, 2, 18), "met", 7, 3),
        (FEB_DUE, "met", 10, 0),
        (D(2027, 2, 24), "missed", 11, 0),
    ],
)
def test_a_decision_on_or_before_the_due_date_is_met_and_after_it_missed(decided_on, status, used, remaining):
    later = D(2027, 6, 1)
    state = clock_state(FEB_S, decided_on=decided_on, today=later, calendar=CALENDAR)
    assert state == ClockState(status, FEB_DUE, used, remaining)


@pytest.mark.parametrize(
    "submitted_on, decided_on, status, why",
    [
        (D(2026, 12, 18), D(2027, 1, 6), "met", "decided on the due date after Christmas and New Year"),
        (D(2026, 12, 18), D(2027, 1, 7), "missed", "the business day after it"),
        (D(2026, 12, 18), D(2026, 12, 31), "met", "before New Year's Day"),
        (D(2027, 3, 22), D(2027, 4, 6), "met", "decided on the due date after Good Friday"),
        (D(2027, 3, 22), D(2027, 4, 7), "missed", "the day after it"),
        (D(2027, 2, 8), D(2027, 2, 24), "missed", "the day after a due date over Family Day"),
    ],
)
def test_a_decision_over_the_holidays_is_met_up_to_its_due_date(submitted_on, decided_on, status, why):
    state = clock_state(submitted_on, decided_on=decided_on, today=D(2027, 6, 1), calendar=CALENDAR)
    assert state.status == status, why


@pytest.mark.parametrize(
    "today, status, remaining",
    [
        (D(2027, 2, 18), "on_track", 3),
        (D(2027, 2, 19), "on_track", 3),  # the closure day itself is not counted
        (D(2027, 2, 22), "at_risk", 2),
        (D(2027, 2, 24), "at_risk", 0),  # due a day later than without the closure
        (D(2027, 2, 25), "breached", 0),
    ],
)
def test_a_closure_day_holds_the_clock_back_a_day(today, status, remaining):
    state = clock_state(FEB_S, today=today, calendar=WITH_CLOSURE)
    assert (state.status, state.due_date, state.business_days_remaining) == (status, D(2027, 2, 24), remaining)


def test_a_pause_over_a_weekend_and_a_holiday_reads_paused_then_resumes():
    submitted_on, requested_on, responded_on = D(2027, 3, 22), D(2027, 3, 25), D(2027, 3, 30)
    # Monday 29 March: one business day paused so far (Good Friday and the weekend are not).
    waiting = clock_state(submitted_on, [(requested_on, None)], today=D(2027, 3, 29), calendar=CALENDAR)
    assert waiting == ClockState("paused", D(2027, 4, 7), 3, 7)
    resumed = clock_state(submitted_on, [(requested_on, responded_on)], today=responded_on, calendar=CALENDAR)
    assert resumed == ClockState("on_track", D(2027, 4, 8), 3, 7)


def test_the_day_of_the_request_counts_and_the_response_day_does_not():
    pauses = [(D(2027, 2, 10), D(2027, 2, 12))]
    on_request_day = clock_state(FEB_S, [(D(2027, 2, 10), None)], today=D(2027, 2, 10), calendar=CALENDAR)
    assert on_request_day == ClockState("paused", FEB_DUE, 2, 8)
    on_response_day = clock_state(FEB_S, pauses, today=D(2027, 2, 12), calendar=CALENDAR)
    assert on_response_day == ClockState("on_track", D(2027, 2, 25), 2, 8)


def test_a_pause_requested_and_answered_the_same_day_is_not_paused():
    state = clock_state(FEB_S, [(D(2027, 2, 10), D(2027, 2, 10))], today=D(2027, 2, 10), calendar=CALENDAR)
    assert state == ClockState("on_track", FEB_DUE, 2, 8)


def test_an_open_pause_reads_paused_even_past_the_original_due_date():
    # The product's rule taken literally: paused days push the due date whenever they fall.
    state = clock_state(FEB_S, [(D(2027, 2, 24), None)], today=D(2027, 3, 3), calendar=CALENDAR)
    assert state.status == "paused"
    assert state.due_date == D(2027, 3, 2)  # 10 + 5 paused business days after submission
    assert state.business_days_used == 11


def test_a_closure_day_lengthens_the_clock():
    # On the closure day itself the case still has 3 days left; without the closure, 2.
    assert clock_state(FEB_S, today=CLOSURE, calendar=WITH_CLOSURE) == ClockState("on_track", D(2027, 2, 24), 7, 3)
    assert clock_state(FEB_S, today=CLOSURE, calendar=CALENDAR) == ClockState("at_risk", FEB_DUE, 8, 2)


def test_a_withdrawn_case_is_stopped_with_its_clock_frozen():
    later = D(2027, 6, 1)
    assert clock_state(FEB_S, withdrawn_on=D(2027, 2, 12), today=later, calendar=CALENDAR) == ClockState(
        "stopped", FEB_DUE, 4, 6
    )
    paused = clock_state(FEB_S, [(D(2027, 2, 10), None)], withdrawn_on=D(2027, 2, 12), today=later, calendar=CALENDAR)
    assert paused == ClockState("stopped", D(2027, 2, 25), 2, 8)


def test_a_draft_has_not_started():
    assert clock_state(None, today=FEB_S, calendar=CALENDAR) == ClockState("not_started", None, 0, 10)
    assert clock_state(None, withdrawn_on=FEB_S, today=FEB_S, calendar=CALENDAR) == ClockState("stopped", None, 0, 0)


@pytest.mark.parametrize(
    "pauses, kwargs",
    [
        ([(D(2027, 2, 5), D(2027, 2, 9))], {}),  # requested before the submission
        ([(D(2027, 2, 10), D(2027, 2, 9))], {}),  # answered before it was requested
        ([(D(2027, 2, 9), D(2027, 2, 12)), (D(2027, 2, 11), D(2027, 2, 16))], {}),  # overlapping
        ([(D(2027, 2, 9), None), (D(2027, 2, 11), D(2027, 2, 16))], {}),  # an open pause not the last
        ([], {"decided_on": D(2027, 2, 5)}),  # decided before the submission
        ([], {"decided_on": FEB_DUE, "withdrawn_on": FEB_DUE}),
    ],
)
def test_an_impossible_history_is_refused(pauses, kwargs):
    with pytest.raises(ValueError):
        clock_state(FEB_S, pauses, today=D(2027, 3, 1), calendar=CALENDAR, **kwargs)


# The bulk form ----------------------------------------------------------------------------


def test_the_bulk_form_reads_many_cases_at_once():
    today = D(2027, 2, 19)
    states = clock_states(
        np.array([FEB_S, FEB_S, FEB_S, None, FEB_S, FEB_S], dtype=object),
        pause_case=[1, 5],
        pause_requested_on=np.array(["2027-02-10", "2027-02-09"], dtype="datetime64[D]"),
        pause_responded_on=np.array(["NaT", "2027-02-11"], dtype="datetime64[D]"),
        decided_on=np.array(["NaT", "NaT", "2027-02-24", "NaT", "NaT", "NaT"], dtype="datetime64[D]"),
        withdrawn_on=np.array(["NaT", "NaT", "NaT", "NaT", "2027-02-12", "NaT"], dtype="datetime64[D]"),
        today=today,
        calendar=CALENDAR,
    )
    assert list(states.status) == ["at_risk", "paused", "missed", "not_started", "stopped", "on_track"]
    assert [states[i] for i in range(len(states))] == [
        ClockState("at_risk", FEB_DUE, 8, 2),
        ClockState("paused", D(2027, 3, 3), 2, 8),
        ClockState("missed", FEB_DUE, 11, 0),
        ClockState("not_started", None, 0, 10),
        ClockState("stopped", FEB_DUE, 4, 6),
        ClockState("on_track", D(2027, 2, 25), 6, 4),
    ]


def test_the_bulk_form_of_no_cases_is_empty():
    assert len(clock_states(np.array([], dtype="datetime64[D]"), today=FEB_S, calendar=CALENDAR)) == 0


# Properties --------------------------------------------------------------------------------


@st.composite
def histories(draw, allow_draft=True):
    """A case's possible history: submission, non-overlapping pauses, maybe an end, today."""
    if allow_draft and draw(st.integers(0, 9)) == 0:
        return {"submitted_on": None, "pauses": [], "decided_on": None, "withdrawn_on": None, "today": FEB_S}
    submitted_on = draw(st.dates(D(2025, 12, 1), D(2028, 12, 31)))
    span = draw(st.integers(0, 70))
    marks = sorted(draw(st.lists(st.integers(0, span), max_size=6)))
    if len(marks) % 2 and draw(st.booleans()):
        marks = marks[:-1]
    pauses = []
    for index in range(0, len(marks), 2):
        requested_on = submitted_on + dt.timedelta(days=marks[index])
        responded_on = submitted_on + dt.timedelta(days=marks[index + 1]) if index + 1 < len(marks) else None
        pauses.append((requested_on, responded_on))
    today = submitted_on + dt.timedelta(days=draw(st.integers(0, 90)))
    ending = draw(st.sampled_from(["open", "open", "decided", "withdrawn"]))
    last_mark = marks[-1] if marks else 0
    ended_on = submitted_on + dt.timedelta(days=draw(st.integers(last_mark, last_mark + 40)))
    return {
        "submitted_on": submitted_on,
        "pauses": pauses,
        "decided_on": ended_on if ending == "decided" and (not pauses or pauses[-1][1]) else None,
        "withdrawn_on": ended_on if ending == "withdrawn" else None,
        "today": today,
    }


def read(history, calendar=CALENDAR, pauses=None):
    return clock_state(
        history["submitted_on"],
        history["pauses"] if pauses is None else pauses,
        decided_on=history["decided_on"],
        withdrawn_on=history["withdrawn_on"],
        today=history["today"],
        calendar=calendar,
    )


@PROPERTY_SETTINGS
@given(histories(allow_draft=False), st.data())
def test_adding_a_pause_never_moves_the_due_date_earlier(history, data):
    if not history["pauses"]:
        return
    dropped = data.draw(st.integers(0, len(history["pauses"]) - 1))
    fewer = [pause for index, pause in enumerate(history["pauses"]) if index != dropped]
    assert read(history).due_date >= read(history, pauses=fewer).due_date
    assert read(history).due_date >= read(history, pauses=[]).due_date


@PROPERTY_SETTINGS
@given(histories())
def test_business_days_used_never_exceed_calendar_days(history):
    state = read(history)
    if history["submitted_on"] is None:
        assert state.business_days_used == 0
        return
    end = history["decided_on"] or history["withdrawn_on"] or history["today"]
    assert 0 <= state.business_days_used <= max((end - history["submitted_on"]).days, 0)
    assert state.business_days_remaining >= 0
    if state.is_open and end <= state.due_date:
        assert state.business_days_used + state.business_days_remaining == 10


@PROPERTY_SETTINGS
@given(st.dates(D(2025, 12, 1), D(2028, 12, 31)), st.integers(-5, 40))
def test_business_days_between_agrees_with_a_day_by_day_count(start, length):
    end = start + dt.timedelta(days=length)
    closure_days = {D(2026, 3, 16), D(2027, 2, 19), D(2028, 6, 9)}
    calendar = BusinessCalendar(closure_days=closure_days)
    assert business_days_between(start, end, calendar) == naive_business_days_between(start, end, closure_days)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(histories(), min_size=1, max_size=25), st.dates(D(2025, 12, 1), D(2029, 3, 31)))
def test_the_bulk_form_agrees_with_the_scalar_form(cases, today):
    cases = [{**case, "today": today} for case in cases if case["submitted_on"] is None or case["submitted_on"] <= today]
    if not cases:
        return
    pause_rows = [(index, p, r) for index, case in enumerate(cases) for p, r in case["pauses"]]

    def dates(values):
        return np.array([np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values], "datetime64[D]")

    states = clock_states(
        dates([case["submitted_on"] for case in cases]),
        pause_case=np.array([row[0] for row in pause_rows], dtype=np.intp),
        pause_requested_on=dates([row[1] for row in pause_rows]),
        pause_responded_on=dates([row[2] for row in pause_rows]),
        decided_on=dates([case["decided_on"] for case in cases]),
        withdrawn_on=dates([case["withdrawn_on"] for case in cases]),
        today=today,
        calendar=WITH_CLOSURE,
    )
    assert [states[i] for i in range(len(cases))] == [read(case, calendar=WITH_CLOSURE) for case in cases]
    assert set(states.status) <= set(STATUSES)


def test_date_array_reads_a_column_of_dates_with_gaps_as_numpy_dates():
    from assessment.clock_bulk import date_array

    result = date_array([D(2027, 1, 1), None, D(1970, 1, 1), D(1969, 12, 31)])
    assert result.dtype == np.dtype("datetime64[D]")
    assert result.astype(object).tolist() == [D(2027, 1, 1), None, D(1970, 1, 1), D(1969, 12, 31)]
    assert date_array([]).size == 0
