"""A provider's micro-credential and its files.

The rules a single value must follow live here as field validators and `clean()`, so the
API, the pages and the catalogue import all refuse the same things with the same words.
Whether a micro-credential is *complete* is a separate question, answered in completeness.py.
"""

import re
from decimal import Decimal

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from config.input_guards import text_problem
from config.numbers import decimal_text

from ..languages import Bilingual
from .reference import FieldOfStudy, Level

ASSESSMENT_TYPES = ["exam", "project", "portfolio", "practical", "presentation", "assignment", "quiz", "other"]
ASSESSMENT_TYPE_LABELS = {
    "exam": gettext_lazy("Exam"), "project": gettext_lazy("Project"), "portfolio": gettext_lazy("Portfolio"),
    "practical": gettext_lazy("Practical"), "presentation": gettext_lazy("Presentation"),
    "assignment": gettext_lazy("Assignment"), "quiz": gettext_lazy("Quiz"), "other": gettext_lazy("Other"),
}
LANGUAGE_CODES = {language.alpha_2: language.name for language in pycountry.languages if hasattr(language, "alpha_2")}

# NZQA's listing rule: a micro-credential must not present itself as a qualification, in
# English or in French.
FORBIDDEN_TITLE_WORDS = re.compile(
    r"\b(degrees?|diplomas?|bachelors?|bachelor's|masters?|master's|doctors?|doctoral|doctorates?"
    r"|diplômes?|baccalauréats?|maîtrises?|doctorats?|docteurs?)\b",
    re.IGNORECASE,
)


def title_problem(title):
    """The sentence explaining why a title may not be submitted, or None."""
    match = FORBIDDEN_TITLE_WORDS.search(title or "")
    if match is None:
        return None
    return (
        _('The title must not call the micro-credential a degree, diploma, bachelor, master or doctor '
        '(it contains "%s"). Describe what it teaches instead.') % match.group(0)
    )


# (the list's shape is wrong, an item is empty) for each list field.
_LIST_MESSAGES = {
    "learning outcomes": (gettext_lazy("Give the learning outcomes as a list of text."),
                          gettext_lazy("Remove the empty learning outcome from the list.")),
    "skills": (gettext_lazy("Give the skills as a list of text."),
               gettext_lazy("Remove the empty skill from the list.")),
    "assessment types": (gettext_lazy("Give the assessment types as a list of text."),
                         gettext_lazy("Remove the empty assessment type from the list.")),
    "languages": (gettext_lazy("Give the languages as a list of text."),
                  gettext_lazy("Remove the empty language from the list.")),
}


def _list_of_text(value, what):
    not_a_list, empty_item = _LIST_MESSAGES[what]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(not_a_list)
    if any(not item.strip() for item in value):
        raise ValidationError(empty_item)
    # Each item is one line of text (config/input_guards.py says which characters that refuses).
    problem = next((p for p in (text_problem(item, single_line=True) for item in value) if p), None)
    if problem:
        raise ValidationError(problem)


def validate_learning_outcomes(value):
    _list_of_text(value, "learning outcomes")
    if any(len(item) > 1000 for item in value):
        raise ValidationError(_("Keep each learning outcome under 1,000 characters."))


def validate_skills(value):
    _list_of_text(value, "skills")


def validate_assessment_types(value):
    _list_of_text(value, "assessment types")
    unknown = [item for item in value if item not in ASSESSMENT_TYPES]
    if unknown:
        raise ValidationError(
            _('"%(type)s" is not an assessment type we know. Use one or more of: %(known)s.')
            % {"type": unknown[0], "known": ", ".join(ASSESSMENT_TYPES)}
        )


def validate_languages(value):
    _list_of_text(value, "languages")
    unknown = [item for item in value if item not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _('"%s" is not a two-letter ISO 639-1 language code. Use codes such as "en" or "fr".') % unknown[0]
        )


def validate_credits(value):
    if value is None:
        return
    low, high = Decimal(str(settings.CREDITS_MIN)), Decimal(str(settings.CREDITS_MAX))
    if value < low or value > high:
        raise ValidationError(_("Propose between %(low)s and %(high)s credits (1 credit is 10 learning hours).")
                              % {"low": decimal_text(low), "high": decimal_text(high)})
    if (value * 2) % 1:
        raise ValidationError(_("Propose credits in steps of 0.5, for example 1.5 or 2."))


def validate_positive(value):
    if value is not None and value <= 0:
        raise ValidationError(_("Give the learning hours as a number greater than 0."))


def validate_contact_hours(value):
    if value is not None and value < 0:
        raise ValidationError(_("Give the contact hours as 0 or more."))


def validate_price(value):
    if value is not None and value < 0:
        raise ValidationError(_("Give the price in Canadian dollars as 0 or more."))


class MicroCredential(Bilingual, models.Model):
    """A provider's description of one micro-credential, as filed with the agency.

    Every descriptive field may be empty while it is a draft: completeness.py says what is
    still missing, and an application refuses to be submitted until nothing required is.
    """

    class DeliveryMode(models.TextChoices):
        ONLINE_SYNC = "online_sync", gettext_lazy("Online, live (synchronous)")
        ONLINE_ASYNC = "online_async", gettext_lazy("Online, self-paced (asynchronous)")
        IN_PERSON = "in_person", gettext_lazy("In person")
        BLENDED = "blended", gettext_lazy("Blended (online and in person)")
        HYBRID = "hybrid", gettext_lazy("Hybrid (learners choose online or in person)")

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="microcredentials")

    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    learning_outcomes = models.JSONField(default=list, blank=True, validators=[validate_learning_outcomes])
    # The French version, where the provider gives it (recommended metadata): French pages, the
    # register and its search show it.
    title_fr = models.CharField(max_length=300, blank=True)
    description_fr = models.TextField(blank=True)
    learning_outcomes_fr = models.JSONField(default=list, blank=True, validators=[validate_learning_outcomes])
    learner_effort_hours = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[validate_positive]
    )
    contact_hours = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True,
        validators=[validate_contact_hours],
    )
    proposed_level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    proposed_credits = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=[validate_credits]
    )
    field_of_study = models.ForeignKey(
        FieldOfStudy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment_types = models.JSONField(default=list, blank=True, validators=[validate_assessment_types])
    assessment_description = models.TextField(blank=True)
    delivery_mode = models.CharField(max_length=20, choices=DeliveryMode.choices, blank=True)
    languages = models.JSONField(default=list, blank=True, validators=[validate_languages])
    prerequisites = models.TextField(blank=True)
    quality_assurance = models.TextField(blank=True)
    evidence_of_need = models.TextField(blank=True)

    skills = models.JSONField(default=list, blank=True, validators=[validate_skills])
    stackability = models.TextField(blank=True)
    industry_partners = models.TextField(blank=True)
    professional_recognition = models.TextField(blank=True)
    identity_verification = models.TextField(blank=True)
    price_cad = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[validate_price],
    )
    url = models.URLField(max_length=500, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    credential_expiry = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("How long the credential stays valid, e.g. 'does not expire', '3 years'.")
    )

    # Empty when the agency imported the catalogue for the provider (import_catalogue).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set while an application about it is open with the agency: the provider may not change
    # what is being assessed (assessment sets and clears it through services).
    locked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["provider", "-updated_at"])]

    def __str__(self):
        return self.title or _("Untitled micro-credential #%s") % self.pk

    def clean(self):
        super().clean()
        errors = self._text_problems()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date must be on or after the start date.")
        if (
            self.contact_hours is not None
            and self.learner_effort_hours is not None
            and self.contact_hours > self.learner_effort_hours
        ):
            errors["contact_hours"] = _("Contact hours cannot exceed the learner effort, which counts all study.")
        if errors:
            raise ValidationError(errors)

    def _text_problems(self):
        """Characters no text may hold (config/input_guards.py); a CharField is one line (a
        title reaches the register and letters), a TextField is prose."""
        problems = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                problem = text_problem(getattr(self, field.attname), single_line=isinstance(field, models.CharField))
                if problem:
                    problems[field.name] = problem
        return problems

    @property
    def is_locked(self):
        return bool(self.locked_reason)

    # The French version on French pages where the provider gave it, else the English.
    @property
    def localized_title(self):
        return self.localized("title")

    @property
    def localized_description(self):
        return self.localized("description")

    @property
    def localized_learning_outcomes(self):
        return self.localized("learning_outcomes")


class Attachment(models.Model):
    class Kind(models.TextChoices):
        CURRICULUM = "curriculum", gettext_lazy("Curriculum")
        ASSESSMENT_SAMPLE = "assessment_sample", gettext_lazy("Assessment sample")
        EVIDENCE_OF_NEED = "evidence_of_need", gettext_lazy("Evidence of need")
        OTHER = "other", gettext_lazy("Other")

    microcredential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # In the default storage (MEDIA_ROOT or the private bucket, config/object_storage.py), which
    # no URL serves: downloads go through a view that checks who is asking.
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
