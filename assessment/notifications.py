"""The workflow's emails: who is told what at each step. Each enqueues in the caller's
transaction through the outbox, keyed by the case and the step, so a step repeated (e.g. a
second request for information) gets its own key from the row that caused it."""

from django.urls import reverse

from accounts.models import User
from config.dates import long_date

from . import clock
from .outbox import Email, outbox_enqueue, outbox_enqueue_many


def provider_addresses(organisation_id):
    """Mail to a provider goes to its organisation's active provider accounts."""
    return list(User.objects.provider_staff(organisation_id).values_list("email", flat=True))


def approver_addresses(*, excluding=None):
    """The active approvers, but for `excluding` (who cannot sign off their own recommendation)."""
    approvers = User.objects.filter(role=User.Role.APPROVER, is_active=True)
    if excluding is not None:
        approvers = approvers.exclude(pk=excluding.pk)
    return list(approvers.values_list("email", flat=True))


def _context(application, **extra):
    return {
        "application": application,
        "title": application.microcredential.title,
        "provider": application.provider.name,
        "path": reverse("applications:detail", args=[application.pk]),
        **extra,
    }


def acknowledgement(application, *, due_date):
    outbox_enqueue(
        key="application:%d:submitted" % application.pk,
        recipients=provider_addresses(application.provider_id),
        template="acknowledgement",
        subject="Received: %s (%s)" % (application.microcredential.title, application.reference),
        context=_context(application, due_date=due_date),
    )


def information_requested(application, request):
    outbox_enqueue(
        key="application:%d:information-request:%d" % (application.pk, request.pk),
        recipients=provider_addresses(application.provider_id),
        template="information_requested",
        subject="The agency needs more information: %s" % application.reference,
        context=_context(application, request=request),
    )


def provider_responded(application, request):
    if application.assigned_to_id is None:
        return
    outbox_enqueue(
        key="application:%d:information-response:%d" % (application.pk, request.pk),
        recipients=[application.assigned_to.email],
        template="provider_responded",
        subject="The provider answered: %s" % application.reference,
        context=_context(application, request=request, path=reverse("applications:detail", args=[application.pk])),
    )


def recommendation_waiting(application, recommendation):
    outbox_enqueue(
        key="application:%d:recommendation:%d" % (application.pk, recommendation.pk),
        recipients=approver_addresses(excluding=recommendation.recommended_by),
        template="recommendation_waiting",
        subject="Waiting for sign-off: %s" % application.reference,
        context=_context(application, recommendation=recommendation,
                         path=reverse("applications:detail", args=[application.pk])),
    )


def decision(application, recommendation):
    outbox_enqueue(
        key="application:%d:decision" % application.pk,
        recipients=provider_addresses(application.provider_id),
        template="decision",
        subject="Decision on %s: %s" % (
            application.reference, "approved" if application.state == application.State.APPROVED else "declined"
        ),
        context=_context(
            application, recommendation=recommendation,
            assessment=application.register_entry if application.state == application.State.APPROVED else None,
        ),
    )


# The emails a sweep queues many of at once (review reminders and lapse notices, clock
# alerts) are rendered when they are sent, from a snapshot of what was true when they were
# caused (outbox.outbox_enqueue_many): their contexts hold plain JSON values, dates already
# written out, never model instances.

def _review_context(entry, **extra):
    return {
        "reference": entry.reference,
        "title": entry.title,
        "provider": entry.provider_name,
        "due_on": long_date(entry.review_due_date, weekday=True),
        **extra,
    }


def review_reminder(entry, *, case_id, key, step, days_before, opening, lapses_on, recipients) -> Email:
    """One reminder step of one review period about the register entry as the sweep read it
    (review.Entry), to each of the provider's active staff (`recipients`); `case_id` is its
    live review case, if any. The first one sent in a period is also the notice that the
    review case is open."""
    if days_before > 0:
        subject = "Periodic review due in %d days: %s (%s)" % (days_before, entry.title, entry.reference)
    elif days_before == 0:
        subject = "Periodic review due today: %s (%s)" % (entry.title, entry.reference)
    else:
        subject = "Overdue periodic review: %s (%s) lapses on %s" % (
            entry.title, entry.reference, long_date(lapses_on))
    if opening:
        subject = "Review case open. " + subject
    path = reverse("applications:detail", args=[case_id]) if case_id is not None else reverse("applications:list")
    return Email(
        key=key,
        recipients=recipients,
        template="review_reminder",
        subject=subject,
        context=_review_context(
            entry, has_case=case_id is not None, step=step, days_before=days_before, days_after=-days_before,
            opening=opening, lapses_on=long_date(lapses_on, weekday=True), path=path,
        ),
    )


def review_lapsed(entry, *, key, recipients) -> Email:
    """The provider learns that the entry (review.Entry) lapsed because its review was not filed."""
    return Email(
        key=key,
        recipients=recipients,
        template="review_lapsed",
        subject="Lapsed: %s (%s)" % (entry.title, entry.reference),
        context=_review_context(entry, current_until=long_date(entry.current_until, weekday=True),
                                path=reverse("register:detail", args=[entry.reference])),
    )


def assessment_revoked(assessment):
    """The provider learns that its register entry was revoked, why and from when."""
    outbox_enqueue(
        key="assessment:%d:revoked" % assessment.pk,
        recipients=provider_addresses(assessment.provider_id),
        template="assessment_revoked",
        subject="Assessment revoked: %s (%s)" % (assessment.title, assessment.reference),
        context={
            "assessment": assessment,
            "path": reverse("register:detail", args=[assessment.reference]),
        },
    )


def on_assessment_revoked(sender, *, assessment, **kwargs):
    """Receiver of credentials.signals.assessment_revoked (connected in AssessmentConfig.ready)."""
    assessment_revoked(assessment)


def sla_alert_key(application_id, status):
    return "sla:%d:%s" % (application_id, status)


def sla_alerts(statuses, *, today, calendar) -> int:
    """Alert, once each, about the cases `statuses` ({application id: "at_risk" | "breached"})
    names. Answers how many alerts were queued.

    At risk: the assessor who has the case. An unassigned case at risk goes to the approvers
    instead: nobody owns it, and approvers are the ones who assign. Breached: the assessor
    and every active approver. An inactive assignee counts as none.

    Cases already alerted for their status are left out with one query over the outbox's
    keys, so a daily run renders no email twice; the alerts are written with one INSERT
    (outbox_enqueue_many), whose unique index settles a race with another sweep."""
    from .models import Application, OutboxMessage

    keys = {sla_alert_key(pk, status): pk for pk, status in statuses.items()}
    sent = set(OutboxMessage.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    due = [pk for key, pk in keys.items() if key not in sent]
    if not due:
        return 0
    # Re-read the stored status: a transition that committed since the clocks were read
    # (a decision, a pause) wins over the sweep's reading.
    cases = (
        Application.objects.filter(pk__in=due, state__in=Application.OPEN_STATES)
        .select_related("microcredential", "provider", "assigned_to")
        .order_by("pk")
    )
    approvers = approver_addresses()
    emails = []
    for application in cases:
        status = statuses[application.pk]
        if application.sla_status != status:
            continue
        assignee = application.assigned_to if application.assigned_to and application.assigned_to.is_active else None
        if status == clock.AT_RISK:
            recipients = [assignee.email] if assignee else approvers
        else:
            recipients = ([assignee.email] if assignee else []) + approvers
        due_date = application.sla_due_date
        left = clock.business_days_between(today, due_date, calendar) if due_date and due_date >= today else 0
        over = clock.business_days_between(due_date, today, calendar) if due_date and today > due_date else 0
        if status == clock.AT_RISK:
            subject = "At risk: %s is due %s" % (application.reference, long_date(due_date, weekday=True, year=False))
        else:
            subject = "Overdue: %s was due %s" % (application.reference, long_date(due_date, weekday=True, year=False))
        emails.append(Email(
            key=sla_alert_key(application.pk, status),
            recipients=recipients,
            template="sla_%s" % status,
            subject=subject,
            context={
                "reference": application.reference, "title": application.microcredential.title,
                "provider": application.provider.name, "state": application.state,
                "state_display": application.get_state_display(), "status": status, "due_on": long_date(due_date, weekday=True),
                "business_days_left": left, "business_days_over": over,
                "assessor": assignee.get_full_name() if assignee else "",
                "path": reverse("applications:detail", args=[application.pk]),
            },
        ))
    return len(outbox_enqueue_many(emails))
