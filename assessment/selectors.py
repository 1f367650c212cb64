"""Reads of cases, scoped to the person asking: a provider's own, or all for the agency."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.permissions import is_agency_staff, is_approver, is_provider
from credentials.models import Assessment, Attachment
from credentials.selectors import is_possible_id

from .models import (
    Application,
    ApplicationEvent,
    InformationRequest,
    InternalNote,
    OutboxMessage,
    Recommendation,
)
from .permissions import can_read_event_message


def _with_workflow(queryset):
    """Everything the case's JSON, its page and its clock read, in a fixed number of queries."""
    return queryset.select_related(
        "provider", "microcredential", "microcredential__provider", "assigned_to", "assessment",
        "reviewed_assessment", "decision_letter",
    ).prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("at", "id")),
        Prefetch("microcredential__attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
        Prefetch(
            "information_requests",
            queryset=InformationRequest.objects.select_related("requested_by", "responded_by").order_by("requested_at", "id"),
        ),
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.select_related(
                "level", "recommended_by", "returned_by", "signed_off_by"
            ).order_by("recommended_at", "id"),
        ),
    )


def applications_visible_to(user):
    queryset = _with_workflow(Application.objects.all())
    if is_agency_staff(user):
        return queryset.prefetch_related(
            Prefetch("internal_notes", queryset=InternalNote.objects.select_related("author").order_by("at", "id"))
        )
    if is_provider(user):
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def application_get(*, user, pk):
    if not is_possible_id(pk):
        raise Http404(_("No such application."))
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such application.")) from None


@dataclass(frozen=True)
class HistoryLine:
    event: ApplicationEvent
    message: str


def case_history_for(*, user, application) -> list[HistoryLine]:
    """The case's events (prefetched by the case's selector) with what `user` may read of
    what was said at each (permissions.can_read_event_message)."""
    return [
        HistoryLine(event, event.message_display() if can_read_event_message(user, event) else "")
        for event in application.events.all()
    ]


def internal_notes_for(*, user, application):
    if not is_agency_staff(user):
        return InternalNote.objects.none()
    return application.internal_notes.select_related("author").order_by("at", "id")


QUEUE_TABS = ("unassigned", "mine", "all")


def queue(*, user, tab="unassigned", state=None, kind=None, provider=None):
    """The assessors' queue: open cases, soonest due first (the index `application_queue_due`)."""
    if not is_agency_staff(user):
        return Application.objects.none()
    queryset = Application.objects.filter(state__in=Application.OPEN_STATES).select_related(
        "provider", "microcredential", "assigned_to"
    ).prefetch_related("information_requests")
    if tab == "unassigned":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif tab == "mine":
        queryset = queryset.filter(assigned_to=user)
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    if provider:
        queryset = queryset.filter(provider_id=provider)
    return queryset.order_by("sla_due_date", "id")


def cases_about(microcredential):
    """Every case about a micro-credential the page already showed its reader, latest first."""
    return list(Application.objects.filter(microcredential=microcredential).order_by("-created_at", "-id"))


def open_application_for(microcredential):
    return (
        Application.objects.filter(microcredential=microcredential)
        .exclude(state__in=Application.CLOSED_STATES)
        .first()
    )


def waiting_for_sign_off(*, user):
    """Recommendations this approver may sign off: not the ones they made (four eyes)."""
    if not is_approver(user):
        return Application.objects.none()
    own = Recommendation.objects.filter(
        application=OuterRef("pk"), recommended_by=user, returned_at__isnull=True
    )
    # The queue's own rows, so the start page and its "see them all" link agree.
    return queue(user=user, tab="all", state=Application.State.RECOMMENDED).exclude(Exists(own))


# Periodic review -------------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderSent:
    step: int
    sent_at: object  # the first delivery to anyone, or None while still queued
    people: int

    @property
    def label(self):
        if self.step > 0:
            return ngettext("%(days)d day before", "%(days)d days before", self.step) % {"days": self.step}
        if self.step == 0:
            return _("On the due date")
        return ngettext("%(days)d day after", "%(days)d days after", -self.step) % {"days": -self.step}


@dataclass(frozen=True)
class ReviewDue:
    assessment: Assessment
    due_date: object
    opens_on: object
    lapses_on: object
    days_left: int
    case: Application | None
    reminders: tuple
    # Whether the provider has anyone to remind (an active provider account): a provider
    # without one is never told, so the agency sees it here instead.
    reachable: bool = True

    @property
    def overdue(self):
        return self.days_left < 0

    @property
    def filed(self):
        return self.case is not None and self.case.submitted_at is not None

    @property
    def nobody_to_remind(self):
        """Not filed, and the provider has nobody the reminders could go to."""
        return not self.reachable and not self.filed


def _reminders_by_assessment(assessments):
    """The reminders of each entry's current review period, from the outbox rows: one query."""
    from .review import reminder_key, reminder_steps

    keys = {
        reminder_key(a.pk, a.review_cycle, step): (a.pk, step) for a in assessments for step in reminder_steps()
    }
    found = {}
    rows = (
        OutboxMessage.objects.filter(key__in=list(keys))
        .values("key").annotate(people=Count("id"), sent_at=Min("sent_at"))
    )
    for row in rows:
        assessment_id, step = keys[row["key"]]
        found.setdefault(assessment_id, []).append(ReminderSent(step, row["sent_at"], row["people"]))
    return {pk: tuple(sorted(items, key=lambda r: -r.step)) for pk, items in found.items()}


def reviews_due(*, user, as_of, days_ahead=None, provider_id=None):
    """`reviews_due_all` scoped to the person asking: agency staff see all providers (or
    `provider_id`'s); a provider sees its own; anyone else nothing."""
    if is_provider(user):
        provider_id = user.organisation_id
    elif not is_agency_staff(user):
        return []
    return reviews_due_all(as_of=as_of, days_ahead=days_ahead, provider_id=provider_id)


def reviews_due_all(*, as_of, days_ahead=None, provider_id=None):
    """Current entries whose review is due within `days_ahead` (default: the review window,
    REVIEW_OPENS_DAYS_BEFORE) or overdue and not yet lapsed, soonest first, each with its live
    review case of the current period and the reminders already sent. Three queries whatever
    the number of rows."""
    from .review import lapses_on, opens_on

    days_ahead = settings.REVIEW_OPENS_DAYS_BEFORE if days_ahead is None else days_ahead
    queryset = Assessment.objects.filter(
        status=Assessment.Status.CURRENT,
        review_due_date__lte=as_of + dt.timedelta(days=days_ahead),
    ).select_related("provider", "level").annotate(
        reachable=Exists(User.objects.provider_staff(OuterRef("provider_id"))),
    ).order_by("review_due_date", "pk")
    if provider_id is not None:
        queryset = queryset.filter(provider_id=provider_id)
    assessments = list(queryset)
    if not assessments:
        return []
    cases = {
        case.reviewed_assessment_id: case
        for case in Application.objects.filter(
            kind=Application.Kind.REVIEW, reviewed_assessment__in=assessments,
            review_cycle=F("reviewed_assessment__review_cycle"),
        ).exclude(state=Application.State.WITHDRAWN)
    }
    reminders = _reminders_by_assessment(assessments)
    return [
        ReviewDue(
            assessment=a, due_date=a.review_due_date, opens_on=opens_on(a.review_due_date),
            lapses_on=lapses_on(a.review_due_date), days_left=(a.review_due_date - as_of).days,
            case=cases.get(a.pk), reminders=reminders.get(a.pk, ()), reachable=a.reachable,
        )
        for a in assessments
    ]


def review_for_case(*, application, as_of):
    """The review period a review case belongs to, with the reminders sent for it."""
    from .review import lapses_on, opens_on

    assessment = application.reviewed_assessment
    if assessment is None:
        return None
    cycle = application.review_cycle
    reminders = ()
    if cycle == assessment.review_cycle:
        reminders = _reminders_by_assessment([assessment]).get(assessment.pk, ())
    due_date = assessment.review_due_date if cycle == assessment.review_cycle else None
    return ReviewDue(
        assessment=assessment, due_date=due_date,
        opens_on=opens_on(due_date) if due_date else None, lapses_on=lapses_on(due_date) if due_date else None,
        days_left=(due_date - as_of).days if due_date else 0, case=application, reminders=reminders,
    )


def decision_letters_due(*, decided_before):
    """Ids of the cases declined before `decided_before` that have no decision letter yet,
    oldest first. Every declined case that is not a review gets one (application_sign_off:
    a declined review revokes its entry instead), from its signed decline: a case without
    one could never be given a letter, so it is not due."""
    signed_decline = Recommendation.objects.filter(
        application=OuterRef("pk"), outcome=Recommendation.Outcome.DECLINE, signed_off_by__isnull=False
    )
    return list(
        Application.objects.filter(state=Application.State.DECLINED, decided_at__lt=decided_before,
                                   decision_letter__isnull=True)
        .filter(Exists(signed_decline))
        .exclude(kind=Application.Kind.REVIEW)
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)
    )
