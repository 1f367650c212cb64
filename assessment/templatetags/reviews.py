"""Periodic reviews at a glance: the provider's due reviews on its start page and application
list (the agency's are a section of the dashboard, assessment.dashboard). A tag rather than
view context, so any page can show them with one line."""

from django import template
from django.utils import timezone

from .. import clock, selectors

register = template.Library()


def _today():
    return clock.agency_date(timezone.now())


@register.inclusion_tag("assessment/_provider_reviews.html")
def provider_reviews(user):
    return {"reviews": selectors.reviews_due(user=user, as_of=_today())}
