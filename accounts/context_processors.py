from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from config.locale import agency_name

from . import navigation as nav
from .language import page_in


def navigation(request):
    return {
        "agency_name": agency_name(),
        "nav_items": nav.items_for(request.user, request.path),
        **languages(request),
    }


def languages(request):
    """The link to the same page in the other language, which goes through the switch that
    keeps the choice (accounts/language.py)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = "fr" if current == "en" else "en"
    switch = "%s?%s" % (reverse("language-switch", args=[other]), urlencode({"next": page_in(request, other)}))
    return {
        "other_language": {"code": other, "name": dict(settings.LANGUAGES)[other], "url": switch},
    }
