"""Cases moved through the services on chosen agency dates (time_machine), for the clock's
sweep, history and dashboard tests."""

import datetime as dt

import time_machine

from assessment import services
from assessment.clock import AGENCY_TIME_ZONE
from tests.factories import ApplicationFactory, MicroCredentialFactory

from .workflow_helpers import APPROVE

# A clock over Family Day: submitted Monday 8 February 2027 (Family Day is Monday 15 February),
# due Tuesday 23 February.
SUBMITTED = dt.date(2027, 2, 8)
DUE = dt.date(2027, 2, 23)
AT_RISK_DAY = dt.date(2027, 2, 19)  # Friday: 2 business days left
BREACHED_DAY = dt.date(2027, 2, 24)


def on(day, hour=10):
    """A moment on an agency date (mid-morning in Toronto)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=AGENCY_TIME_ZONE), tick=False)


def dated_case(cast, *, submitted, claimed=True, pauses=(), recommended=None, decided=None, outcome="approve"):
    """A case of `cast` submitted on `submitted`; claimed by its assessor the same day unless
    `claimed` is False; paused over each (requested, responded or None) of `pauses`; recommended
    and signed off on `decided` when given."""
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=cast.provider))
    with on(submitted, 9):
        application = services.application_submit(actor=cast.provider, application=application)
        if claimed:
            application = services.application_claim(actor=cast.assessor, application=application)
    for requested, responded in pauses:
        with on(requested, 11):
            application = services.application_request_info(
                actor=cast.assessor, application=application, message="Send the rubric.")
        if responded is not None:
            with on(responded, 12):
                application = services.application_respond(
                    actor=cast.provider, application=application, message="Attached.")
    if recommended or decided:
        data = APPROVE if outcome == "approve" else {"outcome": "decline", "reasons": "Below the level."}
        with on(recommended or decided, 13):
            application = services.application_recommend(actor=cast.assessor, application=application, data=data)
    if decided:
        with on(decided, 15):
            application = services.application_sign_off(actor=cast.approver, application=application, comment="Agreed.")
    return application
