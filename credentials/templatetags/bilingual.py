"""`{{ source|localized:"name" }}`: a bilingual value in the page's language, for what has no
`localized_*` property (an assessment's snapshot, a dict); the rule is languages.localized."""

from django import template

from ..languages import localized as _localized

register = template.Library()


@register.filter
def localized(source, field):
    if source is None or source == "":
        return source
    return _localized(source, field)
