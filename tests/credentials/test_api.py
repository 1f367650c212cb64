import pytest

from credentials.models import MicroCredential
from tests.factories import MicroCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPLETE = {
    "title": "Applied Data Visualisation",
    "description": "Turning operational data into clear charts.",
    "learning_outcomes": ["Choose a chart that fits the question"],
    "learner_effort_hours": 40,
    "proposed_level": "OQF-9",
    "proposed_credits": 4,
    "field_of_study": "0613",
    "assessment_types": ["project"],
    "assessment_description": "Dashboard project, pass at 60%.",
    "delivery_mode": "online_async",
    "languages": ["en", "fr"],
    "prerequisites": "none",
    "quality_assurance": "Program quality committee.",
    "evidence_of_need": "Three employers asked for it.",
}


def test_frameworks_ship_oqf_with_13_categories_nzqf_with_10_and_eqf_with_8(api):
    response = api.get("/api/v1/frameworks/")
    assert response.status_code == 200
    frameworks = {f["code"]: f for f in response.json()}
    assert {code: len(f["levels"]) for code, f in frameworks.items()} == {"OQF": 13, "NZQF": 10, "EQF": 8}
    oqf_levels = frameworks["OQF"]["levels"]
    assert oqf_levels[9] == {"id": "OQF-10", "number": 10, "name": "Baccalaureate/Bachelor's Degree",
                             "description": oqf_levels[9]["description"]}
    assert [level["name"] for level in oqf_levels[:4]] == [
        "Certificate I", "Certificate II", "Certificate of Apprenticeship", "Certificate of Qualification"]
    assert frameworks["OQF"]["is_default"] is True


def test_fields_of_study_are_isced_f_detailed_codes(api):
    fields = api.get("/api/v1/fields-of-study/").json()
    by_code = {f["code"]: f["name"] for f in fields}
    assert by_code["0413"] == "Management and administration"
    assert by_code["0613"] == "Software and applications development and analysis"
    assert all(len(code) == 4 and code.isdigit() and not code.endswith("0") for code in by_code)
    assert len(by_code) > 90


def test_a_provider_creates_a_draft_and_sees_its_completeness(api_as, provider):
    response = api_as(provider).post("/api/v1/microcredentials/", {"title": "Robot Safety"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["provider"] == {"id": provider.organisation_id, "name": "Northern Lakes College"}
    assert body["title"] == "Robot Safety"
    assert body["completeness"]["missing_required"][:2] == ["description", "learning_outcomes"]
    assert body["completeness"]["score"] < 80


def test_a_complete_micro_credential_round_trips_every_contract_field(api_as, provider):
    created = api_as(provider).post("/api/v1/microcredentials/", COMPLETE, format="json").json()
    fetched = api_as(provider).get("/api/v1/microcredentials/%d/" % created["id"]).json()
    for name, value in COMPLETE.items():
        assert fetched[name] == value, name
    assert fetched["completeness"]["missing_required"] == []
    assert fetched["completeness"]["score"] == 80


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("proposed_credits", 3.3, "steps of 0.5"),
        ("proposed_credits", 41, "between 0.5 and 40"),
        ("proposed_credits", "lots", "valid number"),
        ("learner_effort_hours", 0, "greater than 0"),
        ("contact_hours", -1, "0 or more"),
        ("proposed_level", "OQF-14", "not a level we know"),
        ("field_of_study", "9999", "not an ISCED-F 2013"),
        ("assessment_types", ["essay"], "not an assessment type"),
        ("languages", ["english"], "ISO 639-1"),
        ("learning_outcomes", "Do things", "list of text"),
        ("delivery_mode", "carrier pigeon", "not a valid choice"),
        ("url", "not a url", "valid URL"),
        ("starts_on", "next monday", "Date has wrong format"),
    ],
)
def test_bad_input_answers_400_naming_the_field(api_as, provider, field, value, words):
    response = api_as(provider).post("/api/v1/microcredentials/", {**COMPLETE, field: value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert words in " ".join(response.json()[field])
    assert not MicroCredential.objects.exists()


def test_an_end_date_before_the_start_date_is_refused(api_as, provider):
    response = api_as(provider).post(
        "/api/v1/microcredentials/", {**COMPLETE, "starts_on": "2027-03-01", "ends_on": "2027-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"ends_on": ["The end date must be on or after the start date."]}


def test_patch_changes_only_what_is_sent(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(provider).patch(
        "/api/v1/microcredentials/%d/" % microcredential.pk, {"description": ""}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["completeness"]["missing_required"] == ["description"]
    microcredential.refresh_from_db()
    assert microcredential.description == ""
    assert microcredential.title.startswith("Applied Data Visualisation")


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_level_or_field_of_study_clears_it(api_as, provider, blank):
    # Found by the API fuzzing: "" reached the foreign key and failed in PostgreSQL.
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(provider).patch(
        "/api/v1/microcredentials/%d/" % microcredential.pk,
        {"field_of_study": blank, "proposed_level": blank}, format="json",
    )
    assert response.status_code == 200
    assert (response.json()["field_of_study"], response.json()["proposed_level"]) == (None, None)
    microcredential.refresh_from_db()
    assert (microcredential.field_of_study_id, microcredential.proposed_level_id) == (None, None)
    assert {"field_of_study", "proposed_level"} <= set(response.json()["completeness"]["missing_required"])


def test_a_locked_micro_credential_answers_409_to_edits(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider, locked_reason="application APP-2026-00001 is with the agency")
    response = api_as(provider).patch("/api/v1/microcredentials/%d/" % microcredential.pk, {"title": "X"}, format="json")
    assert response.status_code == 409
    assert "APP-2026-00001" in response.json()["detail"]


def test_another_provider_gets_404_for_everything(api_as, provider, other_provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    client = api_as(other_provider)
    assert client.get("/api/v1/microcredentials/%d/" % microcredential.pk).status_code == 404
    assert client.patch("/api/v1/microcredentials/%d/" % microcredential.pk, {"title": "Mine"}, format="json").status_code == 404
    assert client.get("/api/v1/microcredentials/").json()["count"] == 0
    assert client.post("/api/v1/microcredentials/%d/attachments/" % microcredential.pk, {}).status_code == 404


def test_agency_staff_read_every_providers_records_but_cannot_write(api_as, provider, other_provider):
    MicroCredentialFactory(created_by=provider)
    MicroCredentialFactory(created_by=other_provider)
    assessor = UserFactory(role="assessor")
    assert api_as(assessor).get("/api/v1/microcredentials/").json()["count"] == 2
    assert api_as(assessor).post("/api/v1/microcredentials/", COMPLETE, format="json").status_code == 403


def test_registrars_do_not_see_drafts(api_as, provider):
    MicroCredentialFactory(created_by=provider)
    assert api_as(UserFactory(role="registrar")).get("/api/v1/microcredentials/").status_code == 403


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_costs_the_same_queries_whatever_the_page_size(api_as, provider, django_assert_num_queries, page_size):
    MicroCredentialFactory.create_batch(60, created_by=provider)
    client = api_as(provider)
    # token auth + user, count, page, attachments prefetch
    with django_assert_num_queries(4):
        response = client.get("/api/v1/microcredentials/?page_size=%d" % page_size)
    assert len(response.json()["results"]) == page_size


def test_null_clears_an_element_of_any_type(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(provider).patch(
        "/api/v1/microcredentials/%d/" % microcredential.pk,
        {"learning_outcomes": None, "description": None, "proposed_level": None, "proposed_credits": None},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["completeness"]["missing_required"] == [
        "description", "learning_outcomes", "proposed_level", "proposed_credits"]
    microcredential.refresh_from_db()
    assert (microcredential.learning_outcomes, microcredential.description) == ([], "")


def test_the_service_itself_refuses_an_unknown_level_whoever_calls_it(provider):
    from django.core.exceptions import ValidationError

    from credentials.services import microcredential_create

    with pytest.raises(ValidationError) as refused:
        microcredential_create(actor=provider, data={"title": "X", "proposed_level": "OQF-99"})
    assert "proposed_level" in refused.value.message_dict
    assert not MicroCredential.objects.exists()
