"""Every write to micro-credentials and their files.

Callers pass values already parsed (by the API serializer, the page form or the catalogue
reader); `_check` then applies the model's own rules so no surface can skip them.
"""

import datetime as dt
import hashlib
import logging
import uuid
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.utils import timezone

from accounts.permissions import is_approver, is_provider
from config.broker import task_delay_on_commit
from config.errors import Conflict, DomainError, NotPermitted

from . import file_kinds, selectors, signals
from .codes import verification_code_new
from .completeness import RECOMMENDED, REQUIRED
from .history import assessment_event_add, assessment_events_add_many
from .letters.render import AssessmentLetter, DecisionLetter, assessment_letter_pdf, decision_letter_pdf
from .letters.sign import letter_sign
from .models import (
    Assessment,
    AssessmentEvent,
    Attachment,
    Letter,
    Level,
    MicroCredential,
    ReferenceCounter,
    TransferCategory,
    validate_credits,
)
from .terms import terms_change, terms_open_first

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = REQUIRED + RECOMMENDED
# Foreign keys arrive as their public ids ("OQF-10", "0413").
_ID_FIELDS = {
    "proposed_level": "proposed_level_id",
    "field_of_study": "field_of_study_id",
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024



def assign(microcredential, data):
    """Copy parsed values onto a micro-credential (also used for the unsaved live preview)."""
    for name, value in data.items():
        attribute = _ID_FIELDS.get(name, name)
        if name not in EDITABLE_FIELDS and attribute not in _ID_FIELDS.values():
            raise ValueError("Not an editable field: %s" % name)
        if attribute == "title" and isinstance(value, str):
            value = " ".join(value.split())
        setattr(microcredential, attribute, value)
    for name in ("learning_outcomes", "assessment_types", "languages", "skills"):
        value = getattr(microcredential, name)
        if value is None:
            setattr(microcredential, name, [])
        elif isinstance(value, list):
            setattr(microcredential, name, [item.strip() if isinstance(item, str) else item for item in value])
    # Text fields stay "" rather than None so "missing" has one meaning.
    for field in MicroCredential._meta.get_fields():
        if getattr(field, "get_internal_type", None) and field.get_internal_type() in ("CharField", "TextField"):
            if getattr(microcredential, field.attname, "") is None and not field.null:
                setattr(microcredential, field.attname, "")


def _check(microcredential, *, level_ids=None, field_codes=None):
    """The model's rules, and that the level and field of study exist.

    The reference ids are checked against sets loaded once (a catalogue passes them in),
    so a 5,000-row import does not cost two queries per row.
    """
    errors = {}
    try:
        microcredential.full_clean(
            exclude=["provider", "created_by", "proposed_level", "field_of_study"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    level, field = microcredential.proposed_level_id, microcredential.field_of_study_id
    if level and level not in (level_ids if level_ids is not None else selectors.level_ids()):
        errors.setdefault("proposed_level", []).append(
            '"%s" is not a level we know. Use a level id such as "OQF-10".' % level)
    if field and field not in (field_codes if field_codes is not None else selectors.field_of_study_codes()):
        errors.setdefault("field_of_study", []).append(
            '"%s" is not an ISCED-F 2013 detailed field code.' % field)
    if errors:
        raise ValidationError(errors)


def _require_own(actor, microcredential):
    if not is_provider(actor):
        raise NotPermitted("Only the provider's own staff may change a micro-credential.")
    if microcredential.provider_id != actor.organisation_id:
        raise NotPermitted("This micro-credential belongs to another provider.")


@transaction.atomic
def microcredential_create(*, actor, data):
    if not is_provider(actor):
        raise NotPermitted("Only a provider's staff may describe a micro-credential.")
    microcredential = MicroCredential(provider=actor.organisation, created_by=actor)
    assign(microcredential, data)
    _check(microcredential)
    microcredential.save()
    logger.info("micro-credential %s created by user %s", microcredential.pk, actor.pk)
    return microcredential


@transaction.atomic
def microcredential_update(*, actor, microcredential, data):
    _require_own(actor, microcredential)
    current = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
    if current.is_locked:
        raise Conflict(
            "This micro-credential cannot be changed while the agency is assessing it (%s). "
            "You may change it when the agency asks you for more information." % current.locked_reason
        )
    assign(current, data)
    _check(current)
    current.updated_at = timezone.now()
    current.save()
    return current


@transaction.atomic
def microcredential_lock(*, microcredential, reason):
    """Freeze what is being assessed; the casework calls this when a case opens with the agency."""
    MicroCredential.objects.filter(pk=microcredential.pk).update(locked_reason=reason[:200])
    microcredential.locked_reason = reason[:200]


@transaction.atomic
def microcredential_unlock(*, microcredential):
    MicroCredential.objects.filter(pk=microcredential.pk).update(locked_reason="")
    microcredential.locked_reason = ""


@transaction.atomic
def microcredentials_import(*, actor, provider, items):
    """Store a whole validated catalogue as drafts of `provider`, or nothing at all.

    `items` are field dicts already parsed; a row that breaks a model rule makes the whole
    import fail with a per-row report, before anything is written.
    """
    if actor is not None and not (is_provider(actor) and actor.organisation_id == provider.pk):
        raise NotPermitted("Only the provider's own staff may import its catalogue.")
    now = timezone.now()
    level_ids, field_codes = selectors.level_ids(), selectors.field_of_study_codes()
    drafts, problems = [], []
    for row, data in items:
        microcredential = MicroCredential(provider=provider, created_by=actor, created_at=now, updated_at=now)
        assign(microcredential, data)
        try:
            _check(microcredential, level_ids=level_ids, field_codes=field_codes)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    problems.append({"row": row, "field": None if field == "__all__" else field, "problem": message})
            continue
        drafts.append(microcredential)
    if problems:
        raise CatalogueRejected("Nothing was imported: correct the rows listed and upload the file again.",
                                errors=problems)
    created = MicroCredential.objects.bulk_create(drafts, batch_size=1000)
    logger.info("catalogue of %s micro-credentials imported for organisation %s", len(created), provider.pk)
    return created


class CatalogueRejected(DomainError):
    """The catalogue was refused as a whole; `errors` lists (row, field, problem)."""


@transaction.atomic
def attachment_add(*, actor, microcredential, kind, upload):
    _require_own(actor, microcredential)
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": "Choose what the file is: %s." % ", ".join(Attachment.Kind.values)})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": "The file is larger than 10 MB. Upload a smaller file."})
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    detected = file_kinds.sniff(upload)
    if detected is None:
        raise ValidationError(
            {"file": "This file is not a %s. We check the content, not the name, so renaming a file "
                     "does not help." % file_kinds.ACCEPTED_LABELS}
        )
    content_type, extension, _label = detected
    current = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
    if current.is_locked:
        raise Conflict("Files cannot be added while the agency is assessing this micro-credential.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        microcredential=current,
        kind=kind,
        original_name=file_kinds.display_name(upload.name, extension),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    # The stored name is ours, with the extension of what the content is: a client's name
    # never reaches the file system.
    attachment.file.save("%s.%s" % (uuid.uuid4().hex, extension), upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# The micro-credential's key metadata kept with an assessment (what was assessed).
SNAPSHOT_FIELDS = (
    "title", "description", "learning_outcomes", "learner_effort_hours", "contact_hours",
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
    # Numbers were kept as text ("40" and "40.0" are the same hours).
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


def _decided_terms_checked(*, level_id, credits, transfer_category, subject_area, review_period_months):
    """(level, credits as a Decimal) of terms a sign-off decided, or ValidationError naming
    each field that is wrong: issuing and renewing refuse alike."""
    errors = {}
    level = Level.objects.filter(pk=level_id).first()
    if level is None:
        errors["level"] = ["%s is not a level of a framework the agency uses." % level_id]
    try:
        credits = Decimal(str(credits))
        validate_credits(credits)
    except (InvalidOperation, ValidationError) as exc:
        errors["credits"] = getattr(exc, "messages", ["Credits must be a number."])
    if transfer_category not in TransferCategory.values:
        errors["transfer_category"] = ["Choose one of: %s." % ", ".join(TransferCategory.values)]
    if review_period_months not in dict(Assessment.REVIEW_PERIOD_CHOICES):
        errors["review_period_months"] = ["The review period is 12, 24 or 36 months."]
    if not (subject_area or "").strip():
        errors["subject_area"] = ["Give the subject area."]
    if errors:
        raise ValidationError(errors)
    return level, credits


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
        raise NotPermitted("The approver who signs off cannot be the one who recommended.")
    level, credits = _decided_terms_checked(
        level_id=level_id, credits=credits, transfer_category=transfer_category, subject_area=subject_area,
        review_period_months=review_period_months,
    )

    current_from = current_from or timezone.localdate()
    assessment = Assessment(
        reference=reference_next(prefix="MCA", year=current_from.year),
        microcredential=microcredential,
        provider_id=microcredential.provider_id,
        title=microcredential.title,
        level=level,
        credits=credits,
        transfer_category=transfer_category,
        subject_area=subject_area.strip(),
        field_of_study_id=microcredential.field_of_study_id,
        review_period_months=review_period_months,
        review_due_date=current_from + relativedelta(months=review_period_months),
        current_from=current_from,
        snapshot=microcredential_snapshot(microcredential),
        recommended_by=recommended_by,
        signed_off_by=signed_off_by,
        supersedes=supersedes,
    )
    # 80 random bits never collide in practice; the unique index is the guarantee.
    for _ in range(3):
        assessment.verification_code = verification_code_new()
        try:
            with transaction.atomic():
                assessment.save()
            break
        except IntegrityError:
            if Assessment.objects.filter(verification_code=assessment.verification_code).exists():
                continue
            raise
    terms_open_first(assessment=assessment, signed_off_by=signed_off_by)
    assessment_event_add(assessment=assessment, action=AssessmentEvent.Action.ISSUE, actor=signed_off_by,
                         from_status="", public_note="Assessed at %s, %s credits." % (level.pk, credits))
    if supersedes is not None:
        from_status = supersedes.status
        supersedes.status = Assessment.Status.SUPERSEDED
        supersedes.current_until = current_from
        supersedes.save(update_fields=["status", "current_until"])
        assessment_event_add(assessment=supersedes, action=AssessmentEvent.Action.SUPERSEDE, actor=signed_off_by,
                             from_status=from_status, public_note="Replaced by %s." % assessment.reference)
    assessment_search_index(assessment)
    letter_issue_queue(assessment, version=1)
    logger.info("assessment %s issued for micro-credential %s", assessment.reference, microcredential.pk)
    return assessment


def assessment_search_index(assessment) -> None:
    """Write the entry's stored search vector: title first, then provider, then outcomes."""
    snapshot = assessment.snapshot or {}
    outcomes = " ".join(str(o) for o in snapshot.get("learning_outcomes") or [])
    Assessment.objects.filter(pk=assessment.pk).update(
        search_vector=SearchVector(Value(assessment.title), weight="A", config=selectors.SEARCH_CONFIG)
        + SearchVector(Value(snapshot.get("provider", "")), weight="B", config=selectors.SEARCH_CONFIG)
        + SearchVector(Value(outcomes + " " + assessment.subject_area), weight="C", config=selectors.SEARCH_CONFIG)
    )


def letter_issue_queue(assessment, *, version=None) -> int:
    """Make `version` (by default the one after the version due now) the letter the entry
    should have, and produce it once the caller commits: rendering and signing take a worker a
    fraction of a second and never run inside the caller's transaction. The due version is
    written in the caller's transaction, so a task the broker lost or never took is produced
    by letters_sweep. Answers the version."""
    from .tasks import letter_issue

    version = version or assessment.letter_version_due + 1
    due_since = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(letter_version_due=version, letter_due_since=due_since)
    assessment.letter_version_due, assessment.letter_due_since = version, due_since
    task_delay_on_commit(letter_issue, assessment.pk, version, sweep="letters_sweep")
    return version


@transaction.atomic
def assessment_revoke(*, actor, assessment, reason, internal_note="") -> Assessment:
    """The agency withdraws its decision: the entry leaves the public register at once and
    every verification answers `revoked` from now on."""
    if not is_approver(actor):
        raise NotPermitted("Only an approver may revoke an assessment.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the assessment is revoked; the provider is told."]})
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status in (Assessment.Status.REVOKED, Assessment.Status.SUPERSEDED):
        raise Conflict(
            "An assessment that is %s cannot be revoked." % assessment.get_status_display().lower(),
            state=assessment.status,
        )
    from_status = assessment.status
    assessment.status = Assessment.Status.REVOKED
    assessment.status_reason = reason
    # A learner who completed it before today keeps the credit (product.md, statuses). An
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
            "Only a current assessment can %s; %s is %s."
            % (what, assessment.reference, assessment.get_status_display().lower()),
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
        raise NotPermitted("The approver who signs off cannot be the one who recommended.")
    assessment = _current_locked(assessment, "be renewed")
    _level, credits = _decided_terms_checked(
        level_id=level_id, credits=credits, transfer_category=transfer_category, subject_area=subject_area,
        review_period_months=review_period_months,
    )
    microcredential = assessment.microcredential
    terms_change(
        assessment=assessment, level_id=level_id, credits=credits, transfer_category=transfer_category,
        subject_area=subject_area, on=renewed_on or timezone.localdate(), signed_off_by=signed_off_by,
    )
    assessment.title = microcredential.title
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
            level_id, credits, assessment.review_due_date.isoformat()),
    )
    assessment_search_index(assessment)
    # Counted from the version due, not from those stored: a lost one is still due.
    version = letter_issue_queue(assessment)
    logger.info("assessment %s renewed: cycle %d, next review due %s, letter v%d",
                assessment.reference, assessment.review_cycle, assessment.review_due_date, version)
    return assessment


@transaction.atomic
def assessment_discontinue(*, assessment, on, actor=None) -> Assessment:
    """The provider stops offering the micro-credential: no new enrolments, but the entry
    stays honoured (`expiring`) until DISCONTINUE_HONOURED_MONTHS from `on`, then the review
    sweep makes it `discontinued`. `current_until` says the end date from today on."""
    assessment = _current_locked(assessment, "be discontinued")
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
    UPDATE. Answers the ids that lapsed; an entry no longer current is left alone. The rows are locked in id order so two sweeps lapsing the same entries wait for
    each other instead of deadlocking, and the second finds them no longer current."""
    if not assessment_ids:
        return []
    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET status = %s, current_until = review_due_date + %s::int,
                   status_reason = 'The periodic review due on ' || review_due_date::text || ' was not filed.'
               WHERE id IN (SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE)
                 AND status = %s
               RETURNING id, status_reason""",
            [Assessment.Status.LAPSED, lapse_after_days, list(assessment_ids), Assessment.Status.CURRENT],
        )
        reasons = dict(cursor.fetchall())
    assessment_events_add_many(
        assessment_ids=list(reasons), action=AssessmentEvent.Action.LAPSE, from_status=Assessment.Status.CURRENT,
        to_status=Assessment.Status.LAPSED, public_note_of=reasons,
    )
    logger.info("%d assessment(s) lapsed", len(reasons))
    return list(reasons)


@transaction.atomic
def assessments_discontinued_after_end(*, as_of) -> int:
    """Expiring entries whose honoured period ended before `as_of` become `discontinued`, each
    with its history row. Answers how many changed."""
    ended = list(
        Assessment.objects.select_for_update().filter(status=Assessment.Status.EXPIRING, current_until__lt=as_of)
        .order_by("pk").values_list("pk", "current_until")
    )
    if not ended:
        return 0
    Assessment.objects.filter(pk__in=[pk for pk, _ in ended]).update(status=Assessment.Status.DISCONTINUED)
    assessment_events_add_many(
        assessment_ids=[pk for pk, _ in ended], action=AssessmentEvent.Action.END,
        from_status=Assessment.Status.EXPIRING, to_status=Assessment.Status.DISCONTINUED,
        public_note_of={pk: "Honoured until %s." % until.isoformat() for pk, until in ended},
    )
    return len(ended)


# The approver signs in the agency's name; accounts keep no job titles, so the letter gives
# the role's title.
APPROVER_TITLE = "Senior Assessor, Credit Assessment"


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
        delivery_mode=MicroCredential.DeliveryMode(delivery).label if delivery in MicroCredential.DeliveryMode.values else delivery,
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
        notional_hours=int(microcredential.learner_effort_hours or 0),
        delivery_mode=microcredential.get_delivery_mode_display(),
        assessment_description=microcredential.assessment_description,
        reasons=tuple(reasons),
        letter_date=letter_date or timezone.localdate(),
        approver_name=approver.name or approver.email,
        approver_title=APPROVER_TITLE,
    )
    return letter_sign(decision_letter_pdf(content))
