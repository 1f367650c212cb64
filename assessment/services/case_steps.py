"""The steps every case transition takes (transitions.py, decisions.py): lock the row, check
the state, require a text, store the clock as it reads today, save, and write the step into
the case's history in the same transaction."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from config.errors import TransitionNotAllowed

from .. import clock
from ..calendar import agency_calendar
from ..models import Application, ApplicationEvent


def event_write(application, *, actor, action, from_state, message=""):
    ApplicationEvent.objects.create(
        application=application, actor=actor, action=action,
        from_state=from_state or "", to_state=application.state, message=message,
    )


def case_locked(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("microcredential", "provider", "assigned_to", "reviewed_assessment")
        .get(pk=application.pk)
    )


def state_check(application, transition, what):
    if not can_proceed(transition):
        raise TransitionNotAllowed(
            _("%(action)s is not possible while the application is %(state)s.")
            % {"action": what, "state": application.get_state_display().lower()},
            state=application.state,
        )


def required_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def clock_refresh(application, *, today=None):
    """Store the case's clock as it reads today, for the queue's sorting and filtering."""
    today = today or clock.agency_date(timezone.now())
    state = application.clock_on(today=today, calendar=agency_calendar())
    application.sla_due_date = state.due_date
    application.sla_status = state.status
    return state


def case_save(application, *fields):
    application.save(update_fields=["state", "sla_due_date", "sla_status", *fields])
