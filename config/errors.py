"""Domain errors and the one place that maps them to HTTP, for the API and the pages alike."""

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


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


def api_exception_handler(exc, context):
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
        409: OpenApiResponse(_StateConflict, description="Not allowed in the record's current state."),
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
        if not isinstance(exc, DomainError):
            return None
        back = request.META.get("HTTP_REFERER")
        safe = back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if request.method == "POST" and safe:
            messages.error(request, exc.message)
            return redirect(back)
        return with_retry_after(render(request, "error.html", {"error": exc}, status=exc.status_code), exc)


NUL_MESSAGE = "This value contains a NUL character, which no field of this service accepts."


def _fields_with_nul(request):
    """Names of the query and form parameters holding a NUL character (name or value)."""
    found = {name for name, values in request.GET.lists() if "\x00" in name or any("\x00" in v for v in values)}
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            post = request.POST
        except (MultiPartParserError, RequestDataTooBig):
            # A body that does not parse is left to the view, which refuses it as before.
            return found
        found |= {name for name, values in post.lists() if "\x00" in name or any("\x00" in v for v in values)}
    return sorted(name.replace("\x00", "\\0") for name in found)


class NulParameterMiddleware:
    """A NUL character in a query or form parameter answers 400 before any view runs.

    PostgreSQL text cannot hold NUL: such a value reaching a filter or a lookup fails in the
    database (a 500), and no person types one. One guard here, rather than a check in every
    view that reads `request.GET`. Uploaded files are not parameters and may hold any byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = _fields_with_nul(request)
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [NUL_MESSAGE] for name in fields}, status=status.HTTP_400_BAD_REQUEST)
        error = DomainError("A NUL character is in %s; no field of this service accepts one." % ", ".join(fields))
        return render(request, "error.html", {"error": error}, status=status.HTTP_400_BAD_REQUEST)


def schema_documents_nul_guard(result, generator, request, public):
    """drf-spectacular postprocessing hook: NulParameterMiddleware answers 400 for any
    operation, so every operation documents a 400 (those with input already do)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                operation.setdefault("responses", {}).setdefault("400", {
                    "description": "A query or form parameter holds a NUL character; the body names it.",
                })
    return result


__all__ = [
    "Conflict",
    "DomainError",
    "NotPermitted",
    "NulParameterMiddleware",
    "TransitionNotAllowed",
    "api_exception_handler",
    "document_errors",
    "schema_documents_nul_guard",
]
