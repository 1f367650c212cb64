import datetime as dt

import pytest

from assessment.models import Application, ApplicationEvent
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_provider_opens_a_draft_application_from_its_micro_credential(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(provider).post("/api/v1/applications/", {"microcredential": microcredential.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["state"], body["reference"]) == ("initial", "draft", None)
    assert body["microcredential"]["id"] == microcredential.pk
    assert body["provider"]["name"] == "Northern Lakes College"
    assert body["sla"]["status"] == "not_started"
    assert [e["action"] for e in body["events"]] == ["create"]


def test_a_second_open_application_about_the_same_micro_credential_is_a_conflict(api_as, provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    response = api_as(provider).post(
        "/api/v1/applications/", {"microcredential": application.microcredential_id}, format="json"
    )
    assert response.status_code == 409
    assert Application.objects.count() == 1


def test_applying_about_another_providers_micro_credential_is_not_found(api_as, provider, other_provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = api_as(other_provider).post("/api/v1/applications/", {"microcredential": microcredential.pk}, format="json")
    assert response.status_code == 404


def test_a_non_numeric_micro_credential_id_is_a_400_naming_the_field(api_as, provider):
    response = api_as(provider).post("/api/v1/applications/", {"microcredential": "abc"}, format="json")
    assert response.status_code == 400
    assert "microcredential" in response.json()


def test_submitting_a_complete_draft_gives_a_reference_locks_the_micro_credential_and_records_it(api_as, provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "submitted"
    assert body["reference"].startswith("APP-") and body["reference"].endswith("%05d" % application.pk)
    assert body["submitted_at"]
    assert body["microcredential"]["locked"] is True
    event = ApplicationEvent.objects.get(application=application, action="submit")
    assert (event.from_state, event.to_state, event.actor_id) == ("draft", "submitted", provider.pk)


def test_an_incomplete_draft_is_refused_with_missing_required(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider, learning_outcomes=[], proposed_level_id=None)
    application = ApplicationFactory(microcredential=microcredential)
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    assert response.status_code == 400
    assert response.json()["missing_required"] == ["learning_outcomes", "proposed_level"]
    assert "Learning outcomes, Proposed level" in response.json()["detail"]
    application = Application.objects.get(pk=application.pk)
    assert application.state == "draft" and application.reference is None


def test_a_title_calling_itself_a_diploma_is_refused_at_submission(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider, title="Diploma in Data Visualisation")
    application = ApplicationFactory(microcredential=microcredential)
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    assert response.status_code == 400
    assert "must not call the micro-credential a degree, diploma" in response.json()["title"][0]
    assert Application.objects.get(pk=application.pk).state == "draft"


def test_submitting_twice_answers_409_with_the_state(api_as, provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    client = api_as(provider)
    client.post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    response = client.post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    assert response.status_code == 409
    assert response.json()["state"] == "submitted"


def test_after_submission_the_micro_credential_cannot_be_edited(api_as, provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    client = api_as(provider)
    client.post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json")
    response = client.patch("/api/v1/microcredentials/%d/" % application.microcredential_id, {"title": "New"}, format="json")
    assert response.status_code == 409


def test_another_provider_gets_404_for_applications(api_as, provider, other_provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    client = api_as(other_provider)
    assert client.get("/api/v1/applications/%d/" % application.pk).status_code == 404
    assert client.post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json").status_code == 404
    assert client.get("/api/v1/applications/").json()["count"] == 0


def test_agency_staff_list_every_application_and_filter_by_state(api_as, provider, other_provider):
    ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    ApplicationFactory(microcredential=MicroCredentialFactory(created_by=other_provider))
    client = api_as(UserFactory(role="approver"))
    assert client.get("/api/v1/applications/").json()["count"] == 2
    assert client.get("/api/v1/applications/?state=submitted").json()["count"] == 0
    assert client.get("/api/v1/applications/?provider=%d" % provider.organisation_id).json()["count"] == 1
    assert client.get("/api/v1/applications/?state=nonsense").status_code == 400


def test_agency_staff_cannot_submit_for_a_provider(api_as, provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    assert api_as(UserFactory(role="assessor")).post("/api/v1/applications/%d/submit/" % application.pk).status_code == 403


@pytest.mark.parametrize("page_size", [3, 30])
def test_the_application_list_costs_the_same_queries_whatever_the_page_size(
    api_as, provider, django_assert_num_queries, page_size
):
    for _ in range(35):
        ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    client = api_as(provider)
    # token + user, count, page (with micro-credential, provider, assignee, assessment),
    # events (+ actor), attachments, information requests, recommendations, the calendar's
    # closure days (the test cleared the cached calendar)
    with django_assert_num_queries(8):
        response = client.get("/api/v1/applications/?page_size=%d" % page_size)
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize(
    "path",
    ["/api/v1/applications/?provider=99999999999999999999999", "/api/v1/applications/99999999999999999999999/",
     "/api/v1/microcredentials/99999999999999999999999/"],
)
def test_ids_beyond_64_bits_are_not_found_or_refused_never_a_500(api_as, provider, path):
    assert api_as(provider).get(path).status_code in (400, 404)


def test_applying_with_an_id_beyond_64_bits_is_not_found(api_as, provider):
    response = api_as(provider).post("/api/v1/applications/", {"microcredential": 10**30}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("status", ["current", "expiring"])
def test_a_second_initial_application_for_an_assessed_micro_credential_is_a_conflict_pointing_to_its_review(
    api_as, provider, client, status
):
    from credentials.models import Assessment
    from tests.credentials.register_world import issue, people

    microcredential = MicroCredentialFactory(created_by=provider)
    assessment = issue(people(), letter=False, microcredential=microcredential)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=status, current_until=dt.date(2028, 6, 30) if status == "expiring" else None
    )
    before = Application.objects.count()

    response = api_as(provider).post("/api/v1/applications/", {"microcredential": microcredential.pk}, format="json")
    assert response.status_code == 409, response.json()
    assert assessment.reference in response.json()["detail"]
    assert ("periodic review" if status == "current" else "honoured until 2028-06-30") in response.json()["detail"]
    client.force_login(provider)
    page = client.post("/applications/new/", {"microcredential": microcredential.pk})
    assert page.status_code == 409
    assert assessment.reference in page.content.decode()
    assert Application.objects.count() == before


def test_a_draft_started_before_the_assessment_cannot_be_submitted_beside_it(api_as, provider):
    from tests.credentials.register_world import issue, people

    microcredential = MicroCredentialFactory(created_by=provider)
    draft = ApplicationFactory(microcredential=microcredential)
    assessment = issue(people(), letter=False, microcredential=microcredential)
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % draft.pk, {}, format="json")
    assert response.status_code == 409
    assert assessment.reference in response.json()["detail"] and response.json()["state"] == "draft"


@pytest.mark.parametrize("status", ["lapsed", "revoked", "discontinued"])
def test_a_micro_credential_whose_assessment_ended_may_apply_again(api_as, provider, status):
    from credentials.models import Assessment
    from tests.credentials.register_world import issue, people

    microcredential = MicroCredentialFactory(created_by=provider)
    assessment = issue(people(), letter=False, microcredential=microcredential)
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    response = api_as(provider).post("/api/v1/applications/", {"microcredential": microcredential.pk}, format="json")
    assert response.status_code == 201, response.json()


def test_while_its_review_is_open_a_new_application_points_to_the_review(api_as, provider):
    from assessment.review import review_sweep
    from tests.credentials.register_world import issue, people

    microcredential = MicroCredentialFactory(created_by=provider)
    assessment = issue(people(), letter=False, microcredential=microcredential)
    review_sweep(as_of=assessment.review_due_date - dt.timedelta(days=90))
    assert assessment.review_cases.filter(state="draft").exists()
    response = api_as(provider).post("/api/v1/applications/", {"microcredential": microcredential.pk}, format="json")
    assert response.status_code == 409
    # The open review case is the one open case about it.
    assert "periodic review is open" in response.json()["detail"]
