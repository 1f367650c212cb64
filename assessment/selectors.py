"""Reads of cases, scoped to the person asking: a provider's own, or all for the agency."""

from django.db.models import Prefetch
from django.http import Http404

from accounts.permissions import is_agency_staff, is_provider
from credentials.models import Attachment
from credentials.selectors import is_possible_id

from .models import Application, ApplicationEvent


def applications_visible_to(user):
    queryset = Application.objects.select_related("provider", "microcredential", "microcredential__provider")
    queryset = queryset.prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "id")),
        Prefetch("microcredential__attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
    )
    if is_agency_staff(user):
        return queryset
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


def open_application_for(microcredential):
    return (
        Application.objects.filter(microcredential=microcredential)
        .exclude(state__in=Application.CLOSED_STATES)
        .first()
    )
