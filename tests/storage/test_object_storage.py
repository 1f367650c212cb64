"""Letters, decision letters and attachments in an S3 bucket (moto's server on 127.0.0.1):
written by the worker or the web through the storage API, read back through the views that
check who is asking, never from this machine's disk."""

import hashlib
import html
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from assessment.models import DecisionLetter
from credentials.models import Assessment, Attachment, Letter
from tests.assessment.workflow_helpers import Cast
from tests.factories import MicroCredentialFactory, OrganisationFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def files_under(directory):
    return [path for path in directory.rglob("*") if path.is_file()] if directory.exists() else []


def _letter_link(page):
    found = re.search(r'href="([^"]*/letter/\?version=1)"', page)
    assert found, "no download link on the register entry"
    return html.unescape(found.group(1))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_letter_the_worker_produces_is_in_the_bucket_and_the_web_serves_it_to_who_may_have_it(
    celery_worker, letters_dir, bucket, client, api, api_as
):
    cast = Cast()
    approved = cast.case("approved")  # sign-off commits, the letter task goes to the real worker
    assessment = Assessment.objects.get(microcredential=approved.microcredential)
    deadline = time.monotonic() + 60
    while not Letter.objects.filter(assessment=assessment).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    letter = Letter.objects.get(assessment=assessment)

    assert bucket.keys() == [letter.file.name]
    stored = bucket.read(letter.file.name)
    assert hashlib.sha256(stored).hexdigest() == letter.sha256
    assert files_under(letters_dir) == []

    # The provider follows the register entry's link, signed in to the pages.
    client.force_login(cast.provider)
    link = _letter_link(client.get("/register/%s/" % assessment.reference).content.decode())
    own = client.get(link)
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own["Content-Disposition"] == 'attachment; filename="%s-v1.pdf"' % assessment.reference
    assert b"".join(own.streaming_content) == stored

    downloaded = api_as(UserFactory(role="registrar")).get("/api/v1/assessments/%s/letter/" % assessment.reference)
    assert downloaded.status_code == 200
    body = b"".join(downloaded.streaming_content)
    assert body == stored

    verified = api.post("/api/v1/verify/letter/", {"file": SimpleUploadedFile("l.pdf", body, "application/pdf")},
                        format="multipart").json()
    assert (verified["authentic"], verified["reference"], verified["status"]) == (True, assessment.reference, "current")

    assert api.get("/api/v1/assessments/%s/letter/" % assessment.reference).status_code == 404
    assert api.get(link).status_code == 404


@pytest.mark.django_db
def test_an_attachment_uploaded_through_the_api_is_in_the_bucket_and_downloads_under_its_detected_name(
    bucket, api_as, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    provider = UserFactory(role="provider")
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(provider).post(
        "/api/v1/microcredentials/%d/attachments/" % microcredential.pk,
        {"file": SimpleUploadedFile("poly.html", PDF), "kind": "curriculum"}, format="multipart",
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert bucket.keys() == [attachment.file.name] and attachment.file.name.endswith(".pdf")
    assert bucket.read(attachment.file.name) == PDF
    assert files_under(settings.MEDIA_ROOT) == []

    path = "/api/v1/microcredentials/%d/attachments/%d/file/" % (microcredential.pk, attachment.pk)
    downloaded = api_as(provider).get(path)
    assert downloaded.status_code == 200
    assert downloaded["Content-Disposition"] == 'attachment; filename="poly.pdf"'
    assert downloaded["Content-Type"] == "application/pdf"
    assert b"".join(downloaded.streaming_content) == PDF
    client.force_login(provider)
    page = client.get("/microcredentials/%d/attachments/%d/" % (microcredential.pk, attachment.pk))
    assert page["Content-Disposition"] == 'attachment; filename="poly.pdf"'
    assert b"".join(page.streaming_content) == PDF

    stranger = UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))
    assert api_as(stranger).get(path).status_code == 404


@pytest.mark.django_db
def test_a_decision_letter_is_in_the_bucket_and_served_to_its_provider(bucket, letters_dir, api_as):
    cast = Cast()
    recommended = cast.case("recommended_decline")
    with TestCase.captureOnCommitCallbacks(execute=True):
        from assessment import services

        services.application_sign_off(actor=cast.approver, application=recommended, comment="Agreed.")
    letter = DecisionLetter.objects.get(application=recommended)
    assert bucket.keys() == [letter.file.name]
    assert files_under(letters_dir) == []
    response = api_as(cast.provider).get("/api/v1/applications/%d/decision-letter/" % recommended.pk)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == letter.sha256


@pytest.mark.django_db
def test_without_a_bucket_the_files_stay_under_media_root(api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    provider = UserFactory(role="provider")
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(provider).post(
        "/api/v1/microcredentials/%d/attachments/" % microcredential.pk,
        {"file": SimpleUploadedFile("outline.pdf", PDF), "kind": "curriculum"}, format="multipart",
    )
    assert response.status_code == 201
    assert (settings.MEDIA_ROOT / Attachment.objects.get().file.name).read_bytes() == PDF


@pytest.mark.django_db
def test_a_bucket_that_cannot_be_reached_answers_503_not_a_500(bucket, api_as, client, settings, monkeypatch):
    # The bucket's service down (nothing listens on the endpoint): an upload or a download is
    # refused with 503 and a sentence, on the API (JSON) and the pages, never a 500.
    import socket

    from config.object_storage import s3_storage

    provider = UserFactory(role="provider")
    microcredential = MicroCredentialFactory(created_by=provider)
    api = api_as(provider)
    uploaded = api.post("/api/v1/microcredentials/%d/attachments/" % microcredential.pk,
                        {"file": SimpleUploadedFile("c.pdf", PDF), "kind": "curriculum"}, format="multipart")
    assert uploaded.status_code == 201
    attachment = Attachment.objects.get()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = "http://127.0.0.1:%d" % probe.getsockname()[1]
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(bucket=bucket.name, endpoint_url=dead)}

    started = time.monotonic()
    path = "/api/v1/microcredentials/%d/attachments/%d/file/" % (microcredential.pk, attachment.pk)
    downloaded = api.get(path)
    assert downloaded.status_code == 503
    assert "file store" in downloaded.json()["detail"]
    again = api.post("/api/v1/microcredentials/%d/attachments/" % microcredential.pk,
                     {"file": SimpleUploadedFile("d.pdf", PDF), "kind": "curriculum"}, format="multipart")
    assert again.status_code == 503 and "file store" in again.json()["detail"]
    assert Attachment.objects.count() == 1
    client.force_login(provider)
    page = client.get("/microcredentials/%d/attachments/%d/" % (microcredential.pk, attachment.pk))
    assert page.status_code == 503 and "file store" in page.content.decode()
    # A refused connection fails fast; the client's timeouts bound a hanging one.
    assert time.monotonic() - started < 30
