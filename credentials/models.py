"""What is assessed: frameworks and levels, fields of study, micro-credentials and their files.

The rules a single value must follow live here as field validators and `clean()`, so the
API, the pages and the catalogue import all refuse the same things with the same words.
Whether a micro-credential is *complete* is a separate question, answered in completeness.py.
"""

import re
from decimal import Decimal

import pycountry
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.models import Organisation
from config.input_guards import text_problem


class Framework(models.Model):
    """A qualifications framework; its levels are what an assessment places a credential on."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Level(models.Model):
    # The level's public identifier ("OQF-10") is its key: integrators send it as is.
    id = models.CharField(max_length=20, primary_key=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="level_number_unique_in_framework"),
        ]

    def __str__(self):
        return "%s – %s" % (self.id, self.name)


class FieldOfStudy(models.Model):
    """An ISCED-F 2013 detailed field (four digits, e.g. 0413)."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "fields of study"

    def __str__(self):
        return "%s %s" % (self.code, self.name)


ASSESSMENT_TYPES = ["exam", "project", "portfolio", "practical", "presentation", "assignment", "quiz", "other"]
LANGUAGE_CODES = {language.alpha_2: language.name for language in pycountry.languages if hasattr(language, "alpha_2")}

# NZQA's listing rule: a micro-credential must not present itself as a qualification.
FORBIDDEN_TITLE_WORDS = re.compile(
    r"\b(degrees?|diplomas?|bachelors?|bachelor's|masters?|master's|doctors?|doctoral|doctorates?)\b",
    re.IGNORECASE,
)


def title_problem(title):
    """The sentence explaining why a title may not be submitted, or None."""
    match = FORBIDDEN_TITLE_WORDS.search(title or "")
    if match is None:
        return None
    return (
        'The title must not call the micro-credential a degree, diploma, bachelor, master or doctor '
        '(it contains "%s"). Describe what it teaches instead.' % match.group(0)
    )


def _list_of_text(value, what):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Give the %s as a list of text." % what)
    if any(not item.strip() for item in value):
        raise ValidationError("Remove the empty %s from the list." % what.rstrip("s"))
    # Each item is one line of text (config/input_guards.py says which characters that refuses).
    problem = next((p for p in (text_problem(item, single_line=True) for item in value) if p), None)
    if problem:
        raise ValidationError(problem)


def validate_learning_outcomes(value):
    _list_of_text(value, "learning outcomes")
    if any(len(item) > 1000 for item in value):
        raise ValidationError("Keep each learning outcome under 1,000 characters.")


def validate_skills(value):
    _list_of_text(value, "skills")


def validate_assessment_types(value):
    _list_of_text(value, "assessment types")
    unknown = [item for item in value if item not in ASSESSMENT_TYPES]
    if unknown:
        raise ValidationError(
            '"%s" is not an assessment type we know. Use one or more of: %s.'
            % (unknown[0], ", ".join(ASSESSMENT_TYPES))
        )


def validate_languages(value):
    _list_of_text(value, "languages")
    unknown = [item for item in value if item not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            '"%s" is not a two-letter ISO 639-1 language code. Use codes such as "en" or "fr".' % unknown[0]
        )


def validate_credits(value):
    if value is None:
        return
    low, high = Decimal(str(settings.CREDITS_MIN)), Decimal(str(settings.CREDITS_MAX))
    if value < low or value > high:
        raise ValidationError("Propose between %s and %s credits (1 credit is 10 learning hours)." % (low, high))
    if (value * 2) % 1:
        raise ValidationError("Propose credits in steps of 0.5, for example 1.5 or 2.")


def validate_positive(value):
    if value is not None and value <= 0:
        raise ValidationError("Give the learning hours as a number greater than 0.")


def validate_contact_hours(value):
    if value is not None and value < 0:
        raise ValidationError("Give the contact hours as 0 or more.")


def validate_price(value):
    if value is not None and value < 0:
        raise ValidationError("Give the price in Canadian dollars as 0 or more.")


class MicroCredential(models.Model):
    """A provider's description of one micro-credential, as filed with the agency.

    Every descriptive field may be empty while it is a draft: completeness.py says what is
    still missing, and an application refuses to be submitted until nothing required is.
    """

    class DeliveryMode(models.TextChoices):
        ONLINE_SYNC = "online_sync", "Online, live (synchronous)"
        ONLINE_ASYNC = "online_async", "Online, self-paced (asynchronous)"
        IN_PERSON = "in_person", "In person"
        BLENDED = "blended", "Blended (online and in person)"
        HYBRID = "hybrid", "Hybrid (learners choose online or in person)"

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="microcredentials")

    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    learning_outcomes = models.JSONField(default=list, blank=True, validators=[validate_learning_outcomes])
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
        max_length=200, blank=True, help_text="How long the credential stays valid, e.g. 'does not expire', '3 years'."
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
        return self.title or "Untitled micro-credential #%s" % self.pk

    def clean(self):
        super().clean()
        errors = self._text_problems()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date."
        if (
            self.contact_hours is not None
            and self.learner_effort_hours is not None
            and self.contact_hours > self.learner_effort_hours
        ):
            errors["contact_hours"] = "Contact hours cannot exceed the learner effort, which counts all study."
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


class Attachment(models.Model):
    class Kind(models.TextChoices):
        CURRICULUM = "curriculum", "Curriculum"
        ASSESSMENT_SAMPLE = "assessment_sample", "Assessment sample"
        EVIDENCE_OF_NEED = "evidence_of_need", "Evidence of need"
        OTHER = "other", "Other"

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


class ReferenceCounter(models.Model):
    """The last number handed out for a reference prefix in a year (`MCA` 2026 → 42)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self):
        return "%s-%d: %d" % (self.prefix, self.year, self.last)


class TransferCategory(models.TextChoices):
    """How receiving institutions may place the credit, as ACE and NCCRS do."""

    VOCATIONAL_CERTIFICATE = "vocational_certificate", "Vocational certificate"
    LOWER_DIVISION = "lower_division", "Lower-division undergraduate"
    UPPER_DIVISION = "upper_division", "Upper-division undergraduate"
    GRADUATE = "graduate", "Graduate"


class Assessment(models.Model):
    """An entry in the register: the agency's decision on one micro-credential, as assessed."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        EXPIRING = "expiring", "Expiring (no new enrolments)"
        DISCONTINUED = "discontinued", "Discontinued"
        LAPSED = "lapsed", "Lapsed (review not done)"
        REVOKED = "revoked", "Revoked"
        SUPERSEDED = "superseded", "Superseded"

    # Statuses under which the public register shows the entry.
    PUBLIC_STATUSES = (Status.CURRENT, Status.EXPIRING)
    REVIEW_PERIOD_CHOICES = [(12, "12 months"), (24, "24 months"), (36, "36 months")]

    reference = models.CharField(max_length=20, unique=True)
    verification_code = models.CharField(max_length=19, unique=True)
    microcredential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="assessments")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    title = models.CharField(max_length=300)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="assessments")
    credits = models.DecimalField(max_digits=4, decimal_places=1)
    transfer_category = models.CharField(max_length=30, choices=TransferCategory.choices)
    subject_area = models.CharField(max_length=200)
    field_of_study = models.ForeignKey(
        FieldOfStudy, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    review_period_months = models.PositiveSmallIntegerField(choices=REVIEW_PERIOD_CHOICES, default=12)
    review_due_date = models.DateField()
    # Which review period the entry is in: 1 until its first renewal. Reminders and review
    # cases are keyed by it, so each period is reminded once.
    review_cycle = models.PositiveSmallIntegerField(default=1)
    # The dates it was current: a learner who completed it then keeps the credit.
    current_from = models.DateField()
    current_until = models.DateField(null=True, blank=True)
    # The micro-credential's key metadata as the agency assessed it; later edits by the
    # provider never change what was decided.
    snapshot = models.JSONField(default=dict)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    status_reason = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # The letter version the entry should have (1 at issue, one more at each renewal) and, until
    # that version is stored, since when: letters_sweep produces a version whose task was lost.
    letter_version_due = models.PositiveSmallIntegerField(default=1)
    letter_due_since = models.DateTimeField(null=True, blank=True)
    # Title, provider and learning outcomes, weighted in that order, written by
    # assessment_issue (assessment_search_index).
    # Stored rather than computed per query so the GIN index answers a search alone.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="assessment_search_gin"),
            models.Index(fields=["status", "review_due_date"]),
            models.Index(fields=["provider", "status"]),
            # Only entries waiting for a letter: the sweep's read stays small whatever the register's size.
            models.Index(fields=["letter_due_since"], condition=models.Q(letter_due_since__isnull=False),
                         name="assessment_letter_due"),
        ]
        constraints = [
            # Four eyes: the approver who signs off never made the recommendation.
            models.CheckConstraint(
                condition=~models.Q(recommended_by=models.F("signed_off_by")),
                name="assessment_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["current", "expiring", "discontinued", "lapsed", "revoked", "superseded"]),
                name="assessment_status_valid",
            ),
        ]

    def __str__(self):
        return "%s %s" % (self.reference, self.title)

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES


class AssessmentTerms(models.Model):
    """One period of an assessment's terms: the level, credit, transfer category and subject
    area that held from `starts_on` to `ends_on`, both days included (open while `ends_on` is
    empty). A change closes the open period and opens a new one (credentials/terms.py); no
    period is ever rewritten, and the periods are the truth for any past date.

    The assessment keeps its current terms in its own columns too, written by the same
    service in the same transaction: the register's search, filters, lists and letters read
    them on every request, and a join to the open period would cost each of those queries for
    a value that changes at a renewal at most. Periods describe terms only; when the entry
    was current is its own `current_from`/`current_until`."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="terms")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    credits = models.DecimalField(max_digits=4, decimal_places=1)
    transfer_category = models.CharField(max_length=30, choices=TransferCategory.choices)
    subject_area = models.CharField(max_length=200)
    # The approver whose sign-off set these terms; empty for the periods carried over from
    # before periods were kept, whose deciding approver is no longer known.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["assessment_id", "starts_on"]
        verbose_name_plural = "assessment terms"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"], condition=models.Q(ends_on__isnull=True), name="assessment_terms_one_open",
            ),
            # Also the index that finds an entry's periods in order.
            models.UniqueConstraint(fields=["assessment", "starts_on"], name="assessment_terms_start_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="assessment_terms_ends_after_start",
            ),
        ]

    def __str__(self):
        return "%s from %s" % (self.assessment_id, self.starts_on)

    def covers(self, day):
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Letter(models.Model):
    """One signed version of an assessment's letter. Versions are never replaced: an old
    version still verifies as authentic, and as superseded, for as long as the register lives."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment letter"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ASSESSMENT)
    # In the default storage (MEDIA_ROOT or the private bucket, config/object_storage.py), which
    # no URL serves: the letter view finds the file by its assessment.
    file = models.FileField(upload_to="letters/%Y/", max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "version"], name="letter_version_unique"),
        ]

    def __str__(self):
        return "%s v%d" % (self.assessment.reference, self.version)


class AssessmentEvent(models.Model):
    """One change of a register entry, written in the transaction that made it: who (None is
    the daily sweep), when, its status before and after, a sentence for the public and a note
    for the agency. Nothing in the register is overwritten without one."""

    class Action(models.TextChoices):
        ISSUE = "issue", "Entered in the register"
        RENEW = "renew", "Renewed after its periodic review"
        REVOKE = "revoke", "Revoked"
        DISCONTINUE = "discontinue", "Discontinued by the provider"
        LAPSE = "lapse", "Lapsed"
        END = "end", "Honoured period ended"
        SUPERSEDE = "supersede", "Superseded by a reassessment"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Assessment.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Assessment.Status.choices)
    # Shown on the public register entry; the internal note to agency staff only.
    public_note = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["assessment", "at"], name="assessment_event_entry_at")]

    def __str__(self):
        return "%s %s %s" % (self.assessment_id, self.action, self.at)
