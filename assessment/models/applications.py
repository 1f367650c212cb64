"""The case: an application about one micro-credential, moved through its states
(docs/rules.md, "The case workflow"), and the lines of its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from credentials.models import Assessment, MicroCredential

from .. import clock


class Application(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", gettext_lazy("Initial assessment")
        REVIEW = "review", gettext_lazy("Periodic review")

    class State(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        SUBMITTED = "submitted", gettext_lazy("Submitted")
        IN_REVIEW = "in_review", gettext_lazy("In review")
        AWAITING_PROVIDER = "awaiting_provider", gettext_lazy("Awaiting provider")
        RECOMMENDED = "recommended", gettext_lazy("Recommended")
        APPROVED = "approved", gettext_lazy("Approved")
        DECLINED = "declined", gettext_lazy("Declined")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    class Declaration(models.TextChoices):
        CONTINUE = "continue", gettext_lazy("Continue unchanged")
        CHANGE = "change", gettext_lazy("Continue with changes")
        DISCONTINUE = "discontinue", gettext_lazy("Discontinue")

    CLOSED_STATES = (State.APPROVED, State.DECLINED, State.WITHDRAWN)
    # With the agency: the clock runs (or is paused) in these.
    OPEN_STATES = (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_PROVIDER, State.RECOMMENDED)
    WITHDRAWABLE_STATES = (State.DRAFT, *OPEN_STATES)
    ASSIGNABLE_STATES = OPEN_STATES

    SlaStatus = models.TextChoices("SlaStatus", [(status, status.replace("_", " ").capitalize())
                                                 for status in clock.STATUSES])

    # Given at submission: a draft has no reference yet (NULL, so drafts do not collide).
    # Unique through Meta.constraints, not `unique=True`, which would add a second
    # (LIKE-pattern) index no query uses.
    reference = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    state = FSMField(max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    microcredential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="applications")
    # Foreign keys without their own index: (provider, state) and (assigned_to, sla_due_date)
    # below serve lookups by provider and by assignee; no query looks applications up by their
    # author or submitter. Each index costs every write of the row, and the daily sweep
    # rewrites tens of thousands of rows.
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    # Empty when the review sweep opened the case (a review case nobody asked for).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_applications",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The clock as of the last transition or sweep, stored so the queue sorts and filters
    # with an index; `clock.clock_state` over the pauses is the truth.
    sla_due_date = models.DateField(null=True, blank=True)
    sla_status = models.CharField(max_length=20, choices=SlaStatus.choices, default=clock.NOT_STARTED)
    # The register entry an approval issued.
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )
    # A review case: the entry under review and which of its review periods, from the moment
    # the review sweep opens the case; the provider's declaration and summary at submission.
    # Indexed only where set (`application_reviewed`): initial cases, the many,
    # never enter that index.
    reviewed_assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="review_cases", db_index=False
    )
    review_cycle = models.PositiveSmallIntegerField(null=True, blank=True)
    declaration = models.CharField(max_length=20, choices=Declaration.choices, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "state"]),
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["sla_due_date", "id"], name="application_queue_due"),
            models.Index(fields=["assigned_to", "sla_due_date"], name="application_assignee_due"),
            models.Index(fields=["sla_status", "sla_due_date"], name="application_sla"),
            models.Index(
                fields=["reviewed_assessment"], condition=models.Q(reviewed_assessment__isnull=False),
                name="application_reviewed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="application_reference_unique"),
            # One case at a time about a micro-credential: two open cases could reach two
            # different decisions about the same thing.
            models.UniqueConstraint(
                fields=["microcredential"],
                condition=~models.Q(state__in=["approved", "declined", "withdrawn"]),
                name="application_one_open_per_microcredential",
            ),
            # One live review case per entry and review period: the sweep opens it once, and
            # again only after the provider withdrew it.
            models.UniqueConstraint(
                fields=["reviewed_assessment", "review_cycle"],
                condition=models.Q(kind="review") & ~models.Q(state="withdrawn"),
                name="application_one_review_case_per_cycle",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="initial", reviewed_assessment__isnull=True)
                | models.Q(kind="review", reviewed_assessment__isnull=False, review_cycle__isnull=False),
                name="application_review_names_its_assessment",
            ),
            # A draft the provider withdraws was never submitted, so it has no reference.
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | models.Q(state="withdrawn", submitted_at__isnull=True)
                | models.Q(reference__isnull=False, submitted_at__isnull=False),
                name="application_submitted_has_reference",
            ),
        ]

    def __str__(self):
        if self.reference:
            return self.reference
        return (_("Draft review #%s") if self.is_review else _("Draft application #%s")) % self.pk

    # The transitions: the services lock the row, check who acts, then call these. Claim
    # is a conditional UPDATE in its service (exactly one of simultaneous claims wins); the
    # method states the same rule for `can_proceed`.
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.IN_REVIEW)
    def claim(self):
        pass

    @transition(
        field=state, source=list(ASSIGNABLE_STATES),
        target=GET_STATE(
            lambda self, **kwargs: self.State.IN_REVIEW if self.state == self.State.SUBMITTED else self.state,
            states=list(ASSIGNABLE_STATES),
        ),
    )
    def assign(self):
        """A submitted case goes into review with its assessor; later states keep theirs."""

    @transition(field=state, source=State.IN_REVIEW, target=State.AWAITING_PROVIDER)
    def request_info(self):
        pass

    @transition(field=state, source=State.AWAITING_PROVIDER, target=State.IN_REVIEW)
    def respond(self):
        pass

    @transition(field=state, source=State.IN_REVIEW, target=State.RECOMMENDED)
    def recommend(self):
        pass

    @transition(field=state, source=State.RECOMMENDED, target=State.IN_REVIEW)
    def return_to_review(self):
        pass

    @transition(field=state, source=State.RECOMMENDED, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=State.RECOMMENDED, target=State.DECLINED)
    def decline(self):
        pass

    @transition(field=state, source=list(WITHDRAWABLE_STATES), target=State.WITHDRAWN)
    def withdraw(self):
        pass

    @property
    def is_review(self):
        return self.kind == self.Kind.REVIEW

    @property
    def register_entry(self):
        """The assessment the case is about in the register: the one its approval issued, or
        for a review case the one under review (docs/api.md, "Applications")."""
        return self.reviewed_assessment if self.is_review else self.assessment

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def is_unfinished(self):
        """A draft or an open case: while one exists, no other case about the micro-credential
        may start (the constraint application_one_open_per_microcredential)."""
        return self.state not in self.CLOSED_STATES

    @property
    def current_recommendation(self):
        """The latest recommendation not returned: the one a sign-off decides on. Uses the
        prefetched `recommendations` when the selector fetched them."""
        recommendations = [r for r in self.recommendations.all() if r.returned_at is None]
        return max(recommendations, key=lambda r: (r.recommended_at, r.pk), default=None)

    @property
    def open_information_request(self):
        return next((r for r in self.information_requests.all() if r.responded_at is None), None)

    def clock_on(self, *, today, calendar):
        """This case's clock on `today` from its pause rows (prefetched when listed)."""
        pauses = [(r.requested_on, r.responded_on) for r in self.information_requests.all()]
        decided_on = clock.agency_date(self.decided_at) if self.decided_at else None
        withdrawn_on = clock.agency_date(self.withdrawn_at) if self.withdrawn_at else None
        submitted_on = clock.agency_date(self.submitted_at) if self.submitted_at else None
        if submitted_on is None:
            pauses = []
        return clock.clock_state(
            submitted_on, pauses, decided_on=decided_on, withdrawn_on=withdrawn_on, today=today, calendar=calendar,
        )


class ApplicationEvent(models.Model):
    """One line of a case's history: who did what, when, from which state to which."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    message = models.TextField(blank=True)

    # Actions whose message is the agency's own reasoning (why a case was reassigned, an
    # approver's sign-off comment): the provider's history shows the step, not the words
    # (permissions.can_read_event_message).
    INTERNAL_MESSAGE_ACTIONS = frozenset({"assign", "sign-off"})

    # The history's words for each action; an action without one shows its own name.
    ACTION_LABELS = {
        "create": gettext_lazy("Draft started"),
        "submit": gettext_lazy("Submitted"),
        "withdraw": gettext_lazy("Withdrawn"),
        "claim": gettext_lazy("Claimed"),
        "assign": gettext_lazy("Assigned"),
        "request-info": gettext_lazy("Information requested"),
        "respond": gettext_lazy("Provider answered"),
        "recommend": gettext_lazy("Recommended"),
        "return": gettext_lazy("Returned to the assessor"),
        "sign-off": gettext_lazy("Signed off"),
    }

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return "%s %s" % (self.action, self.at)

    def get_action_display(self):
        return self.ACTION_LABELS.get(self.action, self.action.replace("-", " ").capitalize())

    def message_display(self):
        """The message in the reader's language when the system wrote it (stored in English, a
        record that does not change with the reader); a person's words as they wrote them."""
        return gettext(self.message) if self.message in SYSTEM_MESSAGES else self.message

    def get_from_state_display(self):
        return _state_label(self.from_state)

    def get_to_state_display(self):
        return _state_label(self.to_state)


# The history's sentences the system writes itself (assessment/services/decisions.py).
RECOMMENDED_MESSAGE = gettext_noop("Recommendation made; waiting for an approver's sign-off.")
RETURNED_MESSAGE = gettext_noop("Returned to the assessor for another look.")
SYSTEM_MESSAGES = frozenset({RECOMMENDED_MESSAGE, RETURNED_MESSAGE})


def _state_label(value):
    return Application.State(value).label if value in Application.State.values else value
