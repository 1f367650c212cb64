"""Dates as the agency writes them, in letters, emails and pages: "4 January 2027", or
"Monday 4 January 2027"; in French « 4 janvier 2027 », « lundi 4 janvier 2027 », « 1er mars
2027 ». One formatter, so a letter and the email about it never disagree. The language is the
active one (django.utils.translation), English unless French is active.

Month and day names are spelled out here, not by strftime, so the text never depends on the
process's locale; and plain string formatting is far faster than Django's date filter, as a
sweep writes many."""

import datetime as dt

from django.utils.translation import get_language

_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
# French writes month and day names in lower case, and the first of the month as « 1er ».
_MONTHS_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_WEEKDAYS_FR = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()


def long_date(day: dt.date, *, weekday: bool = False, year: bool = True) -> str:
    """`4 January 2027`; with `weekday`, `Monday 4 January 2027`; without `year`, `4 January`.
    In French (the active language), `4 janvier 2027`, `lundi 4 janvier 2027`, `1er janvier`."""
    if (get_language() or "").startswith("fr"):
        text = "%s %s" % ("1er" if day.day == 1 else day.day, _MONTHS_FR[day.month - 1])
        weekdays = _WEEKDAYS_FR
    else:
        text = "%d %s" % (day.day, _MONTHS[day.month - 1])
        weekdays = _WEEKDAYS
    if year:
        text += " %d" % day.year
    return "%s %s" % (weekdays[day.weekday()], text) if weekday else text
