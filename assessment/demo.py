"""Demo applications for seed_demo, one in every state, moved there through the services as
people would. Safe to run twice: a micro-credential that already has an application is left."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credentials.demo import COMPLETE
from credentials.models import MicroCredential
from credentials.services import microcredential_create

from . import services
from .models import Application

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


# Periodic review: register entries whose review is due in various stages, as of the day the
# demo is seeded. (title, days until the review is due, whether the provider filed it)
REVIEW_DEMO = [
    ("Bookkeeping Fundamentals for Non-profits", 60, False),
    ("Food Safety Supervisor Certificate", 5, False),
    ("Drone Pilot Ground School", -10, False),
    ("Solar PV Site Assessment", 40, True),
]


def seed_reviews(microcredentials):
    """Entries due for review, their review cases opened and their reminder of the day queued
    by the sweep's own per-entry decision (the demo's other entries are left as they are).
    Safe to run twice: a title that already has an entry is left alone."""
    import datetime as dt

    from dateutil.relativedelta import relativedelta

    from credentials.models import Assessment
    from credentials.services import assessment_issue

    from . import clock
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
