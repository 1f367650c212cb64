"""Revoking an assessment tells its provider, through the outbox, in the revocation's own
transaction; the register and verification show the revocation, its reason and date at once."""

import pytest
from django.core import mail
from django.test import TestCase

from assessment.models import OutboxMessage
from credentials import services
from credentials.models import Assessment
from tests.credentials.register_world import issue, people
from tests.factories import MicroCredentialFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("letters_dir")

REASON = "The provider misrepresented the notional hours."


@pytest.fixture
def revoked(db):
    staff = people()
    microcredential = MicroCredentialFactory(title="Data visualisation with Python")
    provider = microcredential.provider
    UserFactory(email="lead@provider.example", organisation=provider)
    UserFactory(email="gone@provider.example", organisation=provider, is_active=False)
    UserFactory(email="other@elsewhere.example", organisation=OrganisationFactory(name="Elsewhere College"))
    assessment = issue(staff, letter=False, microcredential=microcredential)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.assessment_revoke(actor=staff["approver"], assessment=assessment, reason=REASON)
    return Assessment.objects.get(pk=assessment.pk)


def test_revoking_emails_the_providers_active_accounts_once(revoked):
    messages = OutboxMessage.objects.filter(key="assessment:%d:revoked" % revoked.pk)
    recipients = {message.recipient for message in messages}
    assert "lead@provider.example" in recipients
    assert "gone@provider.example" not in recipients
    assert "other@elsewhere.example" not in recipients
    message = messages.get(recipient="lead@provider.example")
    assert message.subject == "Assessment revoked: Data visualisation with Python (%s)" % revoked.reference
    assert REASON in message.body_text and revoked.reference in message.body_text
    assert revoked.current_until.strftime("%Y") in message.body_text
    sent = [email.to for email in mail.outbox if email.subject == message.subject]
    assert sorted(sent) == sorted([address] for address in recipients)


def test_a_refused_revocation_writes_no_email(db):
    staff = people()
    assessment = issue(staff, letter=False)
    with pytest.raises(Exception):  # noqa: B017 - the reason is required
        services.assessment_revoke(actor=staff["approver"], assessment=assessment, reason=" ")
    assert not OutboxMessage.objects.filter(key__startswith="assessment:").exists()


def test_register_and_verification_show_revoked_with_reason_and_date_at_once(revoked, client, api):
    date = "%d %s %d" % (revoked.current_until.day, revoked.current_until.strftime("%B"), revoked.current_until.year)
    page = client.get("/verify/%s/" % revoked.verification_code).content.decode()
    assert "REVOKED" in page and REASON in page and "revoked this assessment on %s" % date in page
    client.force_login(UserFactory(role="registrar"))
    page = client.get("/register/%s/" % revoked.reference).content.decode()
    assert "Revoked on %s:</strong> %s" % (date, REASON) in page
    entry = api.get("/api/v1/verify/%s/" % revoked.verification_code).json()
    assert (entry["status"], entry["status_reason"]) == ("revoked", REASON)
    assert entry["current_until"] == revoked.current_until.isoformat()
    assert api.get("/api/v1/assessments/?q=visualisation").json()["count"] == 0
