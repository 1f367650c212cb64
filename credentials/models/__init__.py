"""What is assessed and what the agency decided, by sub-domain: reference data (frameworks,
levels, fields of study), micro-credentials and their files, the register (entries, their
terms over time and history) and the entries' letters.

Every model is imported here, so Django finds them and `from credentials.models import X`
names any of them, and the helpers the forms and services share.
"""

from .letters import Letter
from .microcredentials import (
    ASSESSMENT_TYPE_LABELS,
    ASSESSMENT_TYPES,
    FORBIDDEN_TITLE_WORDS,
    LANGUAGE_CODES,
    Attachment,
    MicroCredential,
    title_problem,
    validate_assessment_types,
    validate_contact_hours,
    validate_credits,
    validate_languages,
    validate_learning_outcomes,
    validate_positive,
    validate_price,
    validate_skills,
)
from .reference import FieldOfStudy, Framework, Level
from .register import Assessment, AssessmentEvent, AssessmentTerms, ReferenceCounter, TransferCategory

__all__ = [
    "ASSESSMENT_TYPE_LABELS",
    "ASSESSMENT_TYPES",
    "FORBIDDEN_TITLE_WORDS",
    "LANGUAGE_CODES",
    "Assessment",
    "AssessmentEvent",
    "AssessmentTerms",
    "Attachment",
    "FieldOfStudy",
    "Framework",
    "Letter",
    "Level",
    "MicroCredential",
    "ReferenceCounter",
    "TransferCategory",
    "title_problem",
    "validate_assessment_types",
    "validate_contact_hours",
    "validate_credits",
    "validate_languages",
    "validate_learning_outcomes",
    "validate_positive",
    "validate_price",
    "validate_skills",
]
