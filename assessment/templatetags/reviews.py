"""Periodic reviews at a glance: the provider's due reviews (start page, application list)
and the agency's upcoming and overdue ones (`templates/assessment/_reviews_due.html`, for
the dashboard). Tags rather than view context, so any page can show them with one line."""

from django import template
from django.utils import timezone

from .. import clock, selectors

register = template.Library()


def _today():
    return clock.agency_date(timezone.now())


@register.inclusion_tag("assessment/_provider_reviews.html")
def provider_reviews(user):
    return {"reviews": selectors.reviews_due(user=user, as_of=_today())}


@register.inclusion_tag("assessment/_reviews_due.html")
def agency_reviews_due(user, days_ahead=90):
    """Upcoming (due within `days_ahead`) and overdue reviews, for agency staff."""
    reviews = selectors.reviews_due(user=user, as_of=_today(), days_ahead=days_ahead)
    return {
        "overdue": [r for r in reviews if r.overdue],
        "upcoming": [r for r in reviews if not r.overdue],
        "days_ahead": days_ahead,
    }
