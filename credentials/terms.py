"""Terms over time (docs/rules.md): an assessment's level, credit, transfer category and subject
area belong to a period. Issuing opens the first period; a later decision that changes them
(a renewal, later a varied decision) closes the open period and opens a new one. Nothing is
rewritten, so a learner is always credited at the terms of the day they completed.

Periods are whole days, both ends included, as `current_from`/`current_until` are: the new
terms hold from the day of the decision and the old period ends the day before, so a
completion on either side of the change falls in exactly one period.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.input_guards import text_problem

from .models import Assessment, AssessmentTerms, Level, TransferCategory, validate_credits

DAY = dt.timedelta(days=1)


def credits_number(value) -> str:
    """Credits as people write them: 4.0 → "4", 4.5 → "4.5" (the one formatter of a credit
    value; letters add the unit)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    return str(number.quantize(Decimal("1"))) if number == number.to_integral() else str(number.normalize())


def terms_checked(*, level_id, credits, transfer_category, subject_area, review_period_months) -> dict:
    """Terms as a decision states them (a recommendation, an issue, a renewal), checked once
    for all three: answers them cleaned (credits a Decimal, the subject area stripped), or
    raises ValidationError naming each field that is wrong."""
    errors = {}
    if not level_id or not Level.objects.filter(pk=level_id).exists():
        errors["level"] = [_("Choose a level of a framework the agency uses (e.g. OQF-9).")]
    try:
        credits = Decimal(str(credits))
        if not credits.is_finite():
            raise InvalidOperation
        validate_credits(credits)
    except (InvalidOperation, ValueError):
        errors["credits"] = [_("Credits must be a number, in steps of 0.5.")]
    except ValidationError as error:
        errors["credits"] = error.messages
    if transfer_category not in TransferCategory.values:
        errors["transfer_category"] = [_("Choose one of: %s.") % ", ".join(TransferCategory.values)]
    subject_area = (subject_area or "").strip()
    if not subject_area:
        errors["subject_area"] = [_("Give the subject area.")]
    elif len(subject_area) > 200:
        errors["subject_area"] = [_("Keep the subject area within 200 characters.")]
    elif text_problem(subject_area, single_line=True):  # printed on the letter, as the title is
        errors["subject_area"] = [text_problem(subject_area, single_line=True)]
    if review_period_months not in dict(Assessment.REVIEW_PERIOD_CHOICES):
        errors["review_period_months"] = [_("The review period is 12, 24 or 36 months.")]
    if errors:
        raise ValidationError(errors)
    return {
        "level_id": level_id, "credits": credits, "transfer_category": transfer_category,
        "subject_area": subject_area, "review_period_months": review_period_months,
    }


def _same(period, *, level_id, credits, transfer_category, subject_area):
    return (period.level_id, Decimal(period.credits), period.transfer_category, period.subject_area) == (
        level_id, Decimal(credits), transfer_category, subject_area)


def terms_open_first(*, assessment, signed_off_by=None) -> AssessmentTerms:
    """The entry's first period, open, from the day it became current, at its own terms: what
    issuing an entry opens (and what the data migration gave every older entry)."""
    return AssessmentTerms.objects.create(
        assessment=assessment, starts_on=assessment.current_from, ends_on=None, level_id=assessment.level_id,
        credits=assessment.credits, transfer_category=assessment.transfer_category,
        subject_area=assessment.subject_area, signed_off_by=signed_off_by,
    )


@transaction.atomic
def terms_change(*, assessment, level_id, credits, transfer_category, subject_area, on, signed_off_by) -> bool:
    """Make these the entry's terms from `on` (the decision's date), the period and the
    entry's current columns together; the caller holds the entry's row lock and saves the
    entry. Answers whether the terms changed: unchanged terms keep the open period.

    A period lasts at least one day: terms changed again on the day their period opened (or
    before it, for an entry dated ahead) hold from the next day, so the earlier decision stays
    on record and that day counts under it."""
    subject_area = subject_area.strip()
    credits = Decimal(credits)
    open_period = AssessmentTerms.objects.select_for_update().filter(assessment=assessment, ends_on=None).first()
    if open_period is None:
        # An entry written without one (bulk-loaded): its own columns are its terms so far.
        open_period = terms_open_first(assessment=assessment)
    changed = not _same(open_period, level_id=level_id, credits=credits, transfer_category=transfer_category,
                        subject_area=subject_area)
    if changed:
        starts_on = max(on, open_period.starts_on + DAY)
        open_period.ends_on = starts_on - DAY
        open_period.save(update_fields=["ends_on"])
        AssessmentTerms.objects.create(
            assessment=assessment, starts_on=starts_on, ends_on=None, level_id=level_id, credits=credits,
            transfer_category=transfer_category, subject_area=subject_area, signed_off_by=signed_off_by,
        )
    assessment.level_id = level_id
    assessment.credits = credits
    assessment.transfer_category = transfer_category
    assessment.subject_area = subject_area
    return changed


def terms_on(assessment, day):
    """The period of `assessment` that covers `day`, or None; reads the prefetched periods."""
    return next((period for period in assessment.terms.all() if period.covers(day)), None)
