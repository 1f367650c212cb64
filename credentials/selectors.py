"""Every read of micro-credentials and reference data, already scoped to the person asking.

A provider sees only its organisation's records and the agency sees all: anything else is
simply not found (404), never "forbidden", so ids reveal nothing.
"""

from django.db.models import Prefetch
from django.http import Http404

from accounts.permissions import is_agency_staff, is_provider

from .models import Attachment, FieldOfStudy, Framework, Level, MicroCredential

# Ids are 64-bit: anything outside that range cannot name a row, and asking the database
# would fail (an overflow, not "not found").
MAX_ID = 2**63 - 1


def is_possible_id(value):
    try:
        return 0 < int(value) <= MAX_ID
    except (TypeError, ValueError):
        return False


def microcredentials_visible_to(user):
    queryset = MicroCredential.objects.select_related("provider").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id"))
    )
    if is_agency_staff(user):
        return queryset
    if is_provider(user):
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def microcredential_get(*, user, pk):
    if not is_possible_id(pk):
        raise Http404("No such micro-credential.")
    try:
        return microcredentials_visible_to(user).get(pk=pk)
    except (MicroCredential.DoesNotExist, ValueError, TypeError):
        raise Http404("No such micro-credential.") from None


def attachment_get(*, user, microcredential_id, pk):
    microcredential = microcredential_get(user=user, pk=microcredential_id)
    if not is_possible_id(pk):
        raise Http404("No such attachment.")
    try:
        return microcredential.attachments.get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such attachment.") from None


def frameworks_with_levels():
    return Framework.objects.prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("number")))


def fields_of_study():
    return FieldOfStudy.objects.order_by("code")


def level_ids():
    return set(Level.objects.values_list("id", flat=True))


def field_of_study_codes():
    return set(FieldOfStudy.objects.values_list("code", flat=True))
