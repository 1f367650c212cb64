"""Reads of cases, scoped to the person asking: a provider's own, or all for the agency."""

from django.db.models import Prefetch
from django.http import Http404

from accounts.permissions import is_agency_staff, is_provider
from credentials.models import Attachment
from credentials.selectors import is_possible_id

from .models import Application, ApplicationEvent, InformationRequest, InternalNote, Recommendation


def _with_workflow(queryset):
    """Everything the case's JSON, its page and its clock read, in a fixed number of queries."""
    return queryset.select_related(
        "provider", "microcredential", "microcredential__provider", "assigned_to", "assessment", "decision_letter",
    ).prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "id")),
        Prefetch("microcredential__attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
        Prefetch(
            "information_requests",
            queryset=InformationRequest.objects.select_related("requested_by", "responded_by").order_by("requested_at", "id"),
        ),
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.select_related(
                "level", "recommended_by", "returned_by", "signed_off_by"
            ).order_by("recommended_at", "id"),
        ),
    )


def applications_visible_to(user):
    queryset = _with_workflow(Application.objects.all())
    if is_agency_staff(user):
        return queryset.prefetch_related(
            Prefetch("internal_notes", queryset=InternalNote.objects.select_related("author").order_by("at", "id"))
        )
    if is_provider(user):
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def application_get(*, user, pk):
    if not is_possible_id(pk):
        raise Http404("No such application.")
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("No such application.") from None


def internal_notes_for(*, user, application):
    if not is_agency_staff(user):
        return InternalNote.objects.none()
    return application.internal_notes.select_related("author").order_by("at", "id")


QUEUE_TABS = ("unassigned", "mine", "all")


def queue(*, user, tab="unassigned", state=None, kind=None, provider=None):
    """The assessors' queue: open cases, soonest due first (the index `application_queue_due`)."""
    if not is_agency_staff(user):
        return Application.objects.none()
    queryset = Application.objects.filter(state__in=Application.OPEN_STATES).select_related(
        "provider", "microcredential", "assigned_to"
    ).prefetch_related("information_requests")
    if tab == "unassigned":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif tab == "mine":
        queryset = queryset.filter(assigned_to=user)
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if provider:
        queryset = queryset.filter(provider_id=provider)
    return queryset.order_by("sla_due_date", "id")


def open_application_for(microcredential):
    return (
        Application.objects.filter(microcredential=microcredential)
        .exclude(state__in=Application.CLOSED_STATES)
        .first()
    )


def decision_letter_of(application):
    """The stored decision letter of a case, or None (not declined, or still being produced)."""
    return getattr(application, "decision_letter", None)
