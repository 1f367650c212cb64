"""How complete a micro-credential's metadata is: the one place that decides.

The API, the provider's live meter, the assessor's page and `application_submit` all ask
`completeness(microcredential)`; nothing else counts fields.
"""

from django.utils.translation import gettext_lazy

from .models import title_problem

# The elements docs/rules.md requires before submission, by contract field name, in form order.
REQUIRED = [
    "title",
    "description",
    "learning_outcomes",
    "learner_effort_hours",
    "proposed_level",
    "proposed_credits",
    "field_of_study",
    "assessment_types",
    "assessment_description",
    "delivery_mode",
    "languages",
    "prerequisites",
    "quality_assurance",
    "evidence_of_need",
]
RECOMMENDED = [
    "title_fr",
    "description_fr",
    "learning_outcomes_fr",
    "contact_hours",
    "skills",
    "stackability",
    "industry_partners",
    "professional_recognition",
    "identity_verification",
    "price_cad",
    "url",
    "starts_on",
    "ends_on",
    "credential_expiry",
]
# Required elements carry most of the score, and the score stays below this share while any
# is missing, so "80 or more" always means "ready to submit"; recommended elements take it
# the rest of the way to 100.
REQUIRED_SHARE = 80

LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "learning_outcomes": gettext_lazy("Learning outcomes"),
    "learner_effort_hours": gettext_lazy("Learner effort (hours)"),
    "proposed_level": gettext_lazy("Proposed level"),
    "proposed_credits": gettext_lazy("Proposed credits"),
    "field_of_study": gettext_lazy("Field of study"),
    "assessment_types": gettext_lazy("Assessment types"),
    "assessment_description": gettext_lazy("Assessment description"),
    "delivery_mode": gettext_lazy("Delivery mode"),
    "languages": gettext_lazy("Languages of instruction"),
    "prerequisites": gettext_lazy("Prerequisites"),
    "quality_assurance": gettext_lazy("Quality assurance"),
    "evidence_of_need": gettext_lazy("Evidence of need"),
    "title_fr": gettext_lazy("Title in French"),
    "description_fr": gettext_lazy("Description in French"),
    "learning_outcomes_fr": gettext_lazy("Learning outcomes in French"),
    "contact_hours": gettext_lazy("Contact hours"),
    "skills": gettext_lazy("Skills and competencies"),
    "stackability": gettext_lazy("Stackability"),
    "industry_partners": gettext_lazy("Industry partners"),
    "professional_recognition": gettext_lazy("Professional recognition"),
    "identity_verification": gettext_lazy("Identity verification"),
    "price_cad": gettext_lazy("Price (CAD)"),
    "url": gettext_lazy("Web page"),
    "starts_on": gettext_lazy("Start date"),
    "ends_on": gettext_lazy("End date"),
    "credential_expiry": gettext_lazy("Credential expiry"),
}

# Foreign keys are judged by their id so that counting never costs a query.
_ATTRIBUTE = {"proposed_level": "proposed_level_id", "field_of_study": "field_of_study_id"}


def is_present(value):
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return any(str(item).strip() for item in value)
    return True


def completeness(microcredential):
    """{"score": 0–100, "missing_required": [...], "missing_recommended": [...], "problems": [...]}.

    `problems` are present values that would still stop a submission (the title rule).
    """
    def present(name):
        return is_present(getattr(microcredential, _ATTRIBUTE.get(name, name), None))

    missing_required = [name for name in REQUIRED if not present(name)]
    missing_recommended = [name for name in RECOMMENDED if not present(name)]
    required_done = len(REQUIRED) - len(missing_required)
    recommended_done = len(RECOMMENDED) - len(missing_recommended)
    # Integer arithmetic, rounded down: 100 means everything, never "almost".
    score = (
        REQUIRED_SHARE * required_done * len(RECOMMENDED)
        + (100 - REQUIRED_SHARE) * recommended_done * len(REQUIRED)
    ) // (len(REQUIRED) * len(RECOMMENDED))
    if missing_required:
        score = min(score, REQUIRED_SHARE - 1)
    problems = []
    for field in ("title", "title_fr"):
        title_issue = title_problem(getattr(microcredential, field))
        if title_issue:
            problems.append({"field": field, "message": title_issue})
    return {
        "score": score,
        "missing_required": missing_required,
        "missing_recommended": missing_recommended,
        "problems": problems,
    }


def submission_problems(microcredential):
    """What stops a submission, as (missing_required, {field: message}); both empty when none."""
    result = completeness(microcredential)
    return result["missing_required"], {p["field"]: p["message"] for p in result["problems"]}
