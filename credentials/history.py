"""The history of each register entry (AssessmentEvent): every change of an entry writes one
row, with its actor (None: the daily sweep), in the change's own transaction; the sweeps write
theirs in bulk, in the statement that makes the change (bulk_sql.py). The agency reads the
whole history on the entry; everyone else the changes, their dates and the public sentence."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_agency_staff

from .models import AssessmentEvent


def assessment_event_add(*, assessment, action, actor, from_status, public_note="", internal_note=""):
    return AssessmentEvent.objects.create(
        assessment=assessment, action=action, actor=actor, from_status=from_status or "",
        to_status=assessment.status, public_note=public_note, internal_note=internal_note,
    )


# What the daily review sweep does to entries; every other change has a person behind it.
SWEEP_ACTIONS = frozenset({AssessmentEvent.Action.LAPSE, AssessmentEvent.Action.END})


@dataclass(frozen=True)
class EntryChange:
    on: dt.date
    action: str
    label: str
    from_status: str
    to_status: str
    public_note: str
    # The agency's alone: who (None for the daily sweep) and its internal note.
    actor: str | None
    internal_note: str


def assessment_history_for(*, user, assessment) -> list[EntryChange]:
    """The entry's events, oldest first, as `user` may read them: agency staff see who made
    each change and its internal note; everyone else the change, its date and the public
    sentence."""
    agency = is_agency_staff(user)
    return [
        EntryChange(
            on=timezone.localdate(event.at), action=event.action, label=event.get_action_display(),
            from_status=event.get_from_status_display() if event.from_status else "",
            to_status=event.get_to_status_display(), public_note=event.public_note,
            actor=_actor_name(event) if agency else None,
            internal_note=event.internal_note if agency else "",
        )
        for event in assessment.events.select_related("actor")
    ]


def _actor_name(event):
    if event.actor_id:
        return event.actor.get_full_name()
    # Only the sweeps act without a person; a change recorded when the history began has no
    # known actor.
    return _("the daily sweep") if event.action in SWEEP_ACTIONS else _("(not recorded)")
