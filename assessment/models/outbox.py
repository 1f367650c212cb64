"""The outbox of emails the workflow and the sweeps send (the sending policy is in
assessment/outbox/)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class OutboxMessage(models.Model):
    """One email to one person, written in the transaction of the change that caused it and
    sent after commit by `assessment.tasks.outbox_send` (docs/architecture.md, "Email and
    reminders"; the sending policy is in assessment/outbox/).

    `key` names the reason for the email (`application:42:submitted`, `sla:42:at_risk`,
    `review:7:2:30`); each person it concerns gets their own row, so one person's refusal or
    retry never touches another's. The same key never makes a second message to anyone."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        SENDING = "sending", gettext_lazy("Sending")
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Failed")
        # A sender stopped between its claim and its outcome: the server may or may not have
        # the message. Never sent again automatically; a person decides (the admin's action).
        UNCERTAIN = "uncertain", gettext_lazy("Uncertain (check, then resend)")

    # Looked up by the unique (key, recipient) index, whose leading column is the key.
    key = models.CharField(max_length=200)
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    # Rendered when queued (a workflow step's one email), or when sent: a sweep queues
    # `template` with `context`, a JSON snapshot of what was true when it was caused, and the
    # bodies are written here as the message is sent (assessment/outbox/).
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    template = models.CharField(max_length=100, blank=True)
    context = models.JSONField(default=dict, blank=True)
    # The recipient's language when the message was caused (User.language): its subject is
    # written in it and its bodies rendered in it (assessment/outbox/).
    language = models.CharField(max_length=2, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status")]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="outbox_one_message_per_reason_and_person"),
        ]

    def __str__(self):
        return "%s to %s (%s)" % (self.key, self.recipient, self.status)

    @staticmethod
    def new_claim_token():
        return uuid.uuid4()
