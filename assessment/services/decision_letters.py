"""The signed letter of a declined case: queued once the decision commits, produced by a
task (or by letters_sweep if the task was lost), stored with the case."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from config.broker import task_delay_on_commit
from credentials.services import (
    decision_letter_issue,
)

from .. import clock
from ..models import (
    Application,
    DecisionLetter,
    Recommendation,
)

logger = logging.getLogger(__name__)

State = Application.State

def decision_letter_queue(application) -> None:
    """Produce the decline's signed letter once the decision is committed: rendering and
    signing never run inside the sign-off's transaction. A declined case without its letter
    is found by letters_sweep, should the task be lost."""
    # The module, not the task's name: this module's own decision_letter_produce is the
    # service the task calls. Imported here because the tasks module imports the services.
    from .. import tasks

    task_delay_on_commit(tasks.decision_letter_produce, application.pk, sweep="letters_sweep")


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
