"""One date formatter for letters, emails and pages (config/dates.py)."""

import datetime as dt

import pytest
from django.utils import translation

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


@pytest.mark.parametrize(
    "day, options, written",
    [
        (dt.date(2026, 11, 30), {}, "30 novembre 2026"),
        (dt.date(2027, 1, 4), {"weekday": True}, "lundi 4 janvier 2027"),
        (dt.date(2027, 3, 1), {}, "1er mars 2027"),
        (dt.date(2027, 8, 1), {"weekday": True, "year": False}, "dimanche 1er août"),
    ],
)
def test_in_french_a_date_is_written_the_french_way(day, options, written):
    with translation.override("fr"):
        assert long_date(day, **options) == written
    assert long_date(day) == "%d %s %d" % (day.day, day.strftime("%B"), day.year)  # English again outside


def test_letters_emails_and_pages_share_the_formatter():
    from assessment import clock_history, notifications
    from credentials.templatetags import letter_text

    assert {module.long_date for module in (notifications, clock_history)} | {letter_text._long_date} == {long_date}
