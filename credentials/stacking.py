"""The stacking calculator: a learner's micro-credentials, by verification code, added up.

Credit counts when the agency's assessment stood when the learner completed it: a lapsed or
discontinued entry still counts for a completion while it was current; a revoked one never.
A completion counts at the terms of the period it falls in (credentials/terms.py); without a
date, at the entry's current terms.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from . import selectors
from .codes import verification_code_normalise
from .models import Assessment, AssessmentTerms, TransferCategory
from .terms import terms_on

UNKNOWN = "unknown"
REPEATED = "repeated"
REVOKED = "revoked"
OUTSIDE_DATES = "completed_outside_current_dates"
NOT_CURRENT = "not_current"
OUTSIDE_TERMS = "completed_outside_terms"

PROBLEMS = {
    UNKNOWN: gettext_lazy("No assessment has this code."),
    REPEATED: gettext_lazy("The same code appears earlier in the list; it counts once."),
    REVOKED: gettext_lazy("The agency revoked this assessment; it carries no credit."),
    OUTSIDE_DATES: gettext_lazy("Completed when the assessment was not current."),
    NOT_CURRENT: gettext_lazy("No longer current; give the completion date to count it."),
    OUTSIDE_TERMS: gettext_lazy("Completed on a date outside every period of the assessment's terms; ask the agency which apply."),
}


@dataclass(frozen=True)
class StackItem:
    code: str
    completed_on: dt.date | None
    assessment: Assessment | None
    counted: bool
    problem: str | None
    # The terms the item counts at (or would): the period of its completion date, else the
    # entry's current terms. Either has level, credits, transfer_category and subject_area.
    terms: AssessmentTerms | Assessment | None = None

    @property
    def problem_text(self):
        return PROBLEMS.get(self.problem)


@dataclass(frozen=True)
class Stack:
    items: list
    total_credits: Decimal
    by_level: dict
    by_transfer_category: dict

    @property
    def by_level_named(self):
        """(level id, level name, credits), in level order (OQF-9 before OQF-10)."""
        levels = {item.terms.level_id: item.terms.level for item in self.items if item.counted}
        ordered = sorted(self.by_level, key=lambda level: (levels[level].framework.position, levels[level].number))
        return [(level, levels[level].localized_name, self.by_level[level]) for level in ordered]

    @property
    def by_transfer_category_labelled(self):
        return [(TransferCategory(code).label, credits) for code, credits in self.by_transfer_category.items()]


def stack_evaluate(items) -> Stack:
    """`items`: dicts with `code` and optional `completed_on` (a date), in the learner's order,
    which the answer keeps. Two queries whatever the number of items: the entries, their periods."""
    canonical = [verification_code_normalise(item.get("code")) for item in items]
    found = selectors.assessments_by_codes([c for c in canonical if c])
    seen = set()
    results = []
    total = Decimal("0")
    by_level = defaultdict(Decimal)
    by_category = defaultdict(Decimal)
    for item, code in zip(items, canonical, strict=True):
        assessment = found.get(code) if code else None
        completed_on = item.get("completed_on")
        problem = _problem(assessment, code, completed_on, seen)
        if code:
            seen.add(code)
        terms = terms_at(assessment, completed_on)
        counted = problem is None
        if counted:
            total += terms.credits
            by_level[terms.level_id] += terms.credits
            by_category[terms.transfer_category] += terms.credits
        results.append(StackItem(code or item.get("code") or "", completed_on, assessment, counted, problem, terms))
    return Stack(results, total, dict(by_level), dict(by_category))


def _problem(assessment, code, completed_on, seen):
    if assessment is None:
        return UNKNOWN
    if code in seen:
        return REPEATED
    return standing_problem(assessment, completed_on)


def standing_problem(assessment, completed_on):
    """Why the entry would not count for a learner who completed it on `completed_on` (None
    when it counts); without a date, whether it counts today."""
    if assessment.status == Assessment.Status.REVOKED:
        return REVOKED
    if completed_on is not None:
        ended = assessment.current_until
        if completed_on < assessment.current_from or (ended is not None and completed_on > ended):
            return OUTSIDE_DATES
        if terms_on(assessment, completed_on) is None:
            return OUTSIDE_TERMS
        return None
    if assessment.status not in Assessment.PUBLIC_STATUSES:
        return NOT_CURRENT
    return None


def terms_at(assessment, completed_on):
    """The terms an item counts at: its completion date's period when it has one, else the
    entry's current terms (kept in its own columns); None without an entry."""
    if assessment is None:
        return None
    if completed_on is not None:
        return terms_on(assessment, completed_on) or assessment
    return assessment
