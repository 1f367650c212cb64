from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from . import navigation as nav
from .language import page_in

# The language tag of each page (BCP 47: the agency writes Canadian English and French).
HTML_LANG = {"en": "en-CA", "fr": "fr-CA"}


def agency_name():
    """The agency's name in the active language."""
    return settings.AGENCY_NAME_FR if translation.get_language() == "fr" else settings.AGENCY_NAME


def navigation(request):
    return {
        "agency_name": agency_name(),
        "nav_items": nav.items_for(request.user, request.path),
        **languages(request),
    }


def languages(request):
    """The page's `lang` and the link to the same page in the other language, which goes
    through the switch that keeps the choice (accounts/language.py)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = "fr" if current == "en" else "en"
    switch = "%s?%s" % (reverse("language-switch", args=[other]), urlencode({"next": page_in(request, other)}))
    return {
        "html_lang": HTML_LANG.get(current, "en-CA"),
        "other_language": {"code": other, "name": dict(settings.LANGUAGES)[other], "url": switch},
    }
