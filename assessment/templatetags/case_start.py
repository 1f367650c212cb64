"""The agency's start pages: the cases waiting for this person, soonest due first.

A tag rather than a context in accounts' home view, so accounts stays unaware of the apps
built on it (dependencies point assessment → credentials → accounts).
"""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import clock, selectors
from ..calendar import agency_calendar

register = template.Library()

SHOWN = 25


@register.inclusion_tag("assessment/_start_cases.html")
def start_cases(user, which):
    """`which`: "sign-off" (recommendations this approver may sign off) or "mine" (the open
    cases assigned to this person)."""
    if which == "sign-off":
        cases = selectors.waiting_for_sign_off(user=user)
        empty = _("No recommendations are waiting for your sign-off.")
    else:
        cases = selectors.queue(user=user, tab="mine")
        empty = _("No open cases are assigned to you. Claim one from the queue.")
    shown = list(cases[:SHOWN + 1])  # one more than shown says whether there are more, without a count
    today, calendar = clock.agency_date(timezone.now()), agency_calendar()
    return {
        "rows": [(application, application.clock_on(today=today, calendar=calendar)) for application in shown[:SHOWN]],
        "more": len(shown) > SHOWN,
        "empty": empty,
        "which": which,
    }
