"""The provider's start page: their micro-credentials and each one's latest case at a glance.

A tag rather than a context in accounts' home view, so accounts stays unaware of the apps
built on it; it lives in assessment because it walks the cases and names their states
(dependencies point assessment → credentials → accounts).
"""

from django import template

from credentials.completeness import completeness
from credentials.selectors import microcredentials_visible_to

register = template.Library()

SHOWN = 10


@register.inclusion_tag("assessment/_start_provider.html")
def provider_overview(user):
    microcredentials = list(microcredentials_visible_to(user).prefetch_related("applications")[:SHOWN])
    rows = []
    for microcredential in microcredentials:
        cases = sorted(microcredential.applications.all(), key=lambda a: a.created_at, reverse=True)
        rows.append((microcredential, completeness(microcredential), cases[0] if cases else None))
    return {"rows": rows, "total": microcredentials_visible_to(user).count()}
