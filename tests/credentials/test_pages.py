import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credentials.catalogue import template_csv
from credentials.models import Attachment, MicroCredential
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Applied Data Visualisation",
    "description": "Charts for decision makers.",
    "learning_outcomes": "Choose a chart that fits the question\n\nCritique a dashboard",
    "learner_effort_hours": "40",
    "proposed_level": "OQF-9",
    "proposed_credits": "4",
    "field_of_study": "0613",
    "assessment_types": ["project", "quiz"],
    "assessment_description": "Project 70%, quiz 30%.",
    "delivery_mode": "online_async",
    "languages": "en, FR",
    "prerequisites": "none",
    "quality_assurance": "Program committee.",
    "evidence_of_need": "Employers asked.",
}


@pytest.fixture
def signed_in(client, provider):
    client.force_login(provider)
    return client


def test_the_form_saves_a_draft_parsing_lines_and_codes(signed_in, provider):
    response = signed_in.post("/microcredentials/new/", FORM)
    microcredential = MicroCredential.objects.get()
    assert response.status_code == 302 and response.url == "/microcredentials/%d/" % microcredential.pk
    assert microcredential.learning_outcomes == ["Choose a chart that fits the question", "Critique a dashboard"]
    assert microcredential.languages == ["en", "fr"]
    assert microcredential.provider == provider.organisation


def test_an_empty_form_still_saves_a_draft(signed_in):
    assert signed_in.post("/microcredentials/new/", {}).status_code == 302
    assert MicroCredential.objects.get().title == ""


def test_model_rules_come_back_as_field_errors_on_the_page(signed_in):
    response = signed_in.post("/microcredentials/new/", {**FORM, "proposed_credits": "3.3", "languages": "xx"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Propose credits in steps of 0.5" in page
    assert "is not a two-letter ISO 639-1 language code" in page
    assert not MicroCredential.objects.exists()


def test_the_live_meter_endpoint_scores_what_is_typed_without_saving(signed_in):
    response = signed_in.post("/microcredentials/completeness/", {"title": "Master Class in Welding"})
    body = response.json()
    assert body["score"] == 5
    assert body["missing_required"][0] == {"name": "description", "label": "Description"}
    assert body["problems"][0]["field"] == "title"
    full = signed_in.post("/microcredentials/completeness/", FORM).json()
    assert full["missing_required"] == [] and full["score"] == 80
    assert not MicroCredential.objects.exists()


def test_an_invalid_value_does_not_count_towards_the_meter(signed_in):
    body = signed_in.post("/microcredentials/completeness/", {**FORM, "proposed_credits": "lots"}).json()
    assert [item["name"] for item in body["missing_required"]] == ["proposed_credits"]


def test_the_form_page_shows_the_meter_and_the_missing_list(signed_in, provider):
    microcredential = MicroCredentialFactory(created_by=provider, evidence_of_need="")
    page = signed_in.get("/microcredentials/%d/edit/" % microcredential.pk).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="79"' in page
    assert '<a href="#group-evidence_of_need">Evidence of need</a>' in page
    assert "js/completeness.js" in page


def test_editing_a_locked_micro_credential_sends_the_provider_back(signed_in, provider):
    microcredential = MicroCredentialFactory(created_by=provider, locked_reason="application APP-2026-00001 is with the agency")
    response = signed_in.post("/microcredentials/%d/edit/" % microcredential.pk, FORM)
    assert response.status_code == 302
    microcredential.refresh_from_db()
    assert microcredential.title != FORM["title"]


def test_another_provider_gets_404_on_every_page(client, provider, other_provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    microcredential = MicroCredentialFactory(created_by=provider)
    application = ApplicationFactory(microcredential=microcredential)
    attachment = Attachment(microcredential=microcredential, kind="other", original_name="a.pdf",
                            content_type="application/pdf", size=5, sha256="0" * 64, uploaded_by=provider)
    attachment.file.save("a.pdf", io.BytesIO(b"%PDF-"), save=True)
    client.force_login(other_provider)
    pk = microcredential.pk
    assert client.get("/microcredentials/%d/" % pk).status_code == 404
    assert client.get("/microcredentials/%d/edit/" % pk).status_code == 404
    assert client.post("/microcredentials/%d/edit/" % pk, FORM).status_code == 404
    assert client.post("/microcredentials/%d/attachments/" % pk, {}).status_code == 404
    assert client.get("/microcredentials/%d/attachments/%d/" % (pk, attachment.pk)).status_code == 404
    assert client.get("/applications/%d/" % application.pk).status_code == 404
    assert client.post("/applications/%d/submit/" % application.pk).status_code == 404
    assert client.post("/applications/new/", {"microcredential": pk}).status_code == 404
    assert "Applied Data Visualisation" not in client.get("/microcredentials/").content.decode()
    assert "Applied Data Visualisation" not in client.get("/").content.decode()
    assert MicroCredential.objects.get(pk=pk).title.startswith("Applied Data Visualisation")


def test_agency_staff_read_pages_without_edit_controls(client, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    client.force_login(UserFactory(role="assessor"))
    page = client.get("/microcredentials/%d/" % microcredential.pk).content.decode()
    assert microcredential.title in page
    assert "Edit the description" not in page and "Start an application" not in page
    assert client.get("/microcredentials/%d/edit/" % microcredential.pk).status_code == 403


def test_the_start_page_lists_the_providers_micro_credentials_with_completeness(signed_in, provider):
    MicroCredentialFactory(created_by=provider, title="Cold-Climate Heat Pumps", description="")
    page = signed_in.get("/").content.decode()
    assert "Cold-Climate Heat Pumps" in page
    assert "1 required element missing" in page


def test_from_draft_to_submitted_through_the_pages(signed_in, provider):
    microcredential = MicroCredentialFactory(created_by=provider, quality_assurance="")
    response = signed_in.post("/applications/new/", {"microcredential": microcredential.pk})
    application_url = response.url
    page = signed_in.get(application_url).content.decode()
    assert "Quality assurance" in page and "Submit for assessment" in page
    signed_in.post(application_url + "submit/")
    assert "Complete these before submitting: Quality assurance." in signed_in.get(application_url).content.decode()
    signed_in.post("/microcredentials/%d/edit/" % microcredential.pk,
                   {**FORM, "quality_assurance": "Program committee."})
    signed_in.post(application_url + "submit/")
    page = signed_in.get(application_url).content.decode()
    assert "Submitted. Your reference is APP-" in page
    assert "Submit for assessment" not in page


def test_the_import_page_shows_the_per_row_report_and_stores_nothing(signed_in):
    bad = template_csv() + template_csv().splitlines()[1].replace("OQF-5", "OQF-55") + "\r\n"
    response = signed_in.post("/microcredentials/import/", {"file": SimpleUploadedFile("c.csv", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page
    assert "<td>3</td><td><code>proposed_level</code></td>" in page
    assert not MicroCredential.objects.exists()


def test_the_import_page_lists_the_drafts_on_success(signed_in):
    content = json.dumps([{"title": "Welding Basics"}, {"title": "Forklift Safety"}]).encode()
    response = signed_in.post("/microcredentials/import/", {"file": SimpleUploadedFile("c.json", content)})
    page = response.content.decode()
    assert "2 micro-credentials imported as drafts" in page
    assert "Forklift Safety" in page
    assert MicroCredential.objects.count() == 2


def test_the_template_download_is_a_csv(signed_in):
    response = signed_in.get("/microcredentials/import/template.csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode().startswith("title,description,learning_outcomes,")


def test_uploading_a_renamed_file_on_the_page_explains_why(signed_in, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    microcredential = MicroCredentialFactory(created_by=provider)
    response = signed_in.post(
        "/microcredentials/%d/attachments/" % microcredential.pk,
        {"kind": "curriculum", "file": SimpleUploadedFile("outline.pdf", b"GIF89a not a pdf")},
    )
    assert response.status_code == 400
    assert "We check the content, not the name" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 40])
def test_the_list_page_costs_the_same_queries_whatever_the_number_of_rows(client, provider, django_assert_num_queries, rows):
    MicroCredentialFactory.create_batch(rows, created_by=provider)
    client.force_login(provider)
    # session, user, count, page, attachments prefetch, the header's organisation
    with django_assert_num_queries(6):
        response = client.get("/microcredentials/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 40])
def test_the_application_list_page_costs_the_same_queries_whatever_the_number_of_rows(
    client, provider, django_assert_num_queries, rows
):
    for _ in range(rows):
        ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    client.force_login(provider)
    # session, user, count, page, the header's organisation, the reviews due (none here; with
    # some, two more: their cases and their reminders, tests/assessment/test_review_pages.py)
    with django_assert_num_queries(6):
        response = client.get("/applications/")
    assert response.status_code == 200
