"""Register entries for tests: issued through assessment_issue, letters produced inline."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase

from credentials.services import assessment_issue
from tests.factories import MicroCredentialFactory, UserFactory


def people():
    return {"assessor": UserFactory(role="assessor"), "approver": UserFactory(role="approver", name="Avery Approver")}


def issue(staff, *, letter=True, microcredential=None, **changes):
    """An assessment as sign-off makes it; with `letter`, its on-commit letter task runs."""
    values = dict(
        microcredential=microcredential or MicroCredentialFactory(),
        level_id="OQF-9",
        credits=Decimal("4"),
        transfer_category="upper_division",
        subject_area="Data visualisation",
        recommended_by=staff["assessor"],
        signed_off_by=staff["approver"],
        current_from=dt.date(2026, 3, 2),
    )
    values.update(changes)
    with TestCase.captureOnCommitCallbacks(execute=letter):
        return assessment_issue(**values)
