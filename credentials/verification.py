"""Whether a letter file someone hands over is one the agency issued, and whether it still
stands: its signature (letters/verify.py) and its hash matched to a stored letter version."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from . import selectors
from .letters.verify import letter_signature_check
from .models import Assessment


@dataclass(frozen=True)
class LetterVerification:
    authentic: bool
    signature_valid: bool
    reference: str | None
    version: int | None
    status: str | None
    superseded: bool
    problem: str | None = None
    assessment: Assessment | None = None


NOT_ISSUED = gettext_lazy("The signature is the agency's, but this file is not a letter version the agency issued.")
UNKNOWN_FILE = gettext_lazy("This file is not a letter the agency issued.")


def letter_verify(data: bytes) -> LetterVerification:
    """Authentic means both: the agency's intact signature over the whole file, and the very
    bytes of a letter version on record. An old version is authentic but superseded."""
    check = letter_signature_check(data)
    letter = selectors.letter_by_hash(check.sha256) if check.signature_valid else None
    if letter is None:
        problem = check.problem or NOT_ISSUED
        return LetterVerification(False, check.signature_valid, None, None, None, False, problem)
    assessment = letter.assessment
    newer = assessment.letters.filter(version__gt=letter.version).exists()
    superseded = newer or assessment.status == Assessment.Status.SUPERSEDED
    return LetterVerification(
        True, True, assessment.reference, letter.version, assessment.status, superseded, None, assessment
    )
