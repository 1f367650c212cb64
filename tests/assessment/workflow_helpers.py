"""Cases in each state, made through the services as people would move them."""

from assessment import services
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory

APPROVE = {
    "outcome": "approve", "level": "OQF-9", "credits": "4", "transfer_category": "vocational_certificate",
    "subject_area": "Data analytics", "rationale": "Outcomes and effort match a level 9 certificate.",
}

DECLINE = {
    "outcome": "decline",
    "reasons": "Below the level claimed.\nThe assessment does not test the stated outcomes.",
}


class Cast:
    """The people of one case: its provider's staff, an assessor and two approvers."""

    def __init__(self, provider=None):
        self.provider = provider or UserFactory(role="provider")
        self.assessor = UserFactory(role="assessor")
        self.approver = UserFactory(role="approver")
        self.other_approver = UserFactory(role="approver")

    def case(self, state):
        application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=self.provider))
        if state == "draft":
            return application
        application = services.application_submit(actor=self.provider, application=application)
        if state == "submitted":
            return application
        if state == "withdrawn":
            return services.application_withdraw(actor=self.provider, application=application, reason="No longer offered")
        application = services.application_claim(actor=self.assessor, application=application)
        if state == "in_review":
            return application
        if state == "awaiting_provider":
            return services.application_request_info(
                actor=self.assessor, application=application, message="Send the assessment rubric."
            )
        data = APPROVE if state not in ("declined", "recommended_decline") else DECLINE
        application = services.application_recommend(actor=self.assessor, application=application, data=data)
        if state in ("recommended", "recommended_decline"):
            return application
        return services.application_sign_off(actor=self.approver, application=application, comment="Agreed.")
