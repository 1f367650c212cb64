"""Dates as the agency writes them, in the active language, in letters, emails and pages:
"4 January 2027" or "Monday 4 January 2027"; in French « 4 janvier 2027 », « lundi 4 janvier
2027 », and « 1er décembre 2026 » for the first of a month (Canadian usage). One formatter, so
a letter and the email about it never disagree.

Month and day names come from the translation catalogue, not from strftime, so the text never
depends on the process's locale; and plain string formatting is far faster than Django's date
filter, as a sweep writes many."""

import datetime as dt

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

# Django's own catalogue has these words in French (lower case, as French writes them).
_MONTHS = [gettext_lazy(name) for name in (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December")]
_WEEKDAYS = [gettext_lazy(name) for name in (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")]
# A month in three or four letters for a chart's axis: "Jan", « janv. ».
_SHORT_MONTHS = [
    pgettext_lazy("abbreviated month", "Jan"), pgettext_lazy("abbreviated month", "Feb"),
    pgettext_lazy("abbreviated month", "Mar"), pgettext_lazy("abbreviated month", "Apr"),
    pgettext_lazy("abbreviated month", "May"), pgettext_lazy("abbreviated month", "Jun"),
    pgettext_lazy("abbreviated month", "Jul"), pgettext_lazy("abbreviated month", "Aug"),
    pgettext_lazy("abbreviated month", "Sep"), pgettext_lazy("abbreviated month", "Oct"),
    pgettext_lazy("abbreviated month", "Nov"), pgettext_lazy("abbreviated month", "Dec"),
]


def _french():
    return (get_language() or "").startswith("fr")


def long_date(day: dt.date, *, weekday: bool = False, year: bool = True) -> str:
    """`4 January 2027`; with `weekday`, `Monday 4 January 2027`; without `year`, `4 January`.
    In French: `4 janvier 2027`, `lundi 4 janvier 2027`, `1er janvier 2027`."""
    number = "1er" if day.day == 1 and _french() else "%d" % day.day
    text = "%s %s" % (number, _MONTHS[day.month - 1])
    if year:
        text += " %d" % day.year
    return "%s %s" % (_WEEKDAYS[day.weekday()], text) if weekday else text


def month_year(day: dt.date) -> str:
    """`November 2026`, « novembre 2026 »."""
    return "%s %d" % (_MONTHS[day.month - 1], day.year)


def short_month(day: dt.date) -> str:
    """`Nov`, « nov. »: a column's label."""
    return str(_SHORT_MONTHS[day.month - 1])
