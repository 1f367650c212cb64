"""The decision's path: the assessor recommends, an approver returns the recommendation or
signs it off (four eyes); an approval enters the register, a decline gets its letter."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_approver, is_assessor
from config.errors import NotPermitted
from credentials.models import Assessment
from credentials.services import (
    assessment_issue,
    assessment_renew,
    assessment_revoke,
    microcredential_unlock,
)
from credentials.terms import terms_checked

from .. import clock, notifications
from .. import permissions as can
from ..models import (
    Application,
    Recommendation,
)
from ..models.applications import RECOMMENDED_MESSAGE, RETURNED_MESSAGE
from .case_steps import case_locked, case_save, clock_refresh, event_write, required_text, state_check
from .decision_letters import decision_letter_queue

logger = logging.getLogger(__name__)

State = Application.State

def _recommendation_checked(data):
    """The recommendation's fields, cleaned: a decline's reasons, or an approval's terms
    (checked as the register checks them when it issues or renews) and rationale."""
    outcome = data.get("outcome")
    if outcome not in Recommendation.Outcome.values:
        raise ValidationError({"outcome": [_("Choose approve or decline.")]})
    if outcome == Recommendation.Outcome.DECLINE:
        reasons = (data.get("reasons") or "").strip()
        if not reasons:
            raise ValidationError({"reasons": [_("Give the reasons for declining.")]})
        return {"outcome": outcome, "reasons": reasons}
    errors, terms = {}, {}
    try:
        terms = terms_checked(
            level_id=data.get("level"), credits=data.get("credits"), transfer_category=data.get("transfer_category"),
            subject_area=data.get("subject_area"), review_period_months=data.get("review_period_months") or 12,
        )
    except ValidationError as error:
        errors = error.message_dict
    rationale = (data.get("rationale") or "").strip()
    if not rationale:
        errors["rationale"] = [_("Explain the level and credit.")]
    if errors:
        raise ValidationError(errors)
    return {"outcome": outcome, "rationale": rationale, **terms}


@transaction.atomic
def application_recommend(*, actor, application, data):
    """in_review → recommended, by the assigned assessor; approvers are asked to sign off.

    `data`: `outcome` "approve" with `level`, `credits`, `transfer_category`,
    `subject_area`, `rationale` (and optionally `review_period_months`), or "decline" with
    `reasons`."""
    if not is_assessor(actor):
        raise NotPermitted(_("Only the assigned assessor may recommend."))
    application = case_locked(application)
    state_check(application, application.recommend, _("Recommending"))
    if not can.can_recommend(actor, application):
        raise NotPermitted(_("Only the assigned assessor may recommend."))
    fields = _recommendation_checked(data)
    recommendation = Recommendation.objects.create(application=application, recommended_by=actor, **fields)
    from_state = application.state
    application.recommend()
    clock_refresh(application)
    case_save(application)
    # The events are the provider's view of the case too: the recommendation's content stays
    # on its row (the agency's page and API) until an approver makes it the decision.
    summary = RECOMMENDED_MESSAGE
    event_write(application, actor=actor, action="recommend", from_state=from_state, message=summary)
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
        raise NotPermitted(_("Only approvers may return a recommendation."))
    application = case_locked(application)
    state_check(application, application.return_to_review, _("Returning"))
    comment = required_text(comment, "comment", _("Tell the assessor what to reconsider."))
    recommendation = _pending_recommendation(application)
    recommendation.returned_by = actor
    recommendation.returned_at = timezone.now()
    recommendation.return_comment = comment
    recommendation.save(update_fields=["returned_by", "returned_at", "return_comment"])
    from_state = application.state
    application.return_to_review()
    clock_refresh(application)
    case_save(application)
    # The comment is kept on the recommendation, for the agency's eyes.
    event_write(application, actor=actor, action="return", from_state=from_state,
           message=RETURNED_MESSAGE)
    return application


@transaction.atomic
def application_sign_off(*, actor, application, comment=""):
    """recommended → approved | declined, by an approver who did not recommend (four eyes,
    also a database constraint). An approval enters the register (`assessment_issue`, which
    also queues the letter)."""
    if not is_approver(actor):
        raise NotPermitted(_("Only approvers may sign off."))
    application = case_locked(application)
    state_check(application, application.approve, _("Signing off"))
    recommendation = _pending_recommendation(application)
    if recommendation.recommended_by_id == actor.pk:
        raise NotPermitted(_("You made this recommendation; another approver must sign it off."))
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
    clock_refresh(application)
    case_save(application, "decided_at", "assessment")
    microcredential_unlock(microcredential=application.microcredential)
    event_write(application, actor=actor, action="sign-off", from_state=from_state, message=recommendation.sign_off_comment)
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
