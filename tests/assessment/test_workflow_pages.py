"""The workflow in the browser's terms: post, redirect, a message; the queue's cost."""

import pytest

from assessment import services
from assessment.models import Application, InternalNote
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory

from .workflow_helpers import APPROVE, Cast

pytestmark = pytest.mark.django_db


def test_an_assessor_claims_from_the_queue_and_an_approver_signs_off_on_the_case_page(client):
    cast = Cast()
    application = cast.case("submitted")
    client.force_login(cast.assessor)
    page = client.get("/queue/")
    assert application.reference in page.content.decode() and "Claim" in page.content.decode()
    response = client.post("/applications/%d/claim/" % application.pk, {"next": "queue"}, follow=True)
    assert response.redirect_chain[-1][0] == "/queue/"
    assert "You have claimed %s" % application.reference in response.content.decode()
    response = client.post("/applications/%d/recommend/" % application.pk, {**APPROVE, "level": "OQF-9",
                                                                              "review_period_months": 12}, follow=True)
    assert "another approver must sign it off" in response.content.decode()
    client.force_login(cast.assessor)
    client.post("/applications/%d/note/" % application.pk, {"text": "Checked the rubric."})
    assert InternalNote.objects.filter(application=application).count() == 1
    client.force_login(cast.approver)
    page = client.get("/applications/%d/" % application.pk).content.decode()
    assert "Recommendation waiting for sign-off" in page and "Checked the rubric." in page
    response = client.post("/applications/%d/sign-off/" % application.pk, {"comment": "Agreed."}, follow=True)
    assert "is approved" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == "approved"
    client.force_login(cast.provider)
    page = client.get("/applications/%d/" % application.pk).content.decode()
    assert "Approved: assessment MCA-" in page
    assert "Checked the rubric." not in page


def test_an_invalid_recommendation_shows_the_form_again_with_its_errors(client):
    cast = Cast()
    application = cast.case("in_review")
    client.force_login(cast.assessor)
    response = client.post("/applications/%d/recommend/" % application.pk, {"outcome": "approve", "credits": "4.3"})
    assert response.status_code == 400
    assert "Required for an approval." in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == "in_review"


def test_the_recommendation_form_warns_when_the_proposal_disagrees_with_the_hours(client):
    cast = Cast()
    application = cast.case("in_review")
    application.microcredential.__class__.objects.filter(pk=application.microcredential_id).update(proposed_credits=6)
    client.force_login(cast.assessor)
    page = client.get("/applications/%d/" % application.pk).content.decode()
    assert "The proposed 6 credits disagree with 40 notional hours" in page


def test_the_provider_answers_an_information_request_on_its_page(client):
    cast = Cast()
    application = cast.case("awaiting_provider")
    client.force_login(cast.provider)
    page = client.get("/applications/%d/" % application.pk).content.decode()
    assert "The agency needs more information" in page and "Send the assessment rubric." in page
    # The open question is quoted once, with its answer form; the list of requests points to it.
    assert page.count("<blockquote><p>Send the assessment rubric.</p></blockquote>") == 1
    assert 'href="#respond">Answer it above' in page
    response = client.post("/applications/%d/respond/" % application.pk, {"message": "Attached."}, follow=True)
    assert "the clock runs again" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == "in_review"


def test_a_wrong_state_action_on_a_page_goes_back_with_the_reason(client):
    cast = Cast()
    application = cast.case("approved")
    client.force_login(cast.provider)
    response = client.post("/applications/%d/withdraw/" % application.pk, {"reason": "x"},
                           HTTP_REFERER="http://testserver/applications/%d/" % application.pk, follow=True)
    assert "Withdrawing is not possible while the application is approved" in response.content.decode()


@pytest.mark.parametrize("cases", [3, 30])
def test_the_queue_page_costs_the_same_queries_whatever_the_number_of_cases(client, django_assert_num_queries, cases):
    cast = Cast()
    for index in range(cases):
        cast.case("in_review" if index % 3 else "submitted")
    client.force_login(UserFactory(role="approver"))
    client.get("/queue/?tab=all")
    # session + user, count, page (with provider, micro-credential, assignee), pauses,
    # the header's organisation, providers for the filter
    with django_assert_num_queries(7):
        response = client.get("/queue/?tab=all")
    assert response.status_code == 200


def test_an_approvers_start_page_lists_recommendations_to_sign_off_but_not_their_own(client):
    cast = Cast()
    waiting = cast.case("recommended")
    own = services.application_submit(
        actor=cast.provider, application=ApplicationFactory(microcredential=MicroCredentialFactory(created_by=cast.provider))
    )
    own = services.application_claim(actor=cast.approver, application=own)
    own = services.application_recommend(actor=cast.approver, application=own, data=APPROVE)
    client.force_login(cast.approver)
    page = client.get("/").content.decode()
    assert waiting.reference in page and own.reference not in page.split("Your cases")[0]
    client.force_login(cast.other_approver)
    page = client.get("/").content.decode()
    assert waiting.reference in page and own.reference in page


def test_an_assessors_start_page_lists_the_open_cases_assigned_to_them(client):
    cast = Cast()
    mine = cast.case("awaiting_provider")
    client.force_login(cast.assessor)
    page = client.get("/").content.decode()
    assert mine.reference in page and "Awaiting provider" in page
    client.force_login(UserFactory(role="assessor"))
    assert "No open cases are assigned to you" in client.get("/").content.decode()


def test_the_start_page_lists_the_first_cases_and_links_to_the_rest_only_when_there_are_more(client):
    from assessment.templatetags.case_start import SHOWN

    cast = Cast()
    for _ in range(SHOWN):
        cast.case("in_review")
    client.force_login(cast.assessor)
    assert "See them all in the queue" not in client.get("/").content.decode()
    cast.case("in_review")
    assert "See them all in the queue" in client.get("/").content.decode()


def test_the_agency_s_internal_reasons_stay_out_of_the_provider_s_history(client, api_as):
    # Why a case was reassigned or returned, and an approver's sign-off comment, are the
    # agency's business; the provider sees that these steps happened, not what was said.
    cast = Cast()
    application = cast.case("in_review")
    other = UserFactory(role="assessor")
    application = services.application_assign(actor=cast.approver, application=application, assessor=other,
                                              reason="Alex is slow on this provider's files.")
    application = services.application_recommend(actor=other, application=application, data=APPROVE)
    application = services.application_return(actor=cast.approver, application=application,
                                              comment="The rationale copies their brochure.")
    application = services.application_recommend(actor=other, application=application, data=APPROVE)
    services.application_sign_off(actor=cast.other_approver, application=application,
                                  comment="Fine, though their QA is thin.")
    secrets = ("slow on this provider", "copies their brochure", "their QA is thin")

    client.force_login(cast.provider)
    page = client.get("/applications/%d/" % application.pk).content.decode()
    body = api_as(cast.provider).get("/api/v1/applications/%d/" % application.pk).json()
    for secret in secrets:
        assert secret not in page and secret not in str(body)
    actions = [event["action"] for event in body["events"]]
    assert {"assign", "return", "sign-off"} <= set(actions)
    assert "Returned to the assessor" in page

    client.force_login(cast.assessor)
    staff_page = client.get("/applications/%d/" % application.pk).content.decode()
    staff_body = api_as(cast.assessor).get("/api/v1/applications/%d/" % application.pk).json()
    for secret in secrets:
        assert secret in staff_page
    # The return comment stays on its recommendation row; the events carry the other two.
    assert secrets[0] in str(staff_body) and secrets[2] in str(staff_body)
