"""The case's transitions (one service per transition): each locks the row, checks who acts
and the state, changes it, writes the case's history in the same transaction and queues its
emails for after the commit (through the outbox). The recommendation and the sign-off are in
decisions.py."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import User
from accounts.permissions import is_assessor, is_provider
from config.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from credentials.completeness import LABELS, submission_problems
from credentials.models import Assessment, MicroCredential
from credentials.permissions import is_own_microcredential
from credentials.services import (
    assessment_discontinue,
    microcredential_changes_since,
    microcredential_lock,
    microcredential_unlock,
)

from .. import clock, notifications
from .. import permissions as can
from ..models import (
    Application,
    InformationRequest,
    InternalNote,
)
from .case_steps import case_locked, case_save, clock_refresh, event_write, required_text, state_check

logger = logging.getLogger(__name__)

State = Application.State


def _not_own(actor, what) -> NotPermitted:
    """The refusal when the permissions predicate said no: another provider's, or no provider."""
    if is_provider(actor):
        return NotPermitted(_("This belongs to another provider."))
    return NotPermitted(_("Only the provider's own staff may %(action)s.") % {"action": what})


@transaction.atomic
def application_create(*, actor, microcredential):
    """Open a draft application (kind `initial`) about one of the provider's micro-credentials."""
    if not is_own_microcredential(actor, microcredential):
        raise _not_own(actor, _("apply for its assessment"))
    # Serialises two clicks on "Apply" so the one-open-case rule answers 409, not a 500.
    MicroCredential.objects.select_for_update().filter(pk=microcredential.pk).first()
    open_case = (
        Application.objects.filter(microcredential=microcredential)
        .exclude(state__in=Application.CLOSED_STATES)
        .first()
    )
    if open_case is not None and open_case.is_review:
        raise Conflict(
            _("This micro-credential's periodic review is open (%s): declare any changes there "
            "instead of applying again.") % (open_case.reference or _("a draft waiting for you")),
            application=open_case.pk,
        )
    if open_case is not None:
        raise Conflict(
            _("An application about this micro-credential is already open (%s).") % open_case,
            application=open_case.pk,
        )
    in_force = _assessment_in_force(microcredential)
    if in_force is not None:
        raise Conflict(_assessed_already(in_force), assessment=in_force.reference)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                kind=Application.Kind.INITIAL,
                microcredential=microcredential,
                provider_id=microcredential.provider_id,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("An application about this micro-credential is already open.")) from None
    event_write(application, actor=actor, action="create", from_state="")
    return application


def _assessment_in_force(microcredential):
    """The micro-credential's current or expiring assessment, if any: it is assessed once,
    and changes to a standing assessment go through its periodic review."""
    return (
        Assessment.objects.filter(microcredential=microcredential, status__in=Assessment.PUBLIC_STATUSES)
        .order_by("-pk").first()
    )


def _assessed_already(assessment):
    """Why a second initial application is refused, pointing to what the provider can do."""
    if assessment.status == Assessment.Status.EXPIRING:
        return (
            _("This micro-credential already holds assessment %(reference)s, honoured until %(date)s after you "
              "discontinued it. Apply again once that date has passed.")
            % {"reference": assessment.reference, "date": assessment.current_until.isoformat()}
        )
    opens_on = assessment.review_due_date - dt.timedelta(days=settings.REVIEW_OPENS_DAYS_BEFORE)
    opens = (_("which opens on %(date)s") % {"date": opens_on.isoformat()}
             if opens_on > clock.agency_date(timezone.now())
             else _("which the agency opens for you with its next daily run"))
    return (
        _("This micro-credential already holds assessment %(reference)s, current until its periodic review "
          "(due %(due)s). Changes go through that review, %(opens)s; a new application is not needed.")
        % {"reference": assessment.reference, "due": assessment.review_due_date.isoformat(), "opens": opens}
    )


def _review_declaration_checked(application, declaration, summary):
    """A review case's submission says what happens next (docs/rules.md, "Periodic review")."""
    if declaration not in Application.Declaration.values:
        raise ValidationError({"declaration": [_("Declare continue, change or discontinue.")]})
    summary = required_text(
        summary, "summary",
        _("Summarise the year: what changed, or confirm that nothing did, or why it is discontinued."),
    )
    assessment = application.reviewed_assessment
    if assessment.status != Assessment.Status.CURRENT:
        raise TransitionNotAllowed(
            _("%(reference)s is %(status)s; only a current assessment can be reviewed.")
            % {"reference": assessment.reference, "status": assessment.get_status_display().lower()},
            state=application.state,
        )
    if declaration == Application.Declaration.CONTINUE:
        changed = microcredential_changes_since(assessment)
        if changed:
            raise ValidationError({"declaration": [
                _("The description changed since the assessment (%s): declare change, so the agency "
                "looks at what changed.") % ", ".join(str(LABELS.get(name, name.replace("_", " "))) for name in changed)
            ]})
    return declaration, summary


@transaction.atomic
def application_submit(*, actor, application, declaration="", summary=""):
    """draft → submitted: only when every required element is present and the title passes.

    A review case also takes the provider's `declaration` (continue, change, discontinue) and
    a `summary`; `discontinue` makes the entry `expiring` at once (review.py)."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("microcredential", "reviewed_assessment").get(pk=application.pk)
    )
    if not can.can_submit(actor, application):
        raise _not_own(actor, _("submit this application"))
    if not can_proceed(application.submit):
        raise TransitionNotAllowed(
            _("Only a draft can be submitted; this application is %s.") % application.get_state_display().lower(),
            state=application.state,
        )
    if application.is_review:
        declaration, summary = _review_declaration_checked(application, declaration, summary)
    else:
        in_force = _assessment_in_force(application.microcredential_id)
        if in_force is not None:
            raise TransitionNotAllowed(_assessed_already(in_force), state=application.state)
    microcredential = application.microcredential
    missing, problems = submission_problems(microcredential)
    if declaration == Application.Declaration.DISCONTINUE:
        # Nothing is assessed any more: the description only has to be as it was.
        missing, problems = [], {}
    if missing:
        raise DomainError(
            _("Complete these before submitting: %s.") % ", ".join(str(LABELS[name]) for name in missing),
            missing_required=missing,
        )
    if problems:
        raise DomainError(" ".join(problems.values()), **{field: [msg] for field, msg in problems.items()})
    from_state = application.state
    application.submit()
    now = timezone.now()
    application.submitted_at = now
    application.submitted_by = actor
    if application.is_review:
        application.declaration, application.summary = declaration, summary
        if declaration == Application.Declaration.DISCONTINUE:
            assessment_discontinue(assessment=application.reviewed_assessment, on=clock.agency_date(now), actor=actor)
    application.reference = "APP-%d-%05d" % (timezone.localdate(now).year, application.pk)
    application.save()
    microcredential_lock(
        microcredential=microcredential,
        reason="application %s is with the agency" % application.reference,
    )
    clock_refresh(application)
    application.save(update_fields=["sla_due_date", "sla_status"])
    message = ""
    if application.is_review:
        message = "%s: %s" % (application.get_declaration_display(), summary)
    event_write(application, actor=actor, action="submit", from_state=from_state, message=message)
    notifications.acknowledgement(application, due_date=application.sla_due_date)
    logger.info("application %s submitted by user %s", application.reference, actor.pk)
    return application


@transaction.atomic
def application_withdraw(*, actor, application, reason):
    """Any open state (or a draft) → withdrawn, by the provider; the clock stops."""
    application = case_locked(application)
    if not can.can_withdraw(actor, application):
        raise NotPermitted(_("Only the provider's own staff may withdraw this application."))
    state_check(application, application.withdraw, _("Withdrawing"))
    reason = required_text(reason, "reason", _("Say why the application is withdrawn."))
    from_state = application.state
    application.withdraw()
    application.withdrawn_at = timezone.now()
    clock_refresh(application)
    case_save(application, "withdrawn_at")
    microcredential_unlock(microcredential=application.microcredential)
    event_write(application, actor=actor, action="withdraw", from_state=from_state, message=reason)
    return application


@transaction.atomic
def application_claim(*, actor, application):
    """submitted → in_review with the claimant as assessor.

    One conditional UPDATE: of simultaneous claims exactly one matches the row (PostgreSQL
    re-reads the WHERE after the winner's commit), the others get 409."""
    if not can.can_claim(actor, application):
        raise NotPermitted(_("Only assessors and approvers may claim applications."))
    won = Application.objects.filter(
        pk=application.pk, state=State.SUBMITTED, assigned_to__isnull=True
    ).update(state=State.IN_REVIEW, assigned_to=actor)
    application = case_locked(application)
    if not won:
        if application.assigned_to_id is not None:
            raise TransitionNotAllowed(
                _("%(name)s already has this application.") % {"name": application.assigned_to.get_full_name()},
                state=application.state,
            )
        raise TransitionNotAllowed(
            _("Only a submitted application can be claimed; this one is %s.") % application.get_state_display().lower(),
            state=application.state,
        )
    clock_refresh(application)
    application.save(update_fields=["sla_due_date", "sla_status"])
    event_write(application, actor=actor, action="claim", from_state=State.SUBMITTED)
    return application


@transaction.atomic
def application_assign(*, actor, application, assessor, reason):
    """An approver sets or changes the assessor; a submitted case goes into review."""
    if not can.can_assign(actor, application):
        raise NotPermitted(_("Only approvers may assign applications."))
    application = case_locked(application)
    state_check(application, application.assign, _("Assigning"))
    if not isinstance(assessor, User):
        assessor = User.objects.filter(pk=assessor).first()
    if assessor is None or not is_assessor(assessor):
        raise ValidationError({"assessor": [_("Choose an active assessor or approver.")]})
    if assessor.pk == application.assigned_to_id:
        raise ValidationError({"assessor": [_("%(name)s already has this application.") % {"name": assessor.get_full_name()}]})
    reason = required_text(reason, "reason", _("Say why the application is assigned."))
    from_state = application.state
    application.assign()
    application.assigned_to = assessor
    clock_refresh(application)
    case_save(application, "assigned_to")
    event_write(application, actor=actor, action="assign", from_state=from_state,
           message="Assigned to %s: %s" % (assessor.get_full_name(), reason))
    return application


@transaction.atomic
def application_request_info(*, actor, application, message):
    """in_review → awaiting_provider: the clock pauses and the provider may edit again."""
    if not is_assessor(actor):
        raise NotPermitted(_("Only the assigned assessor may request information."))
    application = case_locked(application)
    state_check(application, application.request_info, _("Requesting information"))
    if not can.can_request_info(actor, application):
        raise NotPermitted(_("Only the assigned assessor may request information."))
    message = required_text(message, "message", _("Write what the provider should send or explain."))
    now = timezone.now()
    request = InformationRequest.objects.create(
        application=application, requested_by=actor, requested_at=now,
        requested_on=clock.agency_date(now), message=message,
    )
    from_state = application.state
    application.request_info()
    clock_refresh(application)
    case_save(application)
    microcredential_unlock(microcredential=application.microcredential)
    event_write(application, actor=actor, action="request-info", from_state=from_state, message=message)
    notifications.information_requested(application, request)
    return application


@transaction.atomic
def application_respond(*, actor, application, message):
    """awaiting_provider → in_review: the clock runs again and the description is frozen again."""
    application = case_locked(application)
    if not can.can_respond(actor, application):
        raise NotPermitted(_("Only the provider's own staff may answer."))
    state_check(application, application.respond, _("Answering"))
    message = required_text(message, "message", _("Write your answer to the agency's request."))
    missing, problems = submission_problems(application.microcredential)
    if missing:
        raise DomainError(
            _("Complete these before answering: %s.") % ", ".join(str(LABELS[name]) for name in missing),
            missing_required=missing,
        )
    if problems:
        raise DomainError(" ".join(problems.values()), **{field: [msg] for field, msg in problems.items()})
    request = InformationRequest.objects.select_for_update().get(application=application, responded_at__isnull=True)
    now = timezone.now()
    request.responded_by = actor
    request.responded_at = now
    request.responded_on = clock.agency_date(now)
    request.response = message
    request.save()
    from_state = application.state
    application.respond()
    clock_refresh(application)
    case_save(application)
    microcredential_lock(
        microcredential=application.microcredential,
        reason="application %s is with the agency" % application.reference,
    )
    event_write(application, actor=actor, action="respond", from_state=from_state, message=message)
    notifications.provider_responded(application, request)
    return application


@transaction.atomic
def internal_note_add(*, actor, application, text) -> InternalNote:
    if not can.can_add_internal_note(actor, application):
        raise NotPermitted(_("Only agency staff may write internal notes."))
    text = required_text(text, "text", _("Write the note."))
    return InternalNote.objects.create(application=application, author=actor, text=text)
