"""The history of each register entry (AssessmentEvent): every change of an entry writes one
row, with its actor (None: the daily sweep), in the change's own transaction; the sweeps write
theirs in bulk. The agency reads the whole history on the entry; everyone else the status
changes, their dates and the public sentence."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.permissions import is_agency_staff

from .models import AssessmentEvent


def assessment_event_add(*, assessment, action, actor, from_status, public_note="", internal_note=""):
    return AssessmentEvent.objects.create(
        assessment=assessment, action=action, actor=actor, from_status=from_status or "",
        to_status=assessment.status, public_note=public_note, internal_note=internal_note,
    )


def assessment_events_add_many(*, assessment_ids, action, from_status, to_status, public_note_of=None):
    """One row per entry a sweep changed (actor None), in one INSERT. `public_note_of` maps an
    entry's id to its sentence when each has its own."""
    AssessmentEvent.objects.bulk_create([
        AssessmentEvent(
            assessment_id=assessment_id, action=action, actor=None, from_status=from_status, to_status=to_status,
            public_note=(public_note_of or {}).get(assessment_id, ""),
        )
        for assessment_id in assessment_ids
    ])


@dataclass(frozen=True)
class HistoryLine:
    on: dt.date
    action: str
    label: str
    from_status: str
    to_status: str
    public_note: str
    # The agency's alone: who (None for the daily sweep) and its internal note.
    actor: str | None
    internal_note: str


def assessment_history_for(*, user, assessment) -> list[HistoryLine]:
    """The entry's events, oldest first, as `user` may read them: agency staff see who made
    each change and its internal note; everyone else the change, its date and the public
    sentence."""
    agency = is_agency_staff(user)
    return [
        HistoryLine(
            on=timezone.localdate(event.at), action=event.action, label=event.get_action_display(),
            from_status=event.get_from_status_display() if event.from_status else "",
            to_status=event.get_to_status_display(), public_note=event.public_note,
            actor=(event.actor.get_full_name() if event.actor_id else "the daily sweep") if agency else None,
            internal_note=event.internal_note if agency else "",
        )
        for event in assessment.events.select_related("actor")
    ]
