"""The cases about one micro-credential, as a panel of its page (credentials/detail.html):
the cases and their states, and the button that starts an application while none is open.

A tag of assessment's, so credentials' page shows the casework without credentials knowing
the cases or their states (dependencies point assessment → credentials → accounts).
"""

from django import template

from accounts.permissions import is_provider

from .. import selectors

register = template.Library()


@register.inclusion_tag("assessment/_microcredential_cases.html")
def microcredential_cases(user, microcredential, *, completeness, can_edit):
    """`completeness` and `can_edit` come from the page: while the provider still has required
    elements to add, completing the description is the primary action, not applying."""
    cases = selectors.cases_about(microcredential)
    return {
        "microcredential": microcredential,
        "cases": cases,
        "can_start": is_provider(user) and not any(case.is_unfinished for case in cases),
        "start_is_secondary": bool(completeness["missing_required"]) and can_edit,
    }
