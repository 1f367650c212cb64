"""Values of the JSON snapshot a sweep's email is rendered from (notifications.py): dates as
ISO text and a case's state as its code, written out only when the email is rendered, in the
recipient's language."""

import datetime as dt

from django import template

from config.dates import long_date

register = template.Library()


@register.filter
def written_date(value):
    """`2027-03-02` as "Tuesday 2 March 2027" (« mardi 2 mars 2027 », « jeudi 1er avril 2027 »: the
    one date formatter, config.dates); a date already written out (a row queued before snapshots
    held ISO dates) as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return long_date(value, weekday=True) if isinstance(value, dt.date) else value


@register.filter
def state_name(value):
    """A case's state (`in_review`) by its name in the active language; an unknown code as it is."""
    from assessment.models import Application

    try:
        return str(Application.State(value).label)
    except ValueError:
        return value
