"""The letters: what an entry's letter says, and producing each signed version once."""

import hashlib
import logging
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from config.broker import task_delay_on_commit

from ..letters.render import AssessmentLetter, DecisionLetter, assessment_letter_pdf, decision_letter_pdf
from ..letters.sign import letter_sign
from ..models import (
    Assessment,
    Letter,
    MicroCredential,
)

logger = logging.getLogger(__name__)

def letter_issue_queue(assessment, *, version=None) -> int:
    """Make `version` (by default the one after the version due now) the letter the entry
    should have, and produce it once the caller commits: rendering and signing take a worker a
    fraction of a second and never run inside the caller's transaction. The due version is
    written in the caller's transaction, so a task the broker lost or never took is produced
    by letters_sweep. Answers the version."""
    # The module, not the task's name: this module's own letter_issue is the service the
    # task calls. Imported here because the tasks module imports the services.
    from .. import tasks

    version = version or assessment.letter_version_due + 1
    due_since = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(letter_version_due=version, letter_due_since=due_since)
    assessment.letter_version_due, assessment.letter_due_since = version, due_since
    task_delay_on_commit(tasks.letter_issue, assessment.pk, version, sweep="letters_sweep")
    return version


# The approver signs in the agency's name; accounts keep no job titles, so the letter gives
# the role's title.
# Marked for the French catalogue: the letter's templates translate it in the French section.
APPROVER_TITLE = gettext_noop("Senior Assessor, Credit Assessment")


def assessment_letter_for(assessment, *, version, letter_date) -> AssessmentLetter:
    """What the letter of an entry says, from the entry as assessed (its snapshot), never
    from the micro-credential as the provider may have edited it since."""
    snapshot = assessment.snapshot or {}
    delivery = snapshot.get("delivery_mode") or ""
    hours = snapshot.get("learner_effort_hours") or 0
    approver = assessment.signed_off_by
    return AssessmentLetter(
        reference=assessment.reference,
        verification_code=assessment.verification_code,
        provider=snapshot.get("provider") or assessment.provider.name,
        title=assessment.title,
        notional_hours=int(Decimal(str(hours))),
        # The label itself (not str): each language section renders it in its language.
        delivery_mode=_delivery_label(delivery),
        assessment_description=snapshot.get("assessment_description") or "",
        framework=assessment.level.framework.name,
        level_id=assessment.level_id,
        level_name=assessment.level.name,
        credits=assessment.credits,
        transfer_category=assessment.transfer_category,
        subject_area=assessment.subject_area,
        valid_from=assessment.current_from,
        next_review_date=assessment.review_due_date,
        letter_date=letter_date,
        version=version,
        approver_name=approver.name or approver.email,
        approver_title=APPROVER_TITLE,
        # French names where the entry and the reference data have them (the letter falls
        # back to the English ones).
        title_fr=getattr(assessment, "title_fr", "") or "",
        framework_fr=getattr(assessment.level.framework, "name_fr", "") or "",
        level_name_fr=getattr(assessment.level, "name_fr", "") or "",
    )


def letter_issue(*, assessment_id, version=1) -> Letter | None:
    """Render, sign, hash and store one version of an assessment's letter; the Celery task
    and letters_sweep call this. Safe to run twice and side by side: signed bytes differ on
    every run (the signature carries the time), so the guard is the stored version itself,
    checked again under the row lock. A version older than the one due and never stored is
    not produced (None): it would print the later terms the entry now has. Raises
    SigningKeyUnavailable (the task retries) rather than storing an unsigned letter."""
    existing = Letter.objects.filter(assessment_id=assessment_id, version=version).first()
    if existing is not None:
        return existing
    assessment = Assessment.objects.select_related("level__framework", "provider", "signed_off_by").get(
        pk=assessment_id
    )
    if version < assessment.letter_version_due:
        return _letter_superseded_unproduced(assessment, version)
    letter_date = timezone.localdate(assessment.issued_at) if version == 1 else timezone.localdate()
    content = assessment_letter_for(assessment, version=version, letter_date=letter_date)
    # Outside any transaction: a slow render must not hold the row lock.
    signed = letter_sign(assessment_letter_pdf(content))
    with transaction.atomic():
        due = Assessment.objects.select_for_update().filter(pk=assessment_id).values_list(
            "letter_version_due", flat=True).get()
        existing = Letter.objects.filter(assessment_id=assessment_id, version=version).first()
        if existing is not None:
            return existing
        if version < due:
            return _letter_superseded_unproduced(assessment, version)
        letter = Letter(
            assessment_id=assessment_id,
            version=version,
            sha256=hashlib.sha256(signed).hexdigest(),
            size=len(signed),
        )
        letter.file.save("%s-v%d.pdf" % (assessment.reference, version), ContentFile(signed), save=False)
        letter.save()
        Assessment.objects.filter(pk=assessment_id, letter_version_due=version).update(letter_due_since=None)
    logger.info("letter %s v%d issued (sha256 %s)", assessment.reference, version, letter.sha256)
    return letter


def _delivery_label(code):
    """The delivery mode's label (lazy once marked for translation), or the stored value."""
    choices = MicroCredential.DeliveryMode
    return choices(code).label if code in choices.values else code


def _letter_superseded_unproduced(assessment, version):
    logger.warning("letter %s v%d not produced: a later version is due", assessment.reference, version)
    return None


def decision_letter_issue(*, reference, provider, microcredential, reasons, approver, letter_date=None) -> bytes:
    """The signed decision letter of a declined application, for the workflow to store with
    the case (private to the provider, never in the register). Returns the signed PDF; the
    caller keeps it where its case files live."""
    content = DecisionLetter(
        reference=reference,
        provider=provider.name,
        title=microcredential.title,
        title_fr=getattr(microcredential, "title_fr", "") or "",
        notional_hours=int(microcredential.learner_effort_hours or 0),
        delivery_mode=_delivery_label(microcredential.delivery_mode),
        assessment_description=microcredential.assessment_description,
        reasons=tuple(reasons),
        letter_date=letter_date or timezone.localdate(),
        approver_name=approver.name or approver.email,
        approver_title=APPROVER_TITLE,
    )
    return letter_sign(decision_letter_pdf(content))
