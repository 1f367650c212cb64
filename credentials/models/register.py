"""The register: each entry (an assessment of one micro-credential), its terms over time
(docs/rules.md, "Terms over time"), its history, and the counters that number references."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Organisation

from ..languages import Bilingual
from .microcredentials import MicroCredential
from .reference import FieldOfStudy, Level


class ReferenceCounter(models.Model):
    """The last number handed out for a reference prefix in a year (`MCA` 2026 → 42)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self):
        return "%s-%d: %d" % (self.prefix, self.year, self.last)


STATUS_LIST_SEQUENCE = "credentials_status_list_index"


class NextStatusListIndex(models.Func):
    """The next number of the sequence that places entries in the revocation status list
    (credentials/vc/status_list.py): PostgreSQL hands each new row its own, once."""

    template = "nextval('%s')" % STATUS_LIST_SEQUENCE
    output_field = models.IntegerField()


# The stored search vector's expression (immutable functions of the row only). English words
# are read with English stemming and French ones with French stemming; the search asks both.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english'::regconfig, title), 'A')"
    " || setweight(to_tsvector('french'::regconfig, title_fr), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(snapshot ->> 'provider', '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, subject_area || ' '"
    " || coalesce(snapshot ->> 'learning_outcomes', '')), 'C')"
    " || setweight(to_tsvector('french'::regconfig, coalesce(snapshot ->> 'learning_outcomes_fr', '')), 'C')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(snapshot ->> 'description', '')), 'D')"
    " || setweight(to_tsvector('french'::regconfig, coalesce(snapshot ->> 'description_fr', '')), 'D')"
)


class TransferCategory(models.TextChoices):
    """How receiving institutions may place the credit, as ACE and NCCRS do."""

    VOCATIONAL_CERTIFICATE = "vocational_certificate", gettext_lazy("Vocational certificate")
    LOWER_DIVISION = "lower_division", gettext_lazy("Lower-division undergraduate")
    UPPER_DIVISION = "upper_division", gettext_lazy("Upper-division undergraduate")
    GRADUATE = "graduate", gettext_lazy("Graduate")


class Assessment(Bilingual, models.Model):
    """An entry in the register: the agency's decision on one micro-credential, as assessed."""

    class Status(models.TextChoices):
        CURRENT = "current", gettext_lazy("Current")
        EXPIRING = "expiring", gettext_lazy("Expiring (no new enrolments)")
        DISCONTINUED = "discontinued", gettext_lazy("Discontinued")
        LAPSED = "lapsed", gettext_lazy("Lapsed (review not done)")
        REVOKED = "revoked", gettext_lazy("Revoked")
        SUPERSEDED = "superseded", gettext_lazy("Superseded")

    # Statuses under which the public register shows the entry.
    PUBLIC_STATUSES = (Status.CURRENT, Status.EXPIRING)
    REVIEW_PERIOD_CHOICES = [(12, "12 months"), (24, "24 months"), (36, "36 months")]

    reference = models.CharField(max_length=20, unique=True)
    verification_code = models.CharField(max_length=19, unique=True)
    microcredential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="assessments")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    title = models.CharField(max_length=300)
    title_fr = models.CharField(max_length=300, blank=True)
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
    # What the register's search finds, in English and in French: the titles weigh most, then the provider, then the subject and learning outcomes, then the
    # description. Computed by PostgreSQL from the row itself (a stored generated column), so
    # every write keeps it right and bulk loads need nothing more; the GIN index answers a
    # search alone.
    search_vector = models.GeneratedField(
        expression=RawSQL(SEARCH_VECTOR_SQL, ()), output_field=SearchVectorField(), db_persist=True,
    )
    # The entry's bit in the revocation status list of its verifiable credentials: given by
    # the database at insert, never reused, never changed.
    status_list_index = models.IntegerField(unique=True, db_default=NextStatusListIndex(), editable=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="assessment_search_gin"),
            # The register's order (newest first): a page of a long list, or of a search matching
            # much of it, reads its rows in this order and stops at the page's end.
            models.Index(F("issued_at").desc(), F("id").desc(), name="assessment_newest_first"),
            models.Index(fields=["status", "review_due_date"]),
            # Only expiring entries, by the end of their honoured period: the daily sweep's
            # discontinuing reads the ended ones, not every expiring entry of the register.
            models.Index(fields=["current_until"], condition=models.Q(status="expiring"),
                         name="assessment_expiring_until"),
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

    @property
    def localized_title(self):
        """The French title on French pages where the provider gave one, else the English."""
        return self.localized("title")


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
    # The approver whose sign-off set these terms; empty on a first period that migration 0007
    # made for an entry issued without periods, since the entry does not say who decided.
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


class AssessmentEvent(models.Model):
    """One change of a register entry, written in the transaction that made it: who (None is
    the daily sweep), when, its status before and after, a sentence for the public and a note
    for the agency. Nothing in the register is overwritten without one."""

    class Action(models.TextChoices):
        ISSUE = "issue", gettext_lazy("Entered in the register")
        RENEW = "renew", gettext_lazy("Renewed after its periodic review")
        REVOKE = "revoke", gettext_lazy("Revoked")
        DISCONTINUE = "discontinue", gettext_lazy("Discontinued by the provider")
        LAPSE = "lapse", gettext_lazy("Lapsed")
        END = "end", gettext_lazy("Honoured period ended")
        SUPERSEDE = "supersede", gettext_lazy("Superseded by a reassessment")

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
