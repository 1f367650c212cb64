"""How large a request body each URL takes, enforced before anything reads the body.

Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) applies to form fields only: an uploaded
file is streamed whole to a temporary file before any view can look at its size, so an
anonymous 300 MB "letter" would be read in full and only then refused. Here the declared
Content-Length is compared with the URL's limit first, and the request is answered 413
without reading a byte. A body sent without a length (chunked) is never read at all: Django's
WSGI request reads no more than the declared length, none when there is none (the service
runs under WSGI, gunicorn; config/asgi.py is not used to serve it).

The limits: REQUEST_BODY_LIMITS in settings, by URL name, for the uploads (each the largest
file the service accepts there plus room for the multipart envelope); every other URL takes
REQUEST_BODY_MAX_BYTES (JSON bodies and forms, far below it in practice).
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from .locale import agency_name, request_language


def body_limit(path_info):
    """The most bytes a body sent to this path may hold."""
    # This runs before the language is chosen (config/locale.py): a French page's path
    # (/fr/verify/) resolves only with French active.
    try:
        with translation.override(translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE):
            match = resolve(path_info)
    except Resolver404:
        return settings.REQUEST_BODY_MAX_BYTES
    return settings.REQUEST_BODY_LIMITS.get(match.view_name, settings.REQUEST_BODY_MAX_BYTES)


class RequestBodyLimitMiddleware:
    """Answers 413 for a body larger than its URL takes (see the module's docstring). Only the
    policy header and the JSON errors come before it in MIDDLEWARE, so nothing has touched the
    body yet; the refusal page is drawn without the request (no session or user is loaded)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # not a number: Django reads nothing of such a body
        if declared:
            limit = body_limit(request.path_info)
            if declared > limit:
                return refusal(request, limit)
        return self.get_response(request)


def refusal(request, limit):
    with translation.override(request_language(request.path_info, request.headers.get("Accept-Language"))):
        return _refusal(request, limit)


def _refusal(request, limit):
    megabytes = "%g" % round(limit / (1024 * 1024), 1)
    message = _("The request is larger than this address takes (%(size)s MB at most); nothing of it was read.") % {
        "size": megabytes}
    if request.path.startswith("/api/"):
        return HttpResponse(json.dumps({"detail": message}), status=413, content_type="application/json")
    page = render_to_string("413.html", {"message": message, "agency_name": agency_name()})
    return HttpResponse(page, status=413)


__all__ = ["RequestBodyLimitMiddleware", "body_limit"]
