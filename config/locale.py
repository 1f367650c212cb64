"""The language a request is answered in (docs/architecture.md, "Languages").

- Pages carry it in their URL: English at their paths, French under `/fr/` (`i18n_patterns`
  with `prefix_default_language=False` in config/urls.py). The URL alone decides how a page
  renders, so a page's address always names its language; whether a signed-in person is sent
  to the other language's page is accounts/language.py's business.
- The API (`/api/`) has no prefix: it follows the client's `Accept-Language`, and nothing
  else (no cookie, no account setting), so an integration's answers do not change with who
  last used a browser. Its OpenAPI schema and the docs page are English whatever is asked:
  one contract for code generators.
- Anything else unprefixed (`/admin/`, `/healthz`, `/.well-known/`) is English.

Django's own LocaleMiddleware answers every unprefixed URL in LANGUAGE_CODE once
`i18n_patterns` is used, which would leave the API deaf to `Accept-Language`; hence this one.
A page asked for under a language code the site does not have (`/xx/verify/`, `/en/verify/`)
is sent to its English address rather than answered 404.
"""

import re

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

API_PREFIX = "/api/"
ENGLISH_ONLY_PREFIXES = ("/api/schema/", "/api/docs/")
# A first path segment that looks like a language code: `xx` or `xx-yy`.
_LANGUAGE_SEGMENT = re.compile(r"^/([A-Za-z]{2}(?:[-_][A-Za-z]{2})?)(/.*)$")


def agency_name() -> str:
    """The agency's name in the active language."""
    return settings.AGENCY_NAME_FR if translation.get_language() == "fr" else settings.AGENCY_NAME


def accept_language(header) -> str:
    """The supported language the `Accept-Language` header prefers, else LANGUAGE_CODE. A
    malformed header or an unknown code counts as no preference."""
    for code, _quality in trans_real.parse_accept_lang_header(header or ""):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def request_language(path, accept_language_header) -> str:
    if path.startswith(ENGLISH_ONLY_PREFIXES):
        return settings.LANGUAGE_CODE
    if path.startswith(API_PREFIX):
        return accept_language(accept_language_header)
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class LocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        translation.activate(request_language(path, request.headers.get("Accept-Language")))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            response = self._unknown_language_prefix(request) or response
        if path.startswith(API_PREFIX) and not path.startswith(ENGLISH_ONLY_PREFIXES):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    def _unknown_language_prefix(self, request):
        match = _LANGUAGE_SEGMENT.match(request.path_info)
        if match is None:
            return None
        rest = match.group(2)
        prefix_language = translation.get_language_from_path(request.path_info)
        if prefix_language and prefix_language.lower() != settings.LANGUAGE_CODE:
            return None  # a real prefix (/fr/…): the page does not exist there
        with translation.override(settings.LANGUAGE_CODE):
            if not is_valid_path(rest, getattr(request, "urlconf", None)):
                return None
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(request.META.get("SCRIPT_NAME", "") + rest + ("?" + query if query else ""))
