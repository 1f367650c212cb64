"""The workflow's emails: who is told what at each step. Each enqueues in the caller's
transaction through the outbox, keyed by the case and the step, so a step repeated (e.g. a
second request for information) gets its own key from the row that caused it."""

from django.urls import reverse

from accounts.models import User

from .outbox import outbox_enqueue


def provider_addresses(organisation_id):
    """Mail to a provider goes to its organisation's active provider accounts."""
    return list(
        User.objects.filter(organisation_id=organisation_id, role=User.Role.PROVIDER, is_active=True)
        .values_list("email", flat=True)
    )


def approver_addresses(*, excluding):
    return list(
        User.objects.filter(role=User.Role.APPROVER, is_active=True).exclude(pk=excluding.pk)
        .values_list("email", flat=True)
    )


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


def _review_context(assessment, **extra):
    return {
        "assessment": assessment,
        "title": assessment.title,
        "provider": assessment.provider.name,
        **extra,
    }


def review_reminder(assessment, case, *, key, step, days_before, opening, lapses_on):
    """One reminder step of one review period, to each of the provider's active staff. The
    first one sent in a period is also the notice that the review case is open."""
    if days_before > 0:
        subject = "Periodic review due in %d days: %s (%s)" % (days_before, assessment.title, assessment.reference)
    elif days_before == 0:
        subject = "Periodic review due today: %s (%s)" % (assessment.title, assessment.reference)
    else:
        subject = "Overdue periodic review: %s (%s) lapses on %s" % (
            assessment.title, assessment.reference, lapses_on.strftime("%-d %B %Y"))
    if opening:
        subject = "Review case open. " + subject
    path = reverse("applications:detail", args=[case.pk]) if case is not None else reverse("applications:list")
    return outbox_enqueue(
        key=key,
        recipients=provider_addresses(assessment.provider_id),
        template="review_reminder",
        subject=subject,
        context=_review_context(
            assessment, case=case, step=step, days_before=days_before, days_after=-days_before,
            opening=opening, lapses_on=lapses_on, path=path,
        ),
    )


def review_lapsed(assessment, *, key):
    return outbox_enqueue(
        key=key,
        recipients=provider_addresses(assessment.provider_id),
        template="review_lapsed",
        subject="Lapsed: %s (%s)" % (assessment.title, assessment.reference),
        context=_review_context(assessment, path=reverse("register:detail", args=[assessment.reference])),
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
