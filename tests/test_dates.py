"""One date formatter for letters, emails and pages (config/dates.py), and the numbers beside
the dates (config/numbers.py), in English and in French."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from config.dates import long_date, month_year, short_month
from config.numbers import business_days_text, credits_text, decimal_text, percent_text


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
    from assessment.templatetags import email_snapshot
    from credentials.templatetags import letter_text

    modules = (notifications, clock_history, email_snapshot)
    assert {module.long_date for module in modules} | {letter_text._long_date} == {long_date}


def test_a_sweeps_email_writes_the_first_of_a_month_as_french_does():
    from assessment.templatetags.email_snapshot import written_date

    with translation.override("fr"):
        assert written_date("2027-04-01") == "jeudi 1er avril 2027"
    with translation.override("en"):
        assert written_date("2027-04-01") == "Thursday 1 April 2027"


def test_a_time_of_day_is_written_the_canadian_french_way_without_a_line_break():
    from credentials.templatetags.letter_text import clock_time

    moment = dt.datetime(2026, 11, 30, 14, 5)
    with translation.override("fr"):
        assert clock_time(moment) == "14\u00a0h\u00a005"
    with translation.override("en"):
        assert clock_time(moment) == "14:05"


@pytest.mark.parametrize(
    "day, options, written",
    [
        (dt.date(2026, 11, 30), {}, "30 novembre 2026"),
        (dt.date(2026, 12, 1), {}, "1er décembre 2026"),
        (dt.date(2027, 1, 4), {"weekday": True}, "lundi 4 janvier 2027"),
        (dt.date(2027, 2, 1), {"weekday": True, "year": False}, "lundi 1er février"),
        (dt.date(2027, 8, 15), {}, "15 août 2027"),
    ],
)
def test_a_date_is_written_the_french_way_in_french(day, options, written):
    with translation.override("fr"):
        assert long_date(day, **options) == written
    # The first of the month is "1er" in French only.
    with translation.override("en"):
        assert long_date(dt.date(2026, 12, 1)) == "1 December 2026"


def test_an_unknown_language_writes_english_dates():
    with translation.override("xx"):
        assert long_date(dt.date(2027, 1, 4), weekday=True) == "Monday 4 January 2027"


def test_short_months_and_month_names_follow_the_language():
    with translation.override("fr"):
        assert [short_month(dt.date(2027, m, 1)) for m in (1, 6, 7, 12)] == ["janv.", "juin", "juill.", "déc."]
        assert month_year(dt.date(2026, 11, 3)) == "novembre 2026"
    with translation.override("en"):
        assert short_month(dt.date(2027, 6, 1)) == "Jun" and month_year(dt.date(2026, 11, 3)) == "November 2026"


@pytest.mark.parametrize(
    "value, english, french",
    [
        (Decimal("4.5"), "4.5 credits", "4,5 crédits"),
        (Decimal("4.0"), "4 credits", "4 crédits"),
        (Decimal("1"), "1 credit", "1 crédit"),
        # French keeps the singular below 2; English only for exactly 1.
        (Decimal("1.5"), "1.5 credits", "1,5 crédit"),
        (Decimal("0.5"), "0.5 credits", "0,5 crédit"),
        (2, "2 credits", "2 crédits"),
        (40.0, "40 credits", "40 crédits"),
    ],
)
def test_credits_are_written_in_the_language(value, english, french):
    with translation.override("en"):
        assert credits_text(value) == english
    with translation.override("fr"):
        assert credits_text(value) == french


def test_business_days_and_percentages_follow_the_language():
    with translation.override("en"):
        assert [business_days_text(n) for n in (0, 1, 3)] == ["0 business days", "1 business day", "3 business days"]
        assert percent_text(0.456) == "46%" and percent_text(None) == "–"
        assert decimal_text(Decimal("12.5")) == "12.5"
    with translation.override("fr"):
        assert [business_days_text(n) for n in (0, 1, 3)] == ["0 jour ouvrable", "1 jour ouvrable", "3 jours ouvrables"]
        assert percent_text(0.456) == "46\u00a0%"
        assert decimal_text(Decimal("12.5")) == "12,5"
