"""Domain errors and the one place that maps them to HTTP, for the API and the pages alike."""

import json

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import input_guards
from .object_storage import STORAGE_UNREACHABLE


class DomainError(Exception):
    """A rule of the agency refused the request; the message is for the person who asked."""

    status_code = status.HTTP_400_BAD_REQUEST
    # Seconds after which asking again may succeed (the Retry-After header), when known.
    retry_after = None

    def __init__(self, message, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra

    def as_data(self):
        return {"detail": self.message, **self.extra}


class NotPermitted(DomainError):
    status_code = status.HTTP_403_FORBIDDEN


class TransitionNotAllowed(DomainError):
    """The action is not open in the case's current state; the body names that state."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message, *, state, **extra):
        super().__init__(message, state=state, **extra)
        self.state = state


class Conflict(DomainError):
    """The request clashes with the record's present condition (not a workflow state)."""

    status_code = status.HTTP_409_CONFLICT


def with_retry_after(response, exc):
    """The response, with `Retry-After` when the refusal says how long to wait."""
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = "%d" % exc.retry_after
    return response


class StorageUnavailable(DomainError):
    """The file store (the bucket's service) cannot be reached: nothing was saved or served."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self):
        super().__init__(_("The agency's file store cannot be reached just now; nothing was saved. "
                           "Try again in a few minutes."))
        self.retry_after = 60


def _domain_error(exc):
    """`exc` as the domain error it means, or None."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, STORAGE_UNREACHABLE):
        return StorageUnavailable()
    return None


def api_exception_handler(exc, context):
    exc = _domain_error(exc) or exc
    if isinstance(exc, DomainError):
        return with_retry_after(Response(exc.as_data(), status=exc.status_code), exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = exc.message_dict
        else:
            data = {"detail": " ".join(exc.messages)}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class _Detail(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


class _StateConflict(serializers.Serializer):
    detail = serializers.CharField()
    state = serializers.CharField(help_text="The record's current state.")

    class Meta:
        ref_name = "StateConflict"


def document_errors(*codes):
    """The schema's responses for the error statuses an operation can answer."""
    responses = {
        # 400 bodies name each invalid field, so their shape depends on the input.
        400: OpenApiResponse(description="The input is not valid; the body names each field and its problem."),
        401: OpenApiResponse(_Detail, description="Not signed in."),
        403: OpenApiResponse(_Detail, description="Your role may not do this."),
        404: OpenApiResponse(_Detail, description="Not found, or not visible to you."),
        405: OpenApiResponse(_Detail, description="This address does not take this method."),
        409: OpenApiResponse(_StateConflict, description="Not allowed in the record's current state."),
        413: OpenApiResponse(_Detail, description="The body is larger than this operation takes; nothing of it was read."),
        415: OpenApiResponse(_Detail, description="The body is not in a format this operation takes."),
        429: OpenApiResponse(_Detail, description="Too many requests; try again later."),
        503: OpenApiResponse(_Detail, description="Unavailable for a moment; try again shortly."),
    }
    return {code: responses[code] for code in codes}


class DomainErrorMiddleware:
    """Pages: a refused action goes back where it came from with the reason as a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        exc = _domain_error(exc)
        if exc is None:
            return None
        back = request.META.get("HTTP_REFERER")
        safe = back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if request.method == "POST" and safe:
            messages.error(request, exc.message)
            return redirect(back)
        return with_retry_after(render(request, "error.html", {"error": exc}, status=exc.status_code), exc)


def _refused_parameters(request):
    """{name: message} for the path and the query and form parameters holding a character
    that config.input_guards refuses everywhere (in the name or a value): the path's segments
    reach lookups as they are (a reference, a code)."""
    refused = {}
    path_problem = input_guards.text_problem(request.path_info)
    if path_problem:
        refused["path"] = path_problem
    sources = [request.GET]
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            sources.append(request.POST)
        except (MultiPartParserError, RequestDataTooBig):
            # A body that does not parse is left to the view, which refuses it with its own 400.
            pass
    for source in sources:
        for name, values in source.lists():
            problem = input_guards.text_problem(name) or next(
                (p for p in map(input_guards.text_problem, values) if p), None)
            if problem:
                refused[name.replace(input_guards.NUL, "\\0")] = problem
    return dict(sorted(refused.items()))


class ParameterGuardMiddleware:
    """A NUL character or a text-direction control that reorders text (config.input_guards)
    in the path or a query or form parameter answers 400 naming it, before any view runs.

    One guard here, rather than a check in every view that reads `request.GET` or a form:
    PostgreSQL text cannot hold NUL (a lookup with one fails in the database, a 500), and a
    reordering control makes stored text display as something else. Uploaded files are not
    parameters and may hold any byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = _refused_parameters(request)
        if not refused:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [str(message)] for name, message in refused.items()},
                                status=status.HTTP_400_BAD_REQUEST)
        nul = [name for name, message in refused.items() if message == input_guards.NUL_MESSAGE]
        direction = [name for name in refused if name not in nul]
        sentences = []
        if nul:
            sentences.append(_("A NUL character is in %(fields)s; no field of this service accepts one.")
                             % {"fields": ", ".join(nul)})
        if direction:
            sentences.append(_("An invisible text-direction control character is in %(fields)s; it makes text "
                               "display differently from what it says. Remove it and try again.")
                             % {"fields": ", ".join(direction)})
        error = DomainError(" ".join(sentences))
        return render(request, "error.html", {"error": error}, status=status.HTTP_400_BAD_REQUEST)


def _status_sentence(response):
    """The `detail` of an error Django drew as a page: a sentence in the request's language
    (the reason phrase, "Not Found", is HTTP's own and stays English)."""
    sentences = {
        400: _("The request is not valid."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This address does not take this method."),
        413: _("The body is larger than this operation takes; nothing of it was read."),
        500: _("Something went wrong on the agency's side; try again later."),
        503: _("Unavailable for a moment; try again shortly."),
    }
    return str(sentences.get(response.status_code) or response.reason_phrase or _("Error"))


class ApiErrorsAsJsonMiddleware:
    """Every answer under /api/ is JSON, the errors Django itself draws included (an unknown
    URL's 404, a plain view's 405, a body that does not parse, the 500 page): an integrator's
    client parses `{"detail": ...}` whatever went wrong. DRF's own errors already are JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or "json" in response.get("Content-Type", "")
        ):
            return response
        body = json.dumps({"detail": _status_sentence(response)})
        if response.streaming:
            replacement = HttpResponse(body, status=response.status_code, content_type="application/json")
            for header in ("Allow", "Retry-After"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        response.content = body
        response["Content-Type"] = "application/json"
        return response


def schema_documents_guards(result, generator, request, public):
    """drf-spectacular postprocessing hook for the guards that answer before any view:
    ParameterGuardMiddleware's 400 on every operation (those with input already document
    one), and config.request_limits' 413 on every operation that takes a body."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {
                "description": "A query or form parameter holds a NUL character or a text-direction control; "
                               "the body names it.",
            })
            if "requestBody" in operation:
                responses.setdefault("413", {
                    "description": "The body is larger than this operation takes; nothing of it was read.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result


__all__ = [
    "Conflict",
    "DomainError",
    "NotPermitted",
    "ApiErrorsAsJsonMiddleware",
    "ParameterGuardMiddleware",
    "TransitionNotAllowed",
    "api_exception_handler",
    "document_errors",
    "schema_documents_guards",
]
