"""The register: entering, renewing, discontinuing, lapsing and revoking assessments."""

import datetime as dt
import logging
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_approver
from config.errors import Conflict, NotPermitted

from .. import signals
from ..bulk_sql import assessments_discontinue_ended, assessments_lapse_update
from ..codes import verification_code_new
from ..history import assessment_event_add
from ..models import (
    Assessment,
    AssessmentEvent,
    ReferenceCounter,
)
from ..terms import credits_number, terms_change, terms_checked, terms_open_first
from .letters import letter_issue_queue

logger = logging.getLogger(__name__)

# The micro-credential's key metadata kept with an assessment (what was assessed).
SNAPSHOT_FIELDS = (
    "title", "description", "learning_outcomes", "title_fr", "description_fr", "learning_outcomes_fr",
    "learner_effort_hours", "contact_hours",
    "proposed_level_id", "proposed_credits", "field_of_study_id", "assessment_types",
    "assessment_description", "delivery_mode", "languages", "prerequisites", "skills",
    "stackability", "url",
)


def microcredential_changes_since(assessment) -> list[str]:
    """The key metadata the provider changed since the entry's snapshot (field names)."""
    now = microcredential_snapshot(assessment.microcredential)
    then = assessment.snapshot or {}
    return [name for name in SNAPSHOT_FIELDS if _comparable(now.get(name)) != _comparable(then.get(name))]


def _comparable(value):
    # A snapshot may hold a number as text: "40" and "40.0" are the same hours.
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def reference_next(*, prefix, year) -> str:
    """The next reference of a year, e.g. `MCA-2026-00042`. Call inside a transaction: the
    counter row stays locked until it commits, so two issues never share a number."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return "%s-%d-%05d" % (prefix, year, counter.last)


def microcredential_snapshot(microcredential) -> dict:
    snapshot = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(microcredential, name)
        snapshot[name] = str(value) if isinstance(value, (Decimal, dt.date)) else value
    snapshot["provider"] = microcredential.provider.name
    return snapshot


@transaction.atomic
def assessment_issue(
    *,
    microcredential,
    level_id,
    credits,
    transfer_category,
    subject_area,
    recommended_by,
    signed_off_by,
    review_period_months=12,
    current_from=None,
    supersedes=None,
) -> Assessment:
    """Enter an approved decision in the register. The workflow calls this at sign-off, inside
    its own transaction; the letter is produced after commit (the letters work adds the task)."""
    if recommended_by.pk == signed_off_by.pk:
        raise NotPermitted(_("The approver who signs off cannot be the one who recommended."))
    terms = terms_checked(
        level_id=level_id, credits=credits, transfer_category=transfer_category, subject_area=subject_area,
        review_period_months=review_period_months,
    )

    current_from = current_from or timezone.localdate()
    assessment = Assessment(
        reference=reference_next(prefix="MCA", year=current_from.year),
        microcredential=microcredential,
        provider_id=microcredential.provider_id,
        title=microcredential.title,
        title_fr=microcredential.title_fr,
        level_id=terms["level_id"],
        credits=terms["credits"],
        transfer_category=transfer_category,
        subject_area=terms["subject_area"],
        field_of_study_id=microcredential.field_of_study_id,
        review_period_months=review_period_months,
        review_due_date=current_from + relativedelta(months=review_period_months),
        current_from=current_from,
        snapshot=microcredential_snapshot(microcredential),
        recommended_by=recommended_by,
        signed_off_by=signed_off_by,
        supersedes=supersedes,
    )
    _save_with_new_code(assessment)
    terms_open_first(assessment=assessment, signed_off_by=signed_off_by)
    assessment_event_add(
        assessment=assessment, action=AssessmentEvent.Action.ISSUE, actor=signed_off_by, from_status="",
        public_note="Assessed at %s, %s credits." % (assessment.level_id, credits_number(assessment.credits)),
    )
    if supersedes is not None:
        _supersede(supersedes, by=assessment, actor=signed_off_by)
    letter_issue_queue(assessment, version=1)
    logger.info("assessment %s issued for micro-credential %s", assessment.reference, microcredential.pk)
    return assessment


def _save_with_new_code(assessment) -> None:
    """Insert a new entry with a fresh verification code. 80 random bits never collide in
    practice; the unique index is the guarantee, and a collision draws again."""
    for _attempt in range(3):
        assessment.verification_code = verification_code_new()
        try:
            with transaction.atomic():
                assessment.save()
            return
        except IntegrityError:
            if Assessment.objects.filter(verification_code=assessment.verification_code).exists():
                continue
            raise


def _supersede(old, *, by, actor) -> None:
    """The reassessment `by` replaces `old` from the day it is current, with its history row.
    Only an entry in force is replaced: a revoked or lapsed one must keep saying so."""
    old = _assessment_locked(old)
    if old.status not in Assessment.PUBLIC_STATUSES:
        raise Conflict(
            "%s is %s; only a current or expiring assessment can be superseded."
            % (old.reference, old.get_status_display().lower()),
            state=old.status,
        )
    from_status = old.status
    old.status = Assessment.Status.SUPERSEDED
    old.current_until = by.current_from
    old.save(update_fields=["status", "current_until"])
    assessment_event_add(assessment=old, action=AssessmentEvent.Action.SUPERSEDE, actor=actor,
                         from_status=from_status, public_note="Replaced by %s." % by.reference)


@transaction.atomic
def assessment_revoke(*, actor, assessment, reason, internal_note="") -> Assessment:
    """The agency withdraws its decision: the entry leaves the public register at once and
    every verification answers `revoked` from now on."""
    if not is_approver(actor):
        raise NotPermitted(_("Only an approver may revoke an assessment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the assessment is revoked; the provider is told.")]})
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status in (Assessment.Status.REVOKED, Assessment.Status.SUPERSEDED):
        raise Conflict(
            _("An assessment that is %s cannot be revoked.") % assessment.get_status_display().lower(),
            state=assessment.status,
        )
    from_status = assessment.status
    assessment.status = Assessment.Status.REVOKED
    assessment.status_reason = reason
    # A learner who completed it before today keeps the credit (docs/rules.md, "The register and its statuses"). An
    # expiring entry's honoured end date lies ahead: revoked, it ends today; a lapsed one
    # keeps the earlier end it had.
    today = timezone.localdate()
    assessment.current_until = min(assessment.current_until or today, today)
    assessment.save(update_fields=["status", "status_reason", "current_until"])
    assessment_event_add(assessment=assessment, action=AssessmentEvent.Action.REVOKE, actor=actor,
                         from_status=from_status, public_note=reason, internal_note=internal_note)
    # The casework tells the provider (its outbox), in this transaction.
    signals.assessment_revoked.send(sender=Assessment, assessment=assessment, actor=actor)
    logger.info("assessment %s revoked by user %s", assessment.reference, actor.pk)
    return assessment


def _assessment_locked(assessment):
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _current_locked(assessment, what):
    """The entry, locked, if it is still current; else 409 saying what it is now."""
    assessment = _assessment_locked(assessment)
    if assessment.status != Assessment.Status.CURRENT:
        raise Conflict(
            _("Only a current assessment can %(action)s; %(reference)s is %(status)s.")
            % {"action": what, "reference": assessment.reference, "status": assessment.get_status_display().lower()},
            state=assessment.status,
        )
    return assessment


@transaction.atomic
def assessment_renew(
    *, assessment, level_id, credits, transfer_category, subject_area, recommended_by, signed_off_by,
    review_period_months=12, renewed_on=None,
) -> Assessment:
    """A signed-off periodic review: the same entry continues with what the review decided,
    what the provider now describes, the next due date and a new letter version. The older
    versions still verify, as superseded.

    Changed terms hold from the decision (`renewed_on`, default today) in a new period; the
    earlier period keeps the terms a learner who completed before then is credited at
    (credentials/terms.py). The next review period, by contrast, runs from the previous due
    date, not from the decision, so an early or a late review does not shift the provider's
    yearly rhythm."""
    if recommended_by.pk == signed_off_by.pk:
        raise NotPermitted(_("The approver who signs off cannot be the one who recommended."))
    assessment = _current_locked(assessment, _("be renewed"))
    terms = terms_checked(
        level_id=level_id, credits=credits, transfer_category=transfer_category, subject_area=subject_area,
        review_period_months=review_period_months,
    )
    microcredential = assessment.microcredential
    terms_change(
        assessment=assessment, level_id=level_id, credits=terms["credits"], transfer_category=transfer_category,
        subject_area=terms["subject_area"], on=renewed_on or timezone.localdate(), signed_off_by=signed_off_by,
    )
    assessment.title = microcredential.title
    assessment.title_fr = microcredential.title_fr
    assessment.field_of_study_id = microcredential.field_of_study_id
    assessment.snapshot = microcredential_snapshot(microcredential)
    assessment.review_period_months = review_period_months
    assessment.review_due_date = assessment.review_due_date + relativedelta(months=review_period_months)
    assessment.review_cycle += 1
    assessment.signed_off_by = signed_off_by
    assessment.recommended_by = recommended_by
    assessment.save()
    assessment_event_add(
        assessment=assessment, action=AssessmentEvent.Action.RENEW, actor=signed_off_by,
        from_status=Assessment.Status.CURRENT,
        public_note="Renewed at %s, %s credits; next review due %s." % (
            level_id, credits_number(terms["credits"]), assessment.review_due_date.isoformat()),
    )
    # Counted from the version due, not from those stored: a lost one is still due.
    version = letter_issue_queue(assessment)
    logger.info("assessment %s renewed: cycle %d, next review due %s, letter v%d",
                assessment.reference, assessment.review_cycle, assessment.review_due_date, version)
    return assessment


@transaction.atomic
def assessment_discontinue(*, assessment, on, actor) -> Assessment:
    """The provider stops offering the micro-credential: no new enrolments, but the entry
    stays honoured (`expiring`) until DISCONTINUE_HONOURED_MONTHS from `on`, then the review
    sweep makes it `discontinued`. `current_until` says the end date from today on."""
    assessment = _current_locked(assessment, _("be discontinued"))
    assessment.status = Assessment.Status.EXPIRING
    assessment.current_until = on + relativedelta(months=settings.DISCONTINUE_HONOURED_MONTHS)
    assessment.status_reason = "Discontinued by the provider on %s; honoured until %s." % (
        on.isoformat(), assessment.current_until.isoformat())
    assessment.save(update_fields=["status", "status_reason", "current_until"])
    assessment_event_add(assessment=assessment, action=AssessmentEvent.Action.DISCONTINUE, actor=actor,
                         from_status=Assessment.Status.CURRENT, public_note=assessment.status_reason)
    logger.info("assessment %s expiring until %s", assessment.reference, assessment.current_until)
    return assessment


def assessments_lapse(*, assessment_ids, lapse_after_days) -> list[int]:
    """The periodic review was not filed in time: the entries leave the public register and
    verify as lapsed, each current until its review due date plus `lapse_after_days`, in one
    UPDATE (bulk_sql.py). Answers the ids that lapsed; an entry no longer current is left
    alone. The rows are locked in id order so two sweeps lapsing the same entries wait for
    each other instead of deadlocking, and the second finds them no longer current. Each
    lapse writes its history row in the same statement."""
    if not assessment_ids:
        return []
    lapsed = assessments_lapse_update(
        assessment_ids=assessment_ids, lapse_after_days=lapse_after_days,
        lapsed=Assessment.Status.LAPSED, current=Assessment.Status.CURRENT,
        action=AssessmentEvent.Action.LAPSE, now=timezone.now(),
    )
    logger.info("%d assessment(s) lapsed", len(lapsed))
    return lapsed


def assessments_discontinued_after_end(*, as_of) -> int:
    """Expiring entries whose honoured period ended before `as_of` become `discontinued`, each
    with its history row, in one statement (bulk_sql.py). Answers how many changed."""
    return assessments_discontinue_ended(
        as_of=as_of, expiring=Assessment.Status.EXPIRING, discontinued=Assessment.Status.DISCONTINUED,
        action=AssessmentEvent.Action.END, now=timezone.now(),
    )
