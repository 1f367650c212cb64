"""The workflow's emails: who is told what at each step. Each enqueues in the caller's
transaction through the outbox, keyed by the case and the step, so a step repeated (e.g. a
second request for information) gets its own key from the row that caused it."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from config.dates import long_date

from . import clock
from .outbox import Email, in_each_language, outbox_enqueue, outbox_enqueue_many


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
        subject=in_each_language(lambda: _("Received: %(title)s (%(reference)s)") % {
            "title": application.microcredential.title, "reference": application.reference}),
        context=_context(application, due_date=due_date),
    )


def information_requested(application, request):
    outbox_enqueue(
        key="application:%d:information-request:%d" % (application.pk, request.pk),
        recipients=provider_addresses(application.provider_id),
        template="information_requested",
        subject=in_each_language(lambda: _("The agency needs more information: %s") % application.reference),
        context=_context(application, request=request),
    )


def provider_responded(application, request):
    if application.assigned_to_id is None:
        return
    outbox_enqueue(
        key="application:%d:information-response:%d" % (application.pk, request.pk),
        recipients=[application.assigned_to.email],
        template="provider_responded",
        subject=in_each_language(lambda: _("The provider answered: %s") % application.reference),
        context=_context(application, request=request, path=reverse("applications:detail", args=[application.pk])),
    )


def recommendation_waiting(application, recommendation):
    outbox_enqueue(
        key="application:%d:recommendation:%d" % (application.pk, recommendation.pk),
        recipients=approver_addresses(excluding=recommendation.recommended_by),
        template="recommendation_waiting",
        subject=in_each_language(lambda: _("Waiting for sign-off: %s") % application.reference),
        context=_context(application, recommendation=recommendation,
                         path=reverse("applications:detail", args=[application.pk])),
    )


def decision(application, recommendation):
    outbox_enqueue(
        key="application:%d:decision" % application.pk,
        recipients=provider_addresses(application.provider_id),
        template="decision",
        subject=in_each_language(
            lambda: (_("Decision on %s: approved") if application.state == application.State.APPROVED
                     else _("Decision on %s: declined")) % application.reference),
        context=_context(
            application, recommendation=recommendation,
            assessment=application.register_entry if application.state == application.State.APPROVED else None,
        ),
    )


# The emails a sweep queues many of at once (review reminders and lapse notices, clock
# alerts) are rendered when they are sent, from a snapshot of what was true when they were
# caused (outbox.outbox_enqueue_many): their contexts hold plain JSON values, dates as ISO text
# that the templates write out in the recipient's language, never model instances.

def _review_context(entry, **extra):
    return {
        "reference": entry.reference,
        "title": entry.title,
        "provider": entry.provider_name,
        "due_on": entry.review_due_date.isoformat(),
        **extra,
    }


def review_reminder(entry, *, case_id, key, step, days_before, opening, lapses_on, recipients) -> Email:
    """One reminder step of one review period about the register entry as the sweep read it
    (review.Entry), to each of the provider's active staff (`recipients`); `case_id` is its
    live review case, if any. The first one sent in a period is also the notice that the
    review case is open."""
    def subject():
        names = {"title": entry.title, "reference": entry.reference, "days": days_before}
        if days_before > 0:
            text = ngettext("Periodic review due in %(days)d day: %(title)s (%(reference)s)",
                            "Periodic review due in %(days)d days: %(title)s (%(reference)s)", days_before) % names
        elif days_before == 0:
            text = _("Periodic review due today: %(title)s (%(reference)s)") % names
        else:
            text = _("Overdue periodic review: %(title)s (%(reference)s) lapses on %(lapses_on)s") % {
                **names, "lapses_on": long_date(lapses_on)}
        return _("Review case open. %s") % text if opening else text
    path = reverse("applications:detail", args=[case_id]) if case_id is not None else reverse("applications:list")
    return Email(
        key=key,
        recipients=recipients,
        template="review_reminder",
        subject=in_each_language(subject),
        context=_review_context(
            entry, has_case=case_id is not None, step=step, days_before=days_before, days_after=-days_before,
            opening=opening, lapses_on=lapses_on.isoformat(), path=path,
        ),
    )


def review_lapsed(entry, *, key, recipients) -> Email:
    """The provider learns that the entry (review.Entry) lapsed because its review was not filed."""
    return Email(
        key=key,
        recipients=recipients,
        template="review_lapsed",
        subject=in_each_language(lambda: _("Lapsed: %(title)s (%(reference)s)") % {
            "title": entry.title, "reference": entry.reference}),
        context=_review_context(entry, current_until=entry.current_until.isoformat(),
                                path=reverse("register:detail", args=[entry.reference])),
    )


def assessment_revoked(assessment):
    """The provider learns that its register entry was revoked, why and from when."""
    outbox_enqueue(
        key="assessment:%d:revoked" % assessment.pk,
        recipients=provider_addresses(assessment.provider_id),
        template="assessment_revoked",
        subject=in_each_language(lambda: _("Assessment revoked: %(title)s (%(reference)s)") % {
            "title": assessment.title, "reference": assessment.reference}),
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
        names = {"reference": application.reference, "due": due_date}
        if status == clock.AT_RISK:
            subject = in_each_language(lambda names=names: _("At risk: %(reference)s is due %(due)s") % {
                **names, "due": long_date(names["due"], weekday=True, year=False)})
        else:
            subject = in_each_language(lambda names=names: _("Overdue: %(reference)s was due %(due)s") % {
                **names, "due": long_date(names["due"], weekday=True, year=False)})
        emails.append(Email(
            key=sla_alert_key(application.pk, status),
            recipients=recipients,
            template="sla_%s" % status,
            subject=subject,
            context={
                "reference": application.reference, "title": application.microcredential.title,
                "provider": application.provider.name, "state": application.state,
                "status": status, "due_on": due_date.isoformat(),
                "business_days_left": left, "business_days_over": over,
                "assessor": assignee.get_full_name() if assignee else "",
                "path": reverse("applications:detail", args=[application.pk]),
            },
        ))
    return len(outbox_enqueue_many(emails))
