"""The provider's start page: their micro-credentials and applications at a glance.

A tag rather than a context in accounts' home view, so accounts stays unaware of the apps
built on it (dependencies point assessment → credentials → accounts).
"""

from django import template

from credentials.completeness import completeness
from credentials.selectors import microcredentials_visible_to

register = template.Library()


@register.inclusion_tag("credentials/_start_provider.html")
def provider_overview(user):
    microcredentials = list(
        microcredentials_visible_to(user).prefetch_related("applications")[:10]
    )
    rows = []
    for microcredential in microcredentials:
        applications = sorted(microcredential.applications.all(), key=lambda a: a.created_at, reverse=True)
        rows.append((microcredential, completeness(microcredential), applications[0] if applications else None))
    return {"rows": rows, "total": microcredentials_visible_to(user).count()}
