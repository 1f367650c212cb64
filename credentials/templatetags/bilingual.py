"""`{{ source|localized:"name" }}`: a bilingual value in the page's language, also for what has
no `localized_*` property (an assessment's snapshot, a dict); `{{ source|language_of:"name" }}`:
which language that is, for `lang`. The rule is languages.localized."""

from django import template

from ..languages import is_french
from ..languages import language_of as _language_of
from ..languages import localized as _localized
from ..letters.text import credits_text

register = template.Library()


@register.filter
def localized(source, field):
    if source is None or source == "":
        return source
    return _localized(source, field)


@register.filter
def language_of(source, field):
    """`lang="{{ entry|language_of:'title' }}"`: the language the localized value is in."""
    return _language_of(source, field)


@register.simple_tag
def page_is_french():
    """`{% page_is_french as french %}`: whether the page is drawn in French."""
    return is_french()


@register.filter
def agency_credits(value):
    """`4.5 agency credits`, « 4,5 crédits de l’Agence »: as the letters write a credit value."""
    return credits_text(value)
