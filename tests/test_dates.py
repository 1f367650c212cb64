"""One date formatter for letters, emails and pages (config/dates.py)."""

import datetime as dt

import pytest

from config.dates import long_date


@pytest.mark.parametrize(
    "options, written",
    [
        ({}, "4 January 2027"),
        ({"weekday": True}, "Monday 4 January 2027"),
        ({"weekday": True, "year": False}, "Monday 4 January"),
    ],
)
def test_a_date_is_written_the_agencys_way(options, written):
    assert long_date(dt.date(2027, 1, 4), **options) == written


def test_every_day_of_a_year_matches_the_english_calendar():
    day = dt.date(2028, 1, 1)
    while day.year == 2028:
        assert long_date(day, weekday=True) == "%s %d %s 2028" % (day.strftime("%A"), day.day, day.strftime("%B"))
        day += dt.timedelta(days=1)


def test_letters_emails_and_pages_share_the_formatter():
    from assessment import clock_history, notifications
    from credentials import stack_export
    from credentials.letters import render

    assert {module.long_date for module in (notifications, clock_history, render, stack_export)} == {long_date}
