"""Every change to a case: one service per transition, each locking the row and writing
the case's history in the same transaction."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.permissions import is_provider
from config.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from credentials.completeness import LABELS, submission_problems
from credentials.models import MicroCredential
from credentials.services import microcredential_lock

from .calendar import calendar_changed
from .models import Application, ApplicationEvent, ClosureDay

logger = logging.getLogger(__name__)


def _require_own(actor, organisation_id, what):
    if not is_provider(actor):
        raise NotPermitted("Only the provider's own staff may %s." % what)
    if organisation_id != actor.organisation_id:
        raise NotPermitted("This belongs to another provider.")


def _event(application, *, actor, action, from_state, message=""):
    ApplicationEvent.objects.create(
        application=application, actor=actor, action=action,
        from_state=from_state or "", to_state=application.state, message=message,
    )


@transaction.atomic
def application_create(*, actor, microcredential):
    """Open a draft application (kind `initial`) about one of the provider's micro-credentials."""
    _require_own(actor, microcredential.provider_id, "apply for its assessment")
    # Serialises two clicks on "Apply" so the one-open-case rule answers 409, not a 500.
    MicroCredential.objects.select_for_update().filter(pk=microcredential.pk).first()
    open_case = (
        Application.objects.filter(microcredential=microcredential)
        .exclude(state__in=Application.CLOSED_STATES)
        .first()
    )
    if open_case is not None:
        raise Conflict(
            "An application about this micro-credential is already open (%s)." % open_case,
            application=open_case.pk,
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=Application.Kind.INITIAL,
                microcredential=microcredential,
                provider_id=microcredential.provider_id,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict("An application about this micro-credential is already open.") from None
    _event(application, actor=actor, action="create", from_state="")
    return application


@transaction.atomic
def application_submit(*, actor, application):
    """draft → submitted: only when every required element is present and the title passes."""
    application = (
        Application.objects.select_for_update().select_related("microcredential").get(pk=application.pk)
    )
    _require_own(actor, application.provider_id, "submit this application")
    if not can_proceed(application.submit):
        raise TransitionNotAllowed(
            "Only a draft can be submitted; this application is %s." % application.get_state_display().lower(),
            state=application.state,
        )
    microcredential = application.microcredential
    missing, problems = submission_problems(microcredential)
    if missing:
        raise DomainError(
            "Complete these before submitting: %s." % ", ".join(LABELS[name] for name in missing),
            missing_required=missing,
        )
    if problems:
        raise DomainError(" ".join(problems.values()), **{field: [msg] for field, msg in problems.items()})
    from_state = application.state
    application.submit()
    now = timezone.now()
    application.submitted_at = now
    application.submitted_by = actor
    application.reference = "APP-%d-%05d" % (timezone.localdate(now).year, application.pk)
    application.save()
    microcredential_lock(
        microcredential=microcredential,
        reason="application %s is with the agency" % application.reference,
    )
    _event(application, actor=actor, action="submit", from_state=from_state)
    logger.info("application %s submitted by user %s", application.reference, actor.pk)
    return application


def open_clocks_recompute() -> None:
    """SEAM for the workflow issue: recompute `sla_due_date` and `sla_status` of every open
    application (submitted, in review, awaiting the provider, recommended) with the new
    calendar, in bulk (`assessment.clock.clock_states`), e.g. by queueing the sweep's task.
    Decided and withdrawn applications keep their clock (`met`, `missed`, `stopped`).

    Runs on commit, after `calendar_changed`, so it reads the new closure days. Until
    Application exists there is no clock to recompute.
    """
    logger.info("Closure days changed; no application clocks to recompute yet")


def closure_day_changed() -> None:
    """Every change of closure days ends here, from the services and from the admin: on
    commit, other processes drop their cached calendar and the open cases' clocks are
    recomputed. Call it inside the transaction that made the change."""
    transaction.on_commit(calendar_changed)
    transaction.on_commit(open_clocks_recompute)


@transaction.atomic
def closure_day_create(*, date, reason) -> ClosureDay:
    closure_day = ClosureDay(date=date, reason=(reason or "").strip())
    closure_day.full_clean()
    closure_day.save()
    closure_day_changed()
    return closure_day


@transaction.atomic
def closure_day_update(*, closure_day: ClosureDay, date, reason) -> ClosureDay:
    closure_day.date = date
    closure_day.reason = (reason or "").strip()
    closure_day.full_clean()
    closure_day.save()
    closure_day_changed()
    return closure_day


@transaction.atomic
def closure_day_delete(*, closure_day: ClosureDay) -> None:
    if closure_day.pk is None:
        raise ValidationError("This closure day is not saved.")
    closure_day.delete()
    closure_day_changed()
