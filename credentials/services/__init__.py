"""Every write of the register, one module per sub-domain:

- catalogue: micro-credentials (described, imported, locked while assessed) and their files;
- register: the entries (issued, renewed, discontinued, lapsed, revoked);
- letters: each entry's signed letter versions, and a decline's letter for the casework.

The terms of an entry over time are credentials/terms.py (writes and the one read the
register's selectors need, kept together as the rule they state).

Callers keep `from credentials import services; services.assessment_issue(...)`: the
public names are re-exported here."""

from .catalogue import (
    ATTACHMENT_MAX_BYTES,
    CatalogueRejected,
    attachment_add,
    microcredential_create,
    microcredential_fields_set,
    microcredential_lock,
    microcredential_unlock,
    microcredential_update,
    microcredentials_import,
)
from .letters import assessment_letter_for, decision_letter_issue, letter_issue, letter_issue_queue
from .register import (
    assessment_discontinue,
    assessment_issue,
    assessment_renew,
    assessment_revoke,
    assessments_discontinued_after_end,
    assessments_lapse,
    microcredential_changes_since,
    microcredential_snapshot,
    reference_next,
)

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "CatalogueRejected",
    "assessment_discontinue",
    "assessment_issue",
    "assessment_letter_for",
    "assessment_renew",
    "assessment_revoke",
    "assessments_discontinued_after_end",
    "assessments_lapse",
    "microcredential_fields_set",
    "attachment_add",
    "decision_letter_issue",
    "letter_issue",
    "letter_issue_queue",
    "microcredential_changes_since",
    "microcredential_create",
    "microcredential_lock",
    "microcredential_snapshot",
    "microcredential_unlock",
    "microcredential_update",
    "microcredentials_import",
    "reference_next",
]
