"""Demo applications for seed_demo, one in every state, moved there through the services as
people would. Safe to run twice: a micro-credential that already has an application is left."""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credentials.demo import COMPLETE
from credentials.models import Assessment, AssessmentTerms, MicroCredential
from credentials.services import microcredential_create

from . import clock, services
from .calendar import agency_calendar
from .models import Application, ApplicationEvent, InformationRequest, OutboxMessage, Recommendation

APPROVE = {
    "outcome": "approve", "level": "OQF-9", "credits": Decimal("4"), "transfer_category": "vocational_certificate",
    "subject_area": "Data analytics", "rationale": "Outcomes, effort and assessment match an OQF 9 certificate.",
}
DECLINE = {"outcome": "decline", "reasons": "The outcomes describe awareness, not a level of learning that can be credited."}

# (micro-credential title, the state its application reaches)
DEMO = [
    ("Applied Data Visualisation", "submitted"),
    ("Customer Service Excellence in Retail", "draft"),
    ("Cold-Climate Heat Pump Installation", "in_review"),
    ("Spreadsheet Modelling for Small Business", "awaiting_provider"),
    ("Workplace Mental Health First Response", "recommended"),
    ("Introduction to Python for Analysts", "approved"),
    ("Social Media Awareness", "declined"),
    ("Forklift Safety Refresher", "withdrawn"),
]

EXTRA = {
    "description": "A demonstration micro-credential for the agency's workflow.",
    "learning_outcomes": ["Apply the core techniques to a workplace problem", "Explain the choices made to a peer"],
    "proposed_level": "OQF-9", "field_of_study": "0613", "delivery_mode": "online_async",
}


def _agency(email):
    return User.objects.filter(email=email).first()


def _microcredential(title, provider_user, microcredentials):
    if title in microcredentials:
        return microcredentials[title]
    existing = MicroCredential.objects.filter(provider=provider_user.organisation, title=title).first()
    return existing or microcredential_create(actor=provider_user, data={**COMPLETE, **EXTRA, "title": title})


@transaction.atomic
def _move(application, state, *, provider, assessor, approver):
    if state == "draft":
        return
    application = services.application_submit(actor=provider, application=application)
    if state == "withdrawn":
        services.application_withdraw(actor=provider, application=application, reason="The course is being redesigned.")
        return
    if state == "submitted":
        return
    application = services.application_claim(actor=assessor, application=application)
    if state == "in_review":
        return
    if state == "awaiting_provider":
        services.application_request_info(
            actor=assessor, application=application,
            message="Please attach the project rubric and say how the quizzes are proctored.",
        )
        return
    application = services.application_recommend(
        actor=assessor, application=application, data=DECLINE if state == "declined" else APPROVE
    )
    if state == "recommended":
        return
    services.application_sign_off(actor=approver, application=application, comment="Agreed with the assessor.")


def seed_applications(microcredentials):
    provider = microcredentials["Applied Data Visualisation"].created_by
    assessor = _agency("assessor@agency.example") or User.objects.filter(role=User.Role.ASSESSOR).first()
    approver = _agency("approver@agency.example") or User.objects.filter(role=User.Role.APPROVER).first()
    for title, state in DEMO:
        microcredential = _microcredential(title, provider, microcredentials)
        if Application.objects.filter(microcredential=microcredential).exists():
            continue
        actor = microcredential.created_by
        application = services.application_create(actor=actor, microcredential=microcredential)
        _move(application, state, provider=actor, assessor=assessor, approver=approver)
    assessors = [user for user in (assessor, _agency("assessor2@agency.example")) if user is not None]
    approvers = [user for user in (approver, _agency("approver2@agency.example")) if user is not None]
    seed_history(provider=provider, assessors=assessors, approvers=approvers)


# Decided cases spread over the past eleven months, so the dashboard has a year to show:
# (calendar days before today the case was submitted, business days it took to the decision
# with pauses left out, whether it paused for information, outcome). More than ten business
# days is a missed promise.
HISTORY = [
    (330, 6, False, "approve"), (318, 9, True, "approve"), (301, 12, False, "decline"),
    (283, 8, False, "approve"), (266, 10, True, "approve"), (249, 7, False, "decline"),
    (231, 14, False, "approve"), (214, 9, False, "approve"), (197, 5, True, "decline"),
    (179, 11, False, "approve"), (162, 8, False, "approve"), (146, 10, False, "decline"),
    (128, 13, True, "approve"), (112, 6, False, "approve"), (95, 9, False, "decline"),
    (79, 7, True, "approve"), (63, 12, False, "approve"), (48, 8, False, "decline"),
    (36, 4, False, "approve"), (24, 9, True, "approve"),
]
HISTORY_TOPICS = [
    "Project Scheduling Fundamentals", "Food Safety Supervision", "Introductory Bookkeeping for Co-ops",
    "Accessible Web Content", "Greenhouse Climate Control", "Conflict De-escalation for Front-line Staff",
    "Electric Vehicle Charger Installation", "Payroll Compliance in Ontario", "Drone Imagery for Agriculture",
    "Early Childhood Outdoor Play", "Cybersecurity Awareness for Clerks", "Basic French for Healthcare Settings",
    "Lean Manufacturing Essentials", "Grant Writing for Non-profits", "Warehouse Inventory Analytics",
    "Trauma-informed Practice", "Residential Energy Auditing", "Medical Terminology", "Small Engine Repair",
    "Business Writing in Plain Language",
]
# Open cases dated back so some are at risk or overdue: (business days since submission,
# assessor index or None for unassigned).
OPEN_BACKDATED = [
    ("Retail Loss Prevention", 9, 0), ("Community Health Navigation", 13, 1),
    ("Pharmacy Technician Refresher", 8, None), ("Wind Turbine Safety", 3, 1),
]


def _business_days_before(day, n, calendar):
    while n > 0:
        day -= dt.timedelta(days=1)
        n -= calendar.is_business_day(day)
    return day


def _moment(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.AGENCY_TIME_ZONE)


def _backdate(application, *, submitted, pause=None, decided=None, today):
    """Move a case made today back to the dates it would have had: every timestamp of its
    history, its pause and its decision, then its stored clock. The emails its steps queued
    describe the past, so they are dropped before they are sent (the send task finds no row)."""
    when = {
        "create": _moment(submitted, 9), "submit": _moment(submitted, 9, 30), "claim": _moment(submitted, 10),
        "assign": _moment(submitted, 10),
    }
    if pause:
        when["request-info"], when["respond"] = _moment(pause[0], 11), _moment(pause[1], 14)
    if decided:
        when["recommend"], when["sign-off"] = _moment(decided, 11), _moment(decided, 15)
    for event in application.events.all():
        ApplicationEvent.objects.filter(pk=event.pk).update(at=when.get(event.action, event.at))
    if pause:
        InformationRequest.objects.filter(application=application).update(
            requested_at=when["request-info"], requested_on=pause[0],
            responded_at=when["respond"], responded_on=pause[1],
        )
    if decided:
        Recommendation.objects.filter(application=application).update(
            recommended_at=when["recommend"], signed_off_at=when["sign-off"])
        if application.assessment_id:
            months = application.assessment.review_period_months
            Assessment.objects.filter(pk=application.assessment_id).update(
                issued_at=when["sign-off"], current_from=decided,
                review_due_date=decided + relativedelta(months=months),
            )
            # Its only terms period opened with it.
            AssessmentTerms.objects.filter(assessment_id=application.assessment_id).update(starts_on=decided)
    application.created_at = when["create"]
    application.submitted_at = when["submit"]
    application.decided_at = when.get("sign-off")
    application.reference = "APP-%d-%05d" % (submitted.year, application.pk)
    state = application.clock_on(today=today, calendar=agency_calendar())
    application.sla_due_date, application.sla_status = state.due_date, state.status
    Application.objects.filter(pk=application.pk).update(
        created_at=application.created_at, submitted_at=application.submitted_at,
        decided_at=application.decided_at, reference=application.reference,
        sla_due_date=state.due_date, sla_status=state.status,
    )
    OutboxMessage.objects.filter(key__startswith="application:%d:" % application.pk).delete()


@transaction.atomic
def _history_case(title, *, provider, assessor, approver, submitted, took, paused, outcome, today, calendar):
    microcredential = _microcredential(title, provider, {})
    if Application.objects.filter(microcredential=microcredential).exists():
        return
    application = services.application_create(actor=provider, microcredential=microcredential)
    application = services.application_submit(actor=provider, application=application)
    application = services.application_claim(actor=assessor, application=application)
    pause = None
    if paused:
        requested = clock.nth_business_day_after(submitted, 2, calendar)
        pause = (requested, clock.nth_business_day_after(requested, 3, calendar))
        application = services.application_request_info(
            actor=assessor, application=application, message="Please send the assessment rubric.")
        application = services.application_respond(
            actor=provider, application=application, message="The rubric is attached.")
    decided = clock.nth_business_day_after(submitted, took + (3 if paused else 0), calendar)
    application = services.application_recommend(
        actor=assessor, application=application, data=DECLINE if outcome == "decline" else APPROVE)
    application = services.application_sign_off(actor=approver, application=application, comment="Agreed.")
    _backdate(Application.objects.get(pk=application.pk), submitted=submitted, pause=pause, decided=decided,
              today=today)


@transaction.atomic
def _open_case(title, *, provider, assessor, submitted, today):
    microcredential = _microcredential(title, provider, {})
    if Application.objects.filter(microcredential=microcredential).exists():
        return
    application = services.application_create(actor=provider, microcredential=microcredential)
    application = services.application_submit(actor=provider, application=application)
    if assessor is not None:
        application = services.application_claim(actor=assessor, application=application)
    _backdate(Application.objects.get(pk=application.pk), submitted=submitted, today=today)


def seed_history(*, provider, assessors, approvers):
    """A year of decided cases, some met and some missed, and open cases at every clock
    status, for the dashboard. Safe to run twice (a title that has a case is left)."""
    today = clock.agency_date(timezone.now())
    calendar = agency_calendar()
    for index, ((days_back, took, paused, outcome), title) in enumerate(zip(HISTORY, HISTORY_TOPICS, strict=True)):
        submitted = today - dt.timedelta(days=days_back)
        while not calendar.is_business_day(submitted):
            submitted -= dt.timedelta(days=1)
        _history_case(
            title, provider=provider, assessor=assessors[index % len(assessors)],
            approver=approvers[index % len(approvers)], submitted=submitted, took=took, paused=paused,
            outcome=outcome, today=today, calendar=calendar,
        )
    for title, business_days, assessor in OPEN_BACKDATED:
        _open_case(
            title, provider=provider, assessor=None if assessor is None else assessors[assessor],
            submitted=_business_days_before(today, business_days, calendar), today=today,
        )


# Periodic review: register entries whose review is due in various stages, as of the day the
# demo is seeded. (title, days until the review is due, whether the provider filed it)
REVIEW_DEMO = [
    ("Bookkeeping Fundamentals for Non-profits", 60, False),
    ("Food Safety Supervisor Certificate", 5, False),
    ("Drone Pilot Ground School", -10, False),
    # Past the 30 days' grace: the day's sweep lapses it, as the register shows lapsed entries.
    ("Forklift Operator Refresher", -40, False),
    ("Solar PV Site Assessment", 40, True),
]


def seed_reviews(microcredentials):
    """Entries due for review, their review cases opened and their reminder of the day queued
    by the sweep's own per-entry decision (the demo's other entries are left as they are).
    Safe to run twice: a title that already has an entry is left alone."""
    from credentials.services import assessment_issue

    from .review import review_decide

    provider = microcredentials["Applied Data Visualisation"].created_by
    assessor = _agency("assessor@agency.example") or User.objects.filter(role=User.Role.ASSESSOR).first()
    approver = _agency("approver@agency.example") or User.objects.filter(role=User.Role.APPROVER).first()
    today = clock.agency_date(timezone.now())
    for title, days_left, filed in REVIEW_DEMO:
        microcredential = _microcredential(title, provider, microcredentials)
        if Assessment.objects.filter(microcredential=microcredential).exists():
            continue
        due = today + dt.timedelta(days=days_left)
        # Issued a year before its due date, as sign-off would have done then.
        assessment = assessment_issue(
            microcredential=microcredential, level_id="OQF-8", credits=Decimal("3"),
            transfer_category="vocational_certificate", subject_area="Workplace skills",
            recommended_by=assessor, signed_off_by=approver, current_from=due - relativedelta(months=12),
        )
        review_decide(assessment_id=assessment.pk, as_of=today)
        if filed:
            case = Application.objects.get(reviewed_assessment=assessment, state="draft")
            services.application_submit(actor=provider, application=case, declaration="continue",
                                         summary="Taught and assessed as the agency assessed it; enrolment steady.")
