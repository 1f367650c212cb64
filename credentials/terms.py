"""Terms over time (docs/rules.md): an assessment's level, credit, transfer category and subject
area belong to a period. Issuing opens the first period; a later decision that changes them
(a renewal, later a varied decision) closes the open period and opens a new one. Nothing is
rewritten, so a learner is always credited at the terms of the day they completed.

Periods are whole days, both ends included, as `current_from`/`current_until` are: the new
terms hold from the day of the decision and the old period ends the day before, so a
completion on either side of the change falls in exactly one period.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from .models import AssessmentTerms

DAY = dt.timedelta(days=1)


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
