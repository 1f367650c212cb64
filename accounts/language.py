"""A person's language: the one they chose is the one their pages are in (docs/architecture.md,
"Languages").

The choice is kept on the account for someone signed in (`User.language`, which also decides
the language of their emails), and in the `language` cookie for a visitor. The language link
in every page's header goes through `language_switch`, which stores the choice and then opens
the same page in that language. A page's URL names its language (config/locale.py); a GET for
a page in the other language than the person's choice is redirected to the same page in
theirs, so a French speaker who follows an English link (an old bookmark, a colleague's
message) lands on the French page. Someone who never chose sees the page the URL names.
Forms posted are never redirected: they answer in the language of the page they came from.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.locale import API_PREFIX

from . import services


def supported(code) -> bool:
    return code in dict(settings.LANGUAGES)


def preferred_language(request):
    """The language the person chose, or None: the account's once signed in, else the cookie's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.language
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if supported(code) else None


def path_in(path, language):
    """`path`, a page of this site in either language, in `language` (unchanged when it is not a
    page: an API address, the admin)."""
    with translation.override(translation.get_language_from_path(urlsplit(path).path) or settings.LANGUAGE_CODE):
        return translate_url(path, language)


def page_in(request, language):
    """The address of this page in `language` (this one when it has no other)."""
    return path_in(request.get_full_path(), language)


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = preferred_language(request)
        if language and language != request.LANGUAGE_CODE:
            target = page_in(request, language)
            if target != request.get_full_path():
                response = HttpResponseRedirect(target)
                patch_vary_headers(response, ("Cookie",))
                return response
        # Whether a page is shown or redirected depends on the language cookie (or the session).
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


@never_cache
@require_safe
def language_switch(request, code):
    """Keep `code` as the person's language, then open `next` (a page of this site) in it.

    A plain link rather than a form, so every page offers the other language in its header
    without a script or a button: changing one's own language is harmless if forged."""
    if not supported(code):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    if request.user.is_authenticated and request.user.language != code:
        services.user_language_set(user=request.user, language=code)
    response = HttpResponseRedirect(path_in(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
