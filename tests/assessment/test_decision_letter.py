"""A declined case's signed decision letter: produced by a task on sign-off, stored with the
case once, served to its provider and the agency only, never part of the register."""

import hashlib
import subprocess
import tempfile

import pytest
from django.test import TestCase

from assessment import services
from assessment.models import DecisionLetter
from assessment.tasks import decision_letter_produce
from credentials.letters.verify import letter_signature_check
from tests.credentials.letter_samples import french_catalogue
from tests.factories import OrganisationFactory, UserFactory
from tests.pdf_text import pdf_text

from .workflow_helpers import Cast

pytestmark = pytest.mark.usefixtures("letters_dir")


@pytest.fixture
def cast(db):
    return Cast()


def decline(cast):
    recommended = cast.case("recommended_decline")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.application_sign_off(actor=cast.approver, application=recommended, comment="Agreed.")


@pytest.fixture
def declined(cast):
    return decline(cast)




def stored_bytes(letter):
    with letter.file.open("rb") as f:
        return f.read()


def test_signing_off_a_decline_stores_one_signed_letter_with_its_hash(declined):
    letter = DecisionLetter.objects.get(application=declined)
    data = stored_bytes(letter)
    assert data.startswith(b"%PDF-")
    assert letter.sha256 == hashlib.sha256(data).hexdigest() and letter.size == len(data)
    assert letter_signature_check(data).signature_valid


def test_the_stored_letter_is_bilingual_archival_and_gives_the_french_title(declined):
    french_catalogue()
    data = stored_bytes(DecisionLetter.objects.get(application=declined))
    english, french = pdf_text(data, 1), pdf_text(data, 2)
    microcredential = declined.microcredential
    assert "Declined: no level or credit value has been assigned." in english and microcredential.title in english
    assert "Refusée : aucun niveau" in french and "« %s »" % microcredential.title_fr in french
    assert declined.reference in english and declined.reference in french
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, check=True, text=True).stdout
        signature = subprocess.run(["pdfsig", "-nocert", file.name], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info and "Metadata Stream: yes" in info and "612 x 792 pts (letter)" in info
    assert "Signature is Valid." in signature and "Total document signed" in signature


def test_the_task_run_twice_keeps_the_first_letter(declined):
    first = DecisionLetter.objects.get(application=declined)
    decision_letter_produce.delay(declined.pk)
    services.decision_letter_produce(application_id=declined.pk)
    assert DecisionLetter.objects.filter(application=declined).count() == 1
    assert DecisionLetter.objects.get(application=declined).sha256 == first.sha256


def test_an_approval_or_an_open_case_gets_no_decision_letter(cast):
    assert services.decision_letter_produce(application_id=cast.case("in_review").pk) is None
    assert not DecisionLetter.objects.exists()


def test_the_provider_and_the_agency_download_it(declined, cast, api_as):
    letter = DecisionLetter.objects.get(application=declined)
    for user in (cast.provider, cast.assessor, cast.approver, UserFactory(role="admin")):
        response = api_as(user).get("/api/v1/applications/%d/decision-letter/" % declined.pk)
        assert response.status_code == 200, user.role
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == stored_bytes(letter)
        assert declined.reference in response["Content-Disposition"]


def test_nobody_else_gets_it(declined, api_as, api):
    path = "/api/v1/applications/%d/decision-letter/" % declined.pk
    other_provider = UserFactory(role="provider", organisation=OrganisationFactory(name="Another College"))
    assert api_as(other_provider).get(path).status_code == 404
    assert api_as(UserFactory(role="registrar")).get(path).status_code == 403
    assert api.get(path).status_code == 401


def test_pending_while_produced_and_404_when_not_declined(cast, api_as):
    pending = cast.case("declined")  # its on-commit task has not run
    response = api_as(cast.provider).get("/api/v1/applications/%d/decision-letter/" % pending.pk)
    assert response.status_code == 409
    assert response.json()["state"] == "pending"
    approved = cast.case("approved")
    assert api_as(cast.provider).get("/api/v1/applications/%d/decision-letter/" % approved.pk).status_code == 404


def test_the_case_page_links_the_letter_or_says_it_is_pending(cast, client):
    pending = cast.case("declined")
    client.force_login(cast.provider)
    assert "being produced" in client.get("/applications/%d/" % pending.pk).content.decode()
    declined = decline(cast)
    page = client.get("/applications/%d/" % declined.pk).content.decode()
    assert "/api/v1/applications/%d/decision-letter/" % declined.pk in page
    assert "Download the signed decision letter" in page


def test_the_letter_is_not_a_register_letter(declined, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = stored_bytes(DecisionLetter.objects.get(application=declined))
    response = api.post("/api/v1/verify/letter/", {"file": SimpleUploadedFile("d.pdf", data, "application/pdf")})
    body = response.json()
    assert body["signature_valid"] is True and body["authentic"] is False and body["reference"] is None
