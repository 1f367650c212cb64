"""Dates as the agency writes them in English, in letters, emails and pages: "4 January 2027",
or "Monday 4 January 2027". One formatter, so a letter and the email about it never disagree.

Month and day names are spelled out here, not by strftime, so the text never depends on the
process's locale; and plain string formatting is far faster than Django's date filter, as a
sweep writes many."""

import datetime as dt

_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def long_date(day: dt.date, *, weekday: bool = False, year: bool = True) -> str:
    """`4 January 2027`; with `weekday`, `Monday 4 January 2027`; without `year`, `4 January`."""
    text = "%d %s" % (day.day, _MONTHS[day.month - 1])
    if year:
        text += " %d" % day.year
    return "%s %s" % (_WEEKDAYS[day.weekday()], text) if weekday else text
