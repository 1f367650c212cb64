"""Dates as the agency writes them, in the active language, in letters, emails and pages:
"4 January 2027" or "Monday 4 January 2027"; in French « 4 janvier 2027 », « lundi 4 janvier
2027 », and « 1er décembre 2026 » for the first of a month (Canadian usage). One formatter, so
a letter and the email about it never disagree.

Month and day names come from the translation catalogue, not from strftime, so the text never
depends on the process's locale; and plain string formatting is far faster than Django's date
filter, as a sweep writes many."""

import datetime as dt
import functools

from django.utils.translation import get_language, gettext_lazy, override, pgettext_lazy

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


@functools.lru_cache(maxsize=8)
def _words(language):
    """The month and day names of a language, looked up once (a catalogue does not change
    while the process runs): (months, weekdays, short months, first day of a month)."""
    with override(language):
        return ([str(name) for name in _MONTHS], [str(name) for name in _WEEKDAYS],
                [str(name) for name in _SHORT_MONTHS], "1er" if (language or "").startswith("fr") else "1")


def long_date(day: dt.date, *, weekday: bool = False, year: bool = True) -> str:
    """`4 January 2027`; with `weekday`, `Monday 4 January 2027`; without `year`, `4 January`.
    In French: `4 janvier 2027`, `lundi 4 janvier 2027`, `1er janvier 2027`."""
    months, weekdays, _short, first = _words(get_language())
    text = "%s %s" % (first if day.day == 1 else "%d" % day.day, months[day.month - 1])
    if year:
        text += " %d" % day.year
    return "%s %s" % (weekdays[day.weekday()], text) if weekday else text


def month_year(day: dt.date) -> str:
    """`November 2026`, « novembre 2026 »."""
    return "%s %d" % (_words(get_language())[0][day.month - 1], day.year)


def short_month(day: dt.date) -> str:
    """`Nov`, « nov. »: a column's label."""
    return _words(get_language())[2][day.month - 1]
