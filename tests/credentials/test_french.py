"""French reference names and the French version of a micro-credential: the API in the
request's language, the form, the catalogue import, the register, and the title rule in French."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import translation

from credentials.api.serializers import CONTRACT_FIELDS
from credentials.catalogue import TEMPLATE_EXAMPLE
from credentials.languages import localized
from credentials.models import FieldOfStudy, Framework, Level, MicroCredential
from tests.factories import ApplicationFactory, MicroCredentialFactory

from .register_world import issue, people

pytestmark = pytest.mark.django_db

FORBIDDEN = "must not call the micro-credential a degree"


def get_fr(client, path, **params):
    """The French page of `path` (under /fr/), or the API in French (Accept-Language)."""
    return client.get(path if path.startswith("/api/") else "/fr" + path, params, HTTP_ACCEPT_LANGUAGE="fr")


# Reference data -------------------------------------------------------------------------------

def test_frameworks_answer_their_names_in_french_when_asked(client):
    english = {f["code"]: f for f in client.get("/api/v1/frameworks/").json()}
    response = client.get("/api/v1/frameworks/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert response.status_code == 200
    assert "Accept-Language" in response["Vary"]
    frameworks = {f["code"]: f for f in response.json()}
    assert english["OQF"]["name"] == "Ontario Qualifications Framework"
    assert frameworks["OQF"]["name"] == "Cadre de classification des titres de compétence de l’Ontario"
    assert frameworks["EQF"]["name"] == "Cadre européen des certifications (CEC)"
    assert frameworks["NZQF"]["name"].startswith("New Zealand Qualifications and Credentials Framework (cadre")
    levels = {level["id"]: level for level in frameworks["OQF"]["levels"]}
    assert levels["OQF-10"]["name"] == "Baccalauréat" and levels["OQF-12"]["name"] == "Maîtrise"
    assert levels["OQF-1"]["description"].startswith("Habiletés, connaissances et attitudes")
    assert {level["id"] for level in frameworks["EQF"]["levels"]} == {"EQF-%d" % n for n in range(1, 9)}
    assert {f["code"]: f["name"] for f in response.json()} != {f: e["name"] for f, e in english.items()}


def test_fields_of_study_answer_cite_f_names_in_french(client):
    assert {"code": "0413", "name": "Management and administration"} in client.get("/api/v1/fields-of-study/").json()
    fields = {f["code"]: f["name"] for f in client.get("/api/v1/fields-of-study/", HTTP_ACCEPT_LANGUAGE="fr").json()}
    assert fields["0413"] == "Gestion et administration"
    assert fields["0613"] == "Conception et analyse de logiciels et d’applications"


def test_every_reference_row_has_its_french_name():
    assert not Framework.objects.filter(name_fr="").exists()
    assert not Level.objects.filter(name_fr="").exists()
    assert not Level.objects.filter(description_fr="").exists()
    assert not FieldOfStudy.objects.filter(name_fr="").exists()
    # A translation, not a copy: the French differs from the English for nearly every field.
    assert FieldOfStudy.objects.filter(name_fr__iexact=F("name")).count() <= 3


def test_a_missing_french_name_falls_back_to_english_and_an_unknown_language_is_english(client):
    Level.objects.filter(pk="OQF-10").update(name_fr="")
    frameworks = {f["code"]: f for f in client.get("/api/v1/frameworks/", HTTP_ACCEPT_LANGUAGE="fr").json()}
    levels = {level["id"]: level for level in frameworks["OQF"]["levels"]}
    assert levels["OQF-10"]["name"] == "Baccalaureate/Bachelor's Degree"
    response = client.get("/api/v1/frameworks/", HTTP_ACCEPT_LANGUAGE="xx-YY")
    assert response.status_code == 200
    assert {f["code"]: f["name"] for f in response.json()}["OQF"] == "Ontario Qualifications Framework"


def test_localized_reads_a_snapshot_as_well_as_a_model():
    snapshot = {"title": "Robot Safety", "title_fr": "Sécurité des robots", "learning_outcomes_fr": []}
    with translation.override("fr"):
        assert localized(snapshot, "title") == "Sécurité des robots"
        assert localized({"learning_outcomes": ["Lock out"], "learning_outcomes_fr": [" "]},
                         "learning_outcomes") == ["Lock out"]
    assert localized(snapshot, "title") == "Robot Safety"
    assert localized(snapshot, "title", language="fr") == "Sécurité des robots"


# The form ------------------------------------------------------------------------------------

FORM = {
    "title": "Applied Data Visualisation",
    "title_fr": "  Visualisation   appliquée des données ",
    "description": "Charts for decision makers.",
    "description_fr": "Des graphiques pour les décideurs.",
    "learning_outcomes": "Choose a chart that fits the question\nCritique a dashboard",
    "learning_outcomes_fr": "Choisir le graphique qui répond à la question\n\nCritiquer un tableau de bord",
    "learner_effort_hours": "40",
    "proposed_level": "OQF-9",
    "proposed_credits": "4",
    "field_of_study": "0613",
    "assessment_types": ["project", "quiz"],
    "assessment_description": "Project 70%, quiz 30%.",
    "delivery_mode": "online_async",
    "languages": "en, fr",
    "prerequisites": "none",
    "quality_assurance": "Program committee.",
    "evidence_of_need": "Employers asked.",
}


@pytest.fixture
def signed_in(client, provider):
    client.force_login(provider)
    return client


def test_the_form_round_trips_the_french_version(signed_in):
    response = signed_in.post("/microcredentials/new/", FORM)
    microcredential = MicroCredential.objects.get()
    assert response.status_code == 302
    assert microcredential.title_fr == "Visualisation appliquée des données"
    assert microcredential.description_fr == "Des graphiques pour les décideurs."
    assert microcredential.learning_outcomes_fr == [
        "Choisir le graphique qui répond à la question", "Critiquer un tableau de bord"]
    page = signed_in.get("/microcredentials/%d/edit/" % microcredential.pk).content.decode()
    assert 'name="title_fr"' in page and 'value="Visualisation appliquée des données"' in page
    assert 'lang="fr"' in page
    assert "Choisir le graphique qui répond à la question\nCritiquer un tableau de bord</textarea>" in page


def test_french_outcomes_are_held_to_the_same_rules_as_the_english(signed_in):
    response = signed_in.post("/microcredentials/new/", {**FORM, "learning_outcomes_fr": "x" * 1001})
    assert response.status_code == 200
    assert "Keep each learning outcome under 1,000 characters." in response.content.decode()
    assert not MicroCredential.objects.exists()


def test_a_french_title_calling_itself_a_diplome_is_flagged_by_the_meter(signed_in):
    body = signed_in.post("/microcredentials/completeness/", {**FORM, "title_fr": "Diplôme en visualisation"}).json()
    assert body["problems"] == [{"field": "title_fr", "label": "Title in French", "message": body["problems"][0]["message"]}]
    assert FORBIDDEN in body["problems"][0]["message"] and "diplôme" in body["problems"][0]["message"].lower()


def test_a_french_title_that_breaks_the_rule_stops_submission_through_the_pages(signed_in, provider):
    microcredential = MicroCredentialFactory(created_by=provider, title_fr="Maîtrise en visualisation")
    page = signed_in.get("/microcredentials/%d/edit/" % microcredential.pk).content.decode()
    assert "Title in French:" in page and FORBIDDEN in page
    application = ApplicationFactory(microcredential=microcredential)
    signed_in.post("/applications/%d/submit/" % application.pk)
    application.refresh_from_db()
    assert application.state == "draft"


def test_the_api_refuses_to_submit_a_french_title_that_breaks_the_rule(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider, title_fr="Baccalauréat éclair en données")
    application = ApplicationFactory(microcredential=microcredential)
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    assert response.status_code == 400
    assert FORBIDDEN in response.json()["title_fr"][0]
    application.refresh_from_db()
    assert application.state == "draft"


def test_the_api_takes_and_validates_the_french_version(api_as, provider):
    client = api_as(provider)
    created = client.post("/api/v1/microcredentials/", {
        "title": "Robot Safety", "title_fr": "Sécurité des robots", "description_fr": "En atelier.",
        "learning_outcomes_fr": ["Relever les dangers"],
    }, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["title_fr"] == "Sécurité des robots"
    assert "title_fr" not in created.json()["completeness"]["missing_recommended"]
    bad = client.post("/api/v1/microcredentials/", {"learning_outcomes_fr": ["ok", "  "]}, format="json")
    assert bad.status_code == 400
    assert "learning_outcomes_fr" in bad.json()


# The catalogue import -------------------------------------------------------------------------

def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CONTRACT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _import(client, content, name="catalogue.csv"):
    return client.post("/api/v1/microcredentials/import/", {"file": SimpleUploadedFile(name, content)},
                       format="multipart")


def test_the_template_has_the_french_columns_and_imports_them(api_as, provider):
    client = api_as(provider)
    header = client.get("/api/v1/microcredentials/import/template.csv").content.decode().splitlines()[0].split(",")
    assert {"title_fr", "description_fr", "learning_outcomes_fr"} <= set(header)
    response = _import(client, _csv([TEMPLATE_EXAMPLE]))
    assert response.status_code == 201, response.json()
    microcredential = MicroCredential.objects.get()
    assert microcredential.title_fr == "Introduction à la sécurité des robots industriels"
    assert microcredential.learning_outcomes_fr == [
        "Relever les dangers des robots dans une cellule de travail",
        "Appliquer les procédures de cadenassage à une cellule robotisée"]


def test_a_json_catalogue_takes_the_french_fields(api_as, provider):
    item = {"title": "Robot Safety", "title_fr": "Sécurité des robots", "learning_outcomes_fr": ["Cadenasser"]}
    response = _import(api_as(provider), json.dumps([item]).encode(), name="c.json")
    assert response.status_code == 201, response.json()
    assert MicroCredential.objects.get().learning_outcomes_fr == ["Cadenasser"]


def test_a_bad_french_cell_refuses_the_whole_file_naming_row_and_field(api_as, provider):
    rows = [TEMPLATE_EXAMPLE, {**TEMPLATE_EXAMPLE, "learning_outcomes_fr": "Cadenasser|" + "x" * 1001}]
    response = _import(api_as(provider), _csv(rows))
    assert response.status_code == 400
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} == {(3, "learning_outcomes_fr")}
    assert not MicroCredential.objects.exists()


def test_an_imported_french_title_that_breaks_the_rule_is_flagged_and_cannot_be_submitted(api_as, provider):
    client = api_as(provider)
    response = _import(client, _csv([{**TEMPLATE_EXAMPLE, "title_fr": "Doctorat express en robotique"}]))
    assert response.status_code == 201
    problems = response.json()["microcredentials"][0]["completeness"]["problems"]
    assert [p["field"] for p in problems] == ["title_fr"]
    application = ApplicationFactory(microcredential=MicroCredential.objects.get())
    submitted = client.post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    assert submitted.status_code == 400 and "title_fr" in submitted.json()


# The register ---------------------------------------------------------------------------------

@pytest.fixture
def staff(db):
    return people()


@pytest.mark.usefixtures("letters_dir")
def test_the_register_entry_json_has_title_fr(staff, client):
    assessment = issue(staff, letter=False)
    body = client.get("/api/v1/assessments/%s/" % assessment.reference).json()
    assert body["title_fr"] == assessment.microcredential.title_fr != ""
    assert body["title"] == assessment.microcredential.title
    listed = client.get("/api/v1/assessments/").json()["results"][0]
    assert listed["title_fr"] == body["title_fr"]
    assert client.get("/api/v1/assessments/%s/" % assessment.reference,
                      HTTP_ACCEPT_LANGUAGE="fr").json()["level_name"] == "Certificat postdiplôme"


@pytest.mark.usefixtures("letters_dir")
def test_french_register_pages_show_the_french_title_and_names(staff, client):
    assessment = issue(staff, letter=False)
    untranslated = issue(staff, letter=False)
    type(assessment).objects.filter(pk=untranslated.pk).update(title_fr="")
    listing = get_fr(client, "/register/").content.decode()
    assert assessment.title_fr in listing and assessment.title not in listing
    assert ' lang="en">%s</a>' % untranslated.title in listing  # the English, marked as such
    assert "Certificat postdiplôme" in listing
    entry = get_fr(client, "/register/%s/" % assessment.reference).content.decode()
    assert '<h1 lang="fr">%s</h1>' % assessment.title_fr in entry
    assert "OQF-9 – Certificat postdiplôme" in entry
    english = client.get("/register/%s/" % assessment.reference).content.decode()
    assert '<h1 lang="en">%s</h1>' % assessment.title in english and assessment.title_fr not in english


def test_the_french_detail_page_shows_the_french_version(signed_in, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    type(provider).objects.filter(pk=provider.pk).update(language="fr")  # else /fr/ sends them to English
    page = get_fr(signed_in, "/microcredentials/%d/" % microcredential.pk).content.decode()
    assert '<h1 lang="fr">%s</h1>' % microcredential.title_fr in page
    assert microcredential.description_fr in page and microcredential.learning_outcomes_fr[0] in page
    assert microcredential.description not in page
    assert "0613 Conception et analyse de logiciels et d’applications" in page
    type(provider).objects.filter(pk=provider.pk).update(language="en")
    english = signed_in.get("/microcredentials/%d/" % microcredential.pk).content.decode()
    assert microcredential.description in english
    assert "Title in French" in english and microcredential.title_fr in english


@pytest.mark.usefixtures("letters_dir")
def test_verification_names_the_level_in_the_requests_language(staff, client):
    assessment = issue(staff, letter=False)
    path = "/api/v1/verify/%s/" % assessment.verification_code
    assert client.get(path).json()["level_name"] == "Post-Diploma Certificate"
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="fr").json()["level_name"] == "Certificat postdiplôme"
    page = get_fr(client, "/verify/%s/" % assessment.verification_code).content.decode()
    assert assessment.title_fr in page and "Certificat postdiplôme" in page
