"""Register entries for tests by named staff: AssessmentFactory (issued through assessment_issue),
letters produced inline."""

import json

from rest_framework.renderers import JSONRenderer

from tests.factories import AssessmentFactory, UserFactory


def people():
    return {"assessor": UserFactory(role="assessor"), "approver": UserFactory(role="approver", name="Avery Approver")}


def issue(staff, *, letter=True, **changes):
    """An assessment as sign-off makes it, by these staff; with `letter`, its letter is produced."""
    return AssessmentFactory(**{"recommended_by": staff["assessor"], "signed_off_by": staff["approver"], **changes},
                             letter=letter)


def json_round_trip(data):
    """What the API would answer for `data`: rendered to JSON and parsed back."""
    return json.loads(JSONRenderer().render(data))
