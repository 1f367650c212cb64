"""The casework: an application about one micro-credential, moved through its states.

Only `draft → submitted` exists yet; the states are all named now so the rest of the
workflow (product.md, "The case workflow") adds transitions without a data migration.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from credentials.models import MicroCredential


class Application(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial assessment"
        REVIEW = "review", "Periodic review"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        AWAITING_PROVIDER = "awaiting_provider", "Awaiting provider"
        RECOMMENDED = "recommended", "Recommended"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CLOSED_STATES = (State.APPROVED, State.DECLINED, State.WITHDRAWN)

    # Given at submission: a draft has no reference yet.
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    state = FSMField(max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    microcredential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="applications")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "state"]),
            models.Index(fields=["state", "submitted_at"]),
        ]
        constraints = [
            # One case at a time about a micro-credential: two open cases could reach two
            # different decisions about the same thing.
            models.UniqueConstraint(
                fields=["microcredential"],
                condition=~models.Q(state__in=["approved", "declined", "withdrawn"]),
                name="application_one_open_per_microcredential",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(reference__isnull=False, submitted_at__isnull=False),
                name="application_submitted_has_reference",
            ),
        ]

    def __str__(self):
        return self.reference or "Draft application #%s" % self.pk

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT


class ApplicationEvent(models.Model):
    """One line of a case's history: who did what, when, from which state to which."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return "%s %s" % (self.action, self.at)


class ClosureDay(models.Model):
    """A day the agency is closed: not a business day, so the clock does not count it."""

    date = models.DateField(
        unique=True,
        help_text=(
            "A weekday the agency is closed. Ontario public holidays are already excluded; "
            "changing closure days recomputes the clocks of open cases only, never decided ones."
        ),
    )
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return "%s (%s)" % (self.date.isoformat(), self.reason)
