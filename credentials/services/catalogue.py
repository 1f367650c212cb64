"""Every write to micro-credentials and their files.

Callers pass values already parsed (by the API serializer, the page form or the catalogue
reader); `_check` then applies the model's own rules so no surface can skip them.
"""

import hashlib
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_provider
from config.errors import Conflict, DomainError, NotPermitted

from .. import file_kinds, selectors
from ..completeness import RECOMMENDED, REQUIRED
from ..models import (
    Attachment,
    MicroCredential,
)
from ..permissions import is_own_microcredential

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = REQUIRED + RECOMMENDED
# Foreign keys arrive as their public ids ("OQF-10", "0413").
_ID_FIELDS = {
    "proposed_level": "proposed_level_id",
    "field_of_study": "field_of_study_id",
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024



def microcredential_fields_set(microcredential, data):
    """Copy parsed values onto a micro-credential (also used for the unsaved live preview)."""
    for name, value in data.items():
        attribute = _ID_FIELDS.get(name, name)
        if name not in EDITABLE_FIELDS and attribute not in _ID_FIELDS.values():
            raise ValueError("Not an editable field: %s" % name)
        if attribute in ("title", "title_fr") and isinstance(value, str):
            value = " ".join(value.split())
        setattr(microcredential, attribute, value)
    for name in ("learning_outcomes", "learning_outcomes_fr", "assessment_types", "languages", "skills"):
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
            _('"%s" is not a level we know. Use a level id such as "OQF-10".') % level)
    if field and field not in (field_codes if field_codes is not None else selectors.field_of_study_codes()):
        errors.setdefault("field_of_study", []).append(
            _('"%s" is not an ISCED-F 2013 detailed field code.') % field)
    if errors:
        raise ValidationError(errors)


def _require_own(actor, microcredential):
    if not is_own_microcredential(actor, microcredential):
        raise NotPermitted(
            _("This micro-credential belongs to another provider.") if is_provider(actor)
            else _("Only the provider's own staff may change a micro-credential.")
        )


@transaction.atomic
def microcredential_create(*, actor, data):
    if not is_provider(actor):
        raise NotPermitted(_("Only a provider's staff may describe a micro-credential."))
    microcredential = MicroCredential(provider=actor.organisation, created_by=actor)
    microcredential_fields_set(microcredential, data)
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
            _("This micro-credential cannot be changed while the agency is assessing it (%s). "
            "You may change it when the agency asks you for more information.") % current.locked_reason
        )
    microcredential_fields_set(current, data)
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
        raise NotPermitted(_("Only the provider's own staff may import its catalogue."))
    now = timezone.now()
    level_ids, field_codes = selectors.level_ids(), selectors.field_of_study_codes()
    drafts, problems = [], []
    for row, data in items:
        microcredential = MicroCredential(provider=provider, created_by=actor, created_at=now, updated_at=now)
        microcredential_fields_set(microcredential, data)
        try:
            _check(microcredential, level_ids=level_ids, field_codes=field_codes)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    problems.append({"row": row, "field": None if field == "__all__" else field, "problem": message})
            continue
        drafts.append(microcredential)
    if problems:
        raise CatalogueRejected(_("Nothing was imported: correct the rows listed and upload the file again."),
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
        raise ValidationError({"kind": _("Choose what the file is: %s.") % ", ".join(Attachment.Kind.values)})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB. Upload a smaller file.")})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    detected = file_kinds.sniff(upload)
    if detected is None:
        raise ValidationError(
            {"file": _("This file is not a %s. We check the content, not the name, so renaming a file "
                     "does not help.") % file_kinds.ACCEPTED_LABELS}
        )
    content_type, extension, _label = detected
    current = MicroCredential.objects.select_for_update().get(pk=microcredential.pk)
    if current.is_locked:
        raise Conflict(_("Files cannot be added while the agency is assessing this micro-credential."))
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
