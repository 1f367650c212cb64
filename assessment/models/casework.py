"""What the casework adds to a case: information requests (the clock's pauses), the
assessors' recommendations and their sign-off, staff notes and a decline's letter."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credentials.models import Assessment, Level, TransferCategory

from .applications import Application


class InformationRequest(models.Model):
    """The assessor's question and the provider's answer. It is also the clock's pause:
    from `requested_on` to `responded_on` (docs/rules.md, "The ten-business-day clock")."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="information_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    requested_on = models.DateField(help_text=gettext_lazy("The agency's date of the request: the pause starts after it."))
    message = models.TextField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            # The clock allows one unanswered pause, the latest.
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(responded_at__isnull=True),
                name="information_request_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(responded_on__isnull=True) | models.Q(responded_on__gte=models.F("requested_on")),
                name="information_request_answered_after_asked",
            ),
        ]

    def __str__(self):
        return "Information request %s on %s" % (self.pk, self.application)


class Recommendation(models.Model):
    """An assessor's recommendation and, once an approver signs it off, the decision.

    A returned recommendation stays as history; the assessor's next one is a new row that
    needs its own sign-off."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", gettext_lazy("Approve")
        DECLINE = "decline", gettext_lazy("Decline")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="recommendations")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    credits = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    transfer_category = models.CharField(max_length=30, choices=TransferCategory.choices, blank=True)
    subject_area = models.CharField(max_length=200, blank=True)
    rationale = models.TextField(blank=True)
    reasons = models.TextField(blank=True)
    review_period_months = models.PositiveSmallIntegerField(choices=Assessment.REVIEW_PERIOD_CHOICES, default=12)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField(default=timezone.now)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["recommended_at", "id"]
        constraints = [
            # Four eyes: whoever signs off never made the recommendation.
            models.CheckConstraint(
                condition=models.Q(signed_off_by__isnull=True) | ~models.Q(signed_off_by=models.F("recommended_by")),
                name="recommendation_four_eyes",
            ),
            # A case is decided once.
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(signed_off_by__isnull=False),
                name="recommendation_one_sign_off",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_off_by__isnull=True) | models.Q(returned_by__isnull=True),
                name="recommendation_signed_off_or_returned",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="decline") | models.Q(
                    level__isnull=False, credits__isnull=False, transfer_category__gt="", subject_area__gt=""
                ),
                name="recommendation_approval_complete",
            ),
        ]

    def __str__(self):
        return "%s recommendation on %s" % (self.get_outcome_display(), self.application)

    def approved_terms(self):
        """What an approval puts in the register entry, as keyword arguments of
        credentials.services.assessment_issue and assessment_renew."""
        return {
            "level_id": self.level_id, "credits": self.credits, "transfer_category": self.transfer_category,
            "subject_area": self.subject_area, "recommended_by": self.recommended_by,
            "review_period_months": self.review_period_months,
        }


class InternalNote(models.Model):
    """A note among agency staff about a case; never shown to the provider."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return "Note %s on %s" % (self.pk, self.application)


class DecisionLetter(models.Model):
    """The signed letter of a declined application: the provider's and the agency's record of
    the decision and its reasons. Private to them: never in the register, never verified by
    code (it names no assessment). One per case, produced once, never replaced."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision_letter")
    # In the default storage (MEDIA_ROOT or the private bucket), which no URL serves: the case's
    # API view serves it to those who may see the case.
    file = models.FileField(upload_to="decision-letters/%Y/", max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application_id"]

    def __str__(self):
        return _("Decision letter of %s") % self.application
