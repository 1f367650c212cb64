"""Every change to a case: one service per transition, each locking the row, checking who
acts and the state, changing it, writing the case's history in the same transaction and
queueing its emails for after the commit (through the outbox)."""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import User
from accounts.permissions import is_approver, is_assessor, is_provider
from config.broker import task_delay_on_commit
from config.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from config.input_guards import text_problem
from credentials.completeness import LABELS, submission_problems
from credentials.models import Assessment, Level, MicroCredential, TransferCategory, validate_credits
from credentials.services import (
    assessment_discontinue,
    assessment_issue,
    assessment_renew,
    assessment_revoke,
    decision_letter_issue,
    microcredential_changes_since,
    microcredential_lock,
    microcredential_unlock,
)

from . import clock, notifications
from . import permissions as can
from .calendar import agency_calendar, calendar_changed
from .models import (
    Application,
    ApplicationEvent,
    ClosureDay,
    DecisionLetter,
    InformationRequest,
    InternalNote,
    Recommendation,
)

logger = logging.getLogger(__name__)

State = Application.State


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
    if open_case is not None and open_case.is_review:
        raise Conflict(
            "This micro-credential's periodic review is open (%s): declare any changes there "
            "instead of applying again." % (open_case.reference or "a draft waiting for you"),
            application=open_case.pk,
        )
    if open_case is not None:
        raise Conflict(
            "An application about this micro-credential is already open (%s)." % open_case,
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
        raise Conflict("An application about this micro-credential is already open.") from None
    _event(application, actor=actor, action="create", from_state="")
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
            "This micro-credential already holds assessment %s, honoured until %s after you "
            "discontinued it. Apply again once that date has passed."
            % (assessment.reference, assessment.current_until.isoformat())
        )
    opens_on = assessment.review_due_date - dt.timedelta(days=settings.REVIEW_OPENS_DAYS_BEFORE)
    return (
        "This micro-credential already holds assessment %s, current until its periodic review "
        "(due %s). Changes go through that review, which opens on %s; a new application is not needed."
        % (assessment.reference, assessment.review_due_date.isoformat(), opens_on.isoformat())
    )


def _review_declaration_checked(application, declaration, summary):
    """A review case's submission says what happens next (product.md, "Periodic review")."""
    if declaration not in Application.Declaration.values:
        raise ValidationError({"declaration": ["Declare continue, change or discontinue."]})
    summary = _required_text(
        summary, "summary",
        "Summarise the year: what changed, or confirm that nothing did, or why it is discontinued.",
    )
    assessment = application.reviewed_assessment
    if assessment.status != Assessment.Status.CURRENT:
        raise TransitionNotAllowed(
            "%s is %s; only a current assessment can be reviewed."
            % (assessment.reference, assessment.get_status_display().lower()),
            state=application.state,
        )
    if declaration == Application.Declaration.CONTINUE:
        changed = microcredential_changes_since(assessment)
        if changed:
            raise ValidationError({"declaration": [
                "The description changed since the assessment (%s): declare change, so the agency "
                "looks at what changed." % ", ".join(LABELS.get(name, name.replace("_", " ")) for name in changed)
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
    _require_own(actor, application.provider_id, "submit this application")
    if not can_proceed(application.submit):
        raise TransitionNotAllowed(
            "Only a draft can be submitted; this application is %s." % application.get_state_display().lower(),
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
    _clock_refresh(application)
    application.save(update_fields=["sla_due_date", "sla_status"])
    message = ""
    if application.is_review:
        message = "%s: %s" % (application.get_declaration_display(), summary)
    _event(application, actor=actor, action="submit", from_state=from_state, message=message)
    notifications.acknowledgement(application, due_date=application.sla_due_date)
    logger.info("application %s submitted by user %s", application.reference, actor.pk)
    return application


def _locked(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("microcredential", "provider", "assigned_to", "reviewed_assessment")
        .get(pk=application.pk)
    )


def _state_check(application, transition, what):
    if not can_proceed(transition):
        raise TransitionNotAllowed(
            "%s is not possible while the application is %s." % (what, application.get_state_display().lower()),
            state=application.state,
        )


def _required_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _clock_refresh(application, *, today=None):
    """Store the case's clock as it reads today, for the queue's sorting and filtering."""
    today = today or clock.agency_date(timezone.now())
    state = application.clock_on(today=today, calendar=agency_calendar())
    application.sla_due_date = state.due_date
    application.sla_status = state.status
    return state


def _save(application, *fields):
    application.save(update_fields=["state", "sla_due_date", "sla_status", *fields])


@transaction.atomic
def application_withdraw(*, actor, application, reason):
    """Any open state (or a draft) → withdrawn, by the provider; the clock stops."""
    application = _locked(application)
    if not can.can_withdraw(actor, application):
        raise NotPermitted("Only the provider's own staff may withdraw this application.")
    _state_check(application, application.withdraw, "Withdrawing")
    reason = _required_text(reason, "reason", "Say why the application is withdrawn.")
    from_state = application.state
    application.withdraw()
    application.withdrawn_at = timezone.now()
    _clock_refresh(application)
    _save(application, "withdrawn_at")
    microcredential_unlock(microcredential=application.microcredential)
    _event(application, actor=actor, action="withdraw", from_state=from_state, message=reason)
    return application


@transaction.atomic
def application_claim(*, actor, application):
    """submitted → in_review with the claimant as assessor.

    One conditional UPDATE: of simultaneous claims exactly one matches the row (PostgreSQL
    re-reads the WHERE after the winner's commit), the others get 409."""
    if not can.can_claim(actor, application):
        raise NotPermitted("Only assessors and approvers may claim applications.")
    won = Application.objects.filter(
        pk=application.pk, state=State.SUBMITTED, assigned_to__isnull=True
    ).update(state=State.IN_REVIEW, assigned_to=actor)
    application = _locked(application)
    if not won:
        if application.assigned_to_id is not None:
            raise TransitionNotAllowed(
                "%s already has this application." % application.assigned_to.get_full_name(),
                state=application.state,
            )
        raise TransitionNotAllowed(
            "Only a submitted application can be claimed; this one is %s." % application.get_state_display().lower(),
            state=application.state,
        )
    _clock_refresh(application)
    application.save(update_fields=["sla_due_date", "sla_status"])
    _event(application, actor=actor, action="claim", from_state=State.SUBMITTED)
    return application


@transaction.atomic
def application_assign(*, actor, application, assessor, reason):
    """An approver sets or changes the assessor; a submitted case goes into review."""
    if not can.can_assign(actor, application):
        raise NotPermitted("Only approvers may assign applications.")
    application = _locked(application)
    _state_check(application, application.assign, "Assigning")
    if not isinstance(assessor, User):
        assessor = User.objects.filter(pk=assessor).first()
    if assessor is None or not is_assessor(assessor):
        raise ValidationError({"assessor": ["Choose an active assessor or approver."]})
    if assessor.pk == application.assigned_to_id:
        raise ValidationError({"assessor": ["%s already has this application." % assessor.get_full_name()]})
    reason = _required_text(reason, "reason", "Say why the application is assigned.")
    from_state = application.state
    application.assign()
    application.assigned_to = assessor
    _clock_refresh(application)
    _save(application, "assigned_to")
    _event(application, actor=actor, action="assign", from_state=from_state,
           message="Assigned to %s: %s" % (assessor.get_full_name(), reason))
    return application


@transaction.atomic
def application_request_info(*, actor, application, message):
    """in_review → awaiting_provider: the clock pauses and the provider may edit again."""
    if not is_assessor(actor):
        raise NotPermitted("Only the assigned assessor may request information.")
    application = _locked(application)
    _state_check(application, application.request_info, "Requesting information")
    if not can.can_request_info(actor, application):
        raise NotPermitted("Only the assigned assessor may request information.")
    message = _required_text(message, "message", "Write what the provider should send or explain.")
    now = timezone.now()
    request = InformationRequest.objects.create(
        application=application, requested_by=actor, requested_at=now,
        requested_on=clock.agency_date(now), message=message,
    )
    from_state = application.state
    application.request_info()
    _clock_refresh(application)
    _save(application)
    microcredential_unlock(microcredential=application.microcredential)
    _event(application, actor=actor, action="request-info", from_state=from_state, message=message)
    notifications.information_requested(application, request)
    return application


@transaction.atomic
def application_respond(*, actor, application, message):
    """awaiting_provider → in_review: the clock runs again and the description is frozen again."""
    application = _locked(application)
    if not can.can_respond(actor, application):
        raise NotPermitted("Only the provider's own staff may answer.")
    _state_check(application, application.respond, "Answering")
    message = _required_text(message, "message", "Write your answer to the agency's request.")
    missing, problems = submission_problems(application.microcredential)
    if missing:
        raise DomainError(
            "Complete these before answering: %s." % ", ".join(LABELS[name] for name in missing),
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
    _clock_refresh(application)
    _save(application)
    microcredential_lock(
        microcredential=application.microcredential,
        reason="application %s is with the agency" % application.reference,
    )
    _event(application, actor=actor, action="respond", from_state=from_state, message=message)
    notifications.provider_responded(application, request)
    return application


def _recommendation_checked(data):
    outcome = data.get("outcome")
    errors = {}
    if outcome not in Recommendation.Outcome.values:
        raise ValidationError({"outcome": ["Choose approve or decline."]})
    if outcome == Recommendation.Outcome.DECLINE:
        reasons = (data.get("reasons") or "").strip()
        if not reasons:
            raise ValidationError({"reasons": ["Give the reasons for declining."]})
        return {"outcome": outcome, "reasons": reasons}
    level_id = data.get("level")
    if not level_id or not Level.objects.filter(pk=level_id).exists():
        errors["level"] = ["Choose a level of a framework the agency uses (e.g. OQF-9)."]
    credits = data.get("credits")
    try:
        credits = Decimal(str(credits))
        if not credits.is_finite():
            raise InvalidOperation
        validate_credits(credits)
    except (InvalidOperation, ValueError):
        errors["credits"] = ["Credits must be a number, in steps of 0.5."]
    except ValidationError as error:
        errors["credits"] = error.messages
    if data.get("transfer_category") not in TransferCategory.values:
        errors["transfer_category"] = ["Choose one of: %s." % ", ".join(TransferCategory.values)]
    subject_area = (data.get("subject_area") or "").strip()
    if not subject_area:
        errors["subject_area"] = ["Give the subject area."]
    elif len(subject_area) > 200:
        errors["subject_area"] = ["Keep the subject area within 200 characters."]
    elif text_problem(subject_area, single_line=True):  # printed on the letter, as the title is
        errors["subject_area"] = [text_problem(subject_area, single_line=True)]
    rationale = (data.get("rationale") or "").strip()
    if not rationale:
        errors["rationale"] = ["Explain the level and credit."]
    review_period_months = data.get("review_period_months") or 12
    if review_period_months not in dict(Assessment.REVIEW_PERIOD_CHOICES):
        errors["review_period_months"] = ["The review period is 12, 24 or 36 months."]
    if errors:
        raise ValidationError(errors)
    return {
        "outcome": outcome, "level_id": level_id, "credits": credits,
        "transfer_category": data["transfer_category"], "subject_area": subject_area,
        "rationale": rationale, "review_period_months": review_period_months,
    }


@transaction.atomic
def application_recommend(*, actor, application, data):
    """in_review → recommended, by the assigned assessor; approvers are asked to sign off.

    `data`: `outcome` "approve" with `level`, `credits`, `transfer_category`,
    `subject_area`, `rationale` (and optionally `review_period_months`), or "decline" with
    `reasons`."""
    if not is_assessor(actor):
        raise NotPermitted("Only the assigned assessor may recommend.")
    application = _locked(application)
    _state_check(application, application.recommend, "Recommending")
    if not can.can_recommend(actor, application):
        raise NotPermitted("Only the assigned assessor may recommend.")
    fields = _recommendation_checked(data)
    recommendation = Recommendation.objects.create(application=application, recommended_by=actor, **fields)
    from_state = application.state
    application.recommend()
    _clock_refresh(application)
    _save(application)
    # The events are the provider's view of the case too: the recommendation's content stays
    # on its row (the agency's page and API) until an approver makes it the decision.
    summary = "Recommendation made; waiting for an approver's sign-off."
    _event(application, actor=actor, action="recommend", from_state=from_state, message=summary)
    notifications.recommendation_waiting(application, recommendation)
    return application


def _pending_recommendation(application):
    return (
        Recommendation.objects.select_for_update()
        .filter(application=application, returned_at__isnull=True, signed_off_by__isnull=True)
        .order_by("-recommended_at", "-id")
        .first()
    )


@transaction.atomic
def application_return(*, actor, application, comment):
    """recommended → in_review, by an approver: the assessor's next recommendation needs a
    new sign-off."""
    if not can.can_return(actor, application):
        raise NotPermitted("Only approvers may return a recommendation.")
    application = _locked(application)
    _state_check(application, application.return_to_review, "Returning")
    comment = _required_text(comment, "comment", "Tell the assessor what to reconsider.")
    recommendation = _pending_recommendation(application)
    recommendation.returned_by = actor
    recommendation.returned_at = timezone.now()
    recommendation.return_comment = comment
    recommendation.save(update_fields=["returned_by", "returned_at", "return_comment"])
    from_state = application.state
    application.return_to_review()
    _clock_refresh(application)
    _save(application)
    # The comment is kept on the recommendation, for the agency's eyes.
    _event(application, actor=actor, action="return", from_state=from_state,
           message="Returned to the assessor for another look.")
    return application


@transaction.atomic
def application_sign_off(*, actor, application, comment=""):
    """recommended → approved | declined, by an approver who did not recommend (four eyes,
    also a database constraint). An approval enters the register (`assessment_issue`, which
    also queues the letter)."""
    if not is_approver(actor):
        raise NotPermitted("Only approvers may sign off.")
    application = _locked(application)
    _state_check(application, application.approve, "Signing off")
    recommendation = _pending_recommendation(application)
    if recommendation.recommended_by_id == actor.pk:
        raise NotPermitted("You made this recommendation; another approver must sign it off.")
    now = timezone.now()
    recommendation.signed_off_by = actor
    recommendation.signed_off_at = now
    recommendation.sign_off_comment = (comment or "").strip()
    recommendation.save(update_fields=["signed_off_by", "signed_off_at", "sign_off_comment"])
    from_state = application.state
    if application.is_review:
        _review_decided(application, recommendation, actor=actor, decided_on=clock.agency_date(now))
        if recommendation.outcome == Recommendation.Outcome.APPROVE:
            application.approve()
        else:
            application.decline()
    elif recommendation.outcome == Recommendation.Outcome.APPROVE:
        application.assessment = assessment_issue(
            microcredential=application.microcredential, signed_off_by=actor, current_from=clock.agency_date(now),
            **recommendation.approved_terms(),
        )
        application.approve()
    else:
        application.decline()
        decision_letter_queue(application)
    application.decided_at = now
    _clock_refresh(application)
    _save(application, "decided_at", "assessment")
    microcredential_unlock(microcredential=application.microcredential)
    _event(application, actor=actor, action="sign-off", from_state=from_state, message=recommendation.sign_off_comment)
    notifications.decision(application, recommendation)
    logger.info("application %s decided (%s) by user %s", application.reference, application.state, actor.pk)
    return application


def _review_decided(application, recommendation, *, actor, decided_on):
    """What a review case's sign-off does to the entry under review (review.py): an approval
    renews it, a decline revokes it with the reasons. An entry the provider discontinued
    (`expiring`) stays as it is: there is nothing left to renew or revoke."""
    assessment = application.reviewed_assessment
    if assessment.status != Assessment.Status.CURRENT:
        return
    if recommendation.outcome == Recommendation.Outcome.APPROVE:
        application.reviewed_assessment = assessment_renew(
            assessment=assessment, signed_off_by=actor, renewed_on=decided_on, **recommendation.approved_terms(),
        )
    else:
        application.reviewed_assessment = assessment_revoke(
            actor=actor, assessment=assessment,
            # The reason is public (the register, /verify/); the decline's own reasons are the
            # agency's words to the provider, who has them in the decision email and letter.
            reason="The agency declined its periodic review on %s." % decided_on.isoformat(),
            internal_note="%s declined: %s" % (application.reference, recommendation.reasons),
        )

def decision_letter_queue(application) -> None:
    """Produce the decline's signed letter once the decision is committed: rendering and
    signing never run inside the sign-off's transaction. A declined case without its letter
    is found by letters_sweep, should the task be lost."""
    from .tasks import decision_letter_produce

    task_delay_on_commit(decision_letter_produce, application.pk, sweep="letters_sweep")


def decision_letter_produce(*, application_id) -> DecisionLetter | None:
    """Render, sign and store the decision letter of a declined case; the Celery task calls
    this. Safe to run twice: signed bytes differ on every run (the signature carries the
    time), so the guard is the stored letter itself, checked again under the case's row lock;
    the letter is dated the day of the decision, whenever it is produced. Raises
    SigningKeyUnavailable (the task retries) rather than storing an unsigned letter."""
    existing = DecisionLetter.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    application = Application.objects.select_related("provider", "microcredential").get(pk=application_id)
    recommendation = (
        application.recommendations.filter(outcome=Recommendation.Outcome.DECLINE, signed_off_by__isnull=False)
        .select_related("signed_off_by").order_by("-signed_off_at", "-id").first()
    )
    if application.state != State.DECLINED or recommendation is None:
        logger.warning("application %s is not declined; no decision letter", application_id)
        return None
    reasons = [line.strip() for line in recommendation.reasons.splitlines() if line.strip()]
    signed = decision_letter_issue(
        reference=application.reference, provider=application.provider, microcredential=application.microcredential,
        reasons=reasons, approver=recommendation.signed_off_by, letter_date=clock.agency_date(application.decided_at),
    )
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application_id).first()
        existing = DecisionLetter.objects.filter(application_id=application_id).first()
        if existing is not None:
            return existing
        letter = DecisionLetter(
            application_id=application_id, sha256=hashlib.sha256(signed).hexdigest(), size=len(signed),
        )
        letter.file.save("%s-decision.pdf" % application.reference, ContentFile(signed), save=False)
        letter.save()
    logger.info("decision letter of %s stored (sha256 %s)", application.reference, letter.sha256)
    return letter


@transaction.atomic
def internal_note_add(*, actor, application, text) -> InternalNote:
    if not can.can_add_internal_note(actor, application):
        raise NotPermitted("Only agency staff may write internal notes.")
    text = _required_text(text, "text", "Write the note.")
    return InternalNote.objects.create(application=application, author=actor, text=text)


@dataclass(frozen=True)
class SweepResult:
    """What one run of the clock sweep did."""

    today: dt.date
    recomputed: int
    changed: int
    alerts: int

    def __str__(self):
        return "SLA sweep for %s: %d open case(s) recomputed, %d changed, %d alert(s) queued." % (
            self.today.isoformat(), self.recomputed, self.changed, self.alerts,
        )


def _open_clocks_write(*, today) -> tuple[int, int, dict[int, str]]:
    """Recompute every open case's clock on `today` and store the rows whose due date or
    status changed. Answers (cases recomputed, rows changed, {pk: status} of the cases now
    at risk or breached).

    Two queries read the cases and their pauses (the submission's agency date is computed
    by the database); one UPDATE writes the changed rows. A row is written only
    if its state and stored clock are still those read: a transition that committed in the
    meantime already stored a fresher clock, which the sweep must not overwrite."""
    rows = list(
        Application.objects.filter(state__in=Application.OPEN_STATES)
        .annotate(submitted_on=TruncDate("submitted_at", tzinfo=clock.AGENCY_TIME_ZONE))
        .order_by().values_list("pk", "state", "submitted_on", "sla_due_date", "sla_status")
    )
    if not rows:
        return 0, 0, {}
    pks, states, submitted_on, due_dates, statuses = zip(*rows, strict=True)
    position = {pk: index for index, pk in enumerate(pks)}
    pauses = list(
        InformationRequest.objects.filter(application__state__in=Application.OPEN_STATES)
        .order_by().values_list("application_id", "requested_on", "responded_on")
    )
    pauses = [pause for pause in pauses if pause[0] in position]
    computed = clock.clock_states(
        clock.date_array(submitted_on),
        pause_case=np.fromiter((position[pause[0]] for pause in pauses), dtype=np.intp, count=len(pauses)),
        pause_requested_on=clock.date_array([pause[1] for pause in pauses]),
        pause_responded_on=clock.date_array([pause[2] for pause in pauses]),
        today=today,
        calendar=agency_calendar(),
    )
    new_status = computed.status
    stored_due = clock.date_array(due_dates)
    new_due = computed.due_date
    # NaT never equals NaT: a draft-like missing due date compares by its missing-ness.
    same_due = (stored_due == new_due) | (np.isnat(stored_due) & np.isnat(new_due))
    changed = np.flatnonzero(~same_due | (np.array(statuses, dtype=object) != new_status))
    # Arrays to Python objects in bulk (NaT becomes None), not one numpy scalar at a time.
    changed_due = new_due[changed].astype(object).tolist()
    changed_status = new_status[changed].tolist()
    written = _clock_rows_update([
        (pks[i], states[i], due_dates[i], statuses[i], changed_due[k], changed_status[k])
        for k, i in enumerate(changed.tolist())
    ])
    alerting = {
        pks[i]: str(new_status[i])
        for i in np.flatnonzero(np.isin(new_status, [clock.AT_RISK, clock.BREACHED]))
    }
    return len(rows), written, alerting


def _clock_rows_update(changes) -> int:
    """Write (pk, state read, due read, status read, new due, new status) rows, each only if
    the row still holds what was read: one UPDATE ... FROM unnest(arrays), six array
    parameters whatever the number of rows (a VALUES list costs more to send and parse than
    to run)."""
    if not changes:
        return 0
    columns = [list(column) for column in zip(*changes, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE %s AS a SET sla_due_date = v.new_due, sla_status = v.new_status "
            "FROM unnest(%%s::bigint[], %%s::text[], %%s::date[], %%s::text[], %%s::date[], %%s::text[]) "
            "AS v(id, state, due, status, new_due, new_status) "
            "WHERE a.id = v.id AND a.state = v.state AND a.sla_status = v.status "
            "AND a.sla_due_date IS NOT DISTINCT FROM v.due" % connection.ops.quote_name(Application._meta.db_table),
            columns,
        )
        return cursor.rowcount


def open_clocks_recompute(*, today=None) -> int:
    """Recompute `sla_due_date` and `sla_status` of every open application (submitted, in
    review, awaiting the provider, recommended) in bulk, e.g. after closure days changed.
    Decided and withdrawn applications keep their clock (`met`, `missed`, `stopped`).
    Answers how many rows changed. Sends no alerts: the daily sweep does (`sla_sweep`).

    Runs on commit after `calendar_changed`, so it reads the new closure days."""
    today = today or clock.agency_date(timezone.now())
    with transaction.atomic():
        recomputed, changed, _ = _open_clocks_write(today=today)
    logger.info("open clocks recomputed: %d of %d changed", changed, recomputed)
    return changed


def sla_sweep(*, today=None) -> SweepResult:
    """The daily clock sweep (contract.md, `sla_sweep`): recompute every open case's clock
    in bulk, then alert, each once, the assignee of a case that is at risk, and the assignee
    and every active approver of a case that has breached.

    "Once" is the outbox key `sla:<id>:<status>`: a case alerted is never alerted again for
    that status, whether the sweep runs twice or the case goes at risk, pauses and comes back.
    The decision is the case's status now, not a change since the last run, so a case
    whose clock a transition stored (or a sweep that did not run for days) is still alerted.
    A case that jumps straight to breached gets only the breach alert. Alerts are written in
    the transaction that stores the clocks, and sent after it commits."""
    today = today or clock.agency_date(timezone.now())
    with transaction.atomic():
        recomputed, changed, alerting = _open_clocks_write(today=today)
        alerts = notifications.sla_alerts(alerting, today=today, calendar=agency_calendar())
    result = SweepResult(today=today, recomputed=recomputed, changed=changed, alerts=alerts)
    logger.info("%s", result)
    return result


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
