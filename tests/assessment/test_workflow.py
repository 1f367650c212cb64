"""Every transition of a case through the API: allowed from its source states, refused (409
with the state) from the others, refused (403) for other roles, 404 for another provider,
recorded with its actor, its email queued on commit."""

from decimal import Decimal

import pytest
from django.core import mail

from assessment.models import Application, ApplicationEvent, OutboxMessage, Recommendation
from credentials.models import Assessment
from tests.factories import UserFactory

from .workflow_helpers import APPROVE, Cast

pytestmark = pytest.mark.django_db

STATES = [state for state, _ in Application.State.choices]
OPEN = ["submitted", "in_review", "awaiting_provider", "recommended"]

# action: (source states, who acts, body, target state or None when it keeps its state,
#          key prefix of the email it queues or None)
TRANSITIONS = {
    "submit": (["draft"], "provider", {}, "submitted", "application:%d:submitted"),
    "withdraw": (["draft", *OPEN], "provider", {"reason": "No longer offered."}, "withdrawn", None),
    "claim": (["submitted"], "assessor", {}, "in_review", None),
    "assign": (OPEN, "approver", lambda cast: {"assessor": cast.new_assessor.pk, "reason": "Workload"}, None, None),
    "request-info": (["in_review"], "assessor", {"message": "Send the rubric."}, "awaiting_provider",
                     "application:%d:information-request:"),
    "respond": (["awaiting_provider"], "provider", {"message": "Rubric attached."}, "in_review",
                "application:%d:information-response:"),
    "recommend": (["in_review"], "assessor", APPROVE, "recommended", "application:%d:recommendation:"),
    "return": (["recommended"], "approver", {"comment": "Check the credit against the hours."}, "in_review", None),
    "sign-off": (["recommended"], "approver", {"comment": "Agreed."}, "approved", "application:%d:decision"),
}
ROLE_OF = {"provider": "provider", "assessor": "assessor", "approver": "approver"}
# Who may not act at all, whatever the case: 403.
OTHER_ROLES = {
    "provider": ["assessor", "approver", "registrar", "admin"],
    "assessor": ["provider", "registrar", "admin"],
    "approver": ["provider", "assessor", "registrar", "admin"],
}


@pytest.fixture
def cast():
    cast = Cast()
    cast.new_assessor = UserFactory(role="assessor")
    return cast


def _body(body, cast):
    return body(cast) if callable(body) else body


def _post(api_as, user, application, action, body):
    return api_as(user).post("/api/v1/applications/%d/%s/" % (application.pk, action), body, format="json")


ALLOWED = [(action, source) for action, (sources, *_) in TRANSITIONS.items() for source in sources]
REFUSED = [(action, state) for action, (sources, *_) in TRANSITIONS.items() for state in STATES if state not in sources]


@pytest.mark.parametrize(("action", "source"), ALLOWED)
def test_a_transition_is_allowed_from_its_source_records_its_actor_and_queues_its_email(
    api_as, cast, action, source, django_capture_on_commit_callbacks
):
    _, who, body, target, email_key = TRANSITIONS[action]
    application = cast.case(source)
    actor = getattr(cast, who)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(api_as, actor, application, action, _body(body, cast))
    assert response.status_code == 200, response.json()
    expected = target or ("in_review" if source == "submitted" else source)
    assert response.json()["state"] == expected
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.action, event.actor_id, event.from_state, event.to_state) == (action, actor.pk, source, expected)
    assert response.json()["events"][-1]["action"] == action
    new = OutboxMessage.objects.exclude(pk__in=before)
    if email_key is None:
        assert not new.exists()
    else:
        # One message per person the step concerns, all for the one reason.
        assert new.exists() and all(m.key.startswith(email_key % application.pk) for m in new)
        assert len({m.key for m in new}) == 1
        assert len(callbacks) >= 1
        mail.outbox.clear()
        for callback in callbacks:
            callback()
        assert sorted(m.to for m in mail.outbox) == sorted([m.recipient] for m in new)
        assert set(OutboxMessage.objects.filter(pk__in=[m.pk for m in new]).values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_a_transition_is_refused_with_409_and_the_state_from_other_states(api_as, cast, action, state):
    _, who, body, _, _ = TRANSITIONS[action]
    application = cast.case(state)
    events = ApplicationEvent.objects.filter(application=application).count()
    response = _post(api_as, getattr(cast, who), application, action, _body(body, cast))
    assert response.status_code == 409, response.json()
    assert response.json()["state"] == state
    assert Application.objects.get(pk=application.pk).state == state
    assert ApplicationEvent.objects.filter(application=application).count() == events


@pytest.mark.parametrize(
    ("action", "role"), [(action, role) for action, (_, who, *_) in TRANSITIONS.items() for role in OTHER_ROLES[who]]
)
def test_a_transition_is_refused_with_403_for_other_roles(api_as, cast, action, role):
    sources, _, body, _, _ = TRANSITIONS[action]
    application = cast.case(sources[0])
    response = _post(api_as, UserFactory(role=role), application, action, _body(body, cast))
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).state == sources[0]


@pytest.mark.parametrize("action", [a for a, (_, who, *_) in TRANSITIONS.items() if who == "provider"])
def test_another_providers_case_is_not_found(api_as, cast, other_provider, action):
    sources, _, body, _, _ = TRANSITIONS[action]
    application = cast.case(sources[0])
    assert _post(api_as, other_provider, application, action, _body(body, cast)).status_code == 404
    assert api_as(other_provider).get("/api/v1/applications/%d/" % application.pk).status_code == 404


def test_of_two_claims_the_second_is_a_conflict(api_as, cast):
    application = cast.case("submitted")
    assert _post(api_as, cast.assessor, application, "claim", {}).status_code == 200
    response = _post(api_as, UserFactory(role="assessor"), application, "claim", {})
    assert response.status_code == 409
    assert response.json()["state"] == "in_review"
    assert cast.assessor.get_full_name() in response.json()["detail"]


def test_only_the_assigned_assessor_requests_information_or_recommends(api_as, cast):
    application = cast.case("in_review")
    stranger = UserFactory(role="assessor")
    assert _post(api_as, stranger, application, "request-info", {"message": "?"}).status_code == 403
    assert _post(api_as, stranger, application, "recommend", APPROVE).status_code == 403


def test_the_recommender_may_not_sign_off_even_as_an_approver(api_as, cast):
    application = cast.case("submitted")
    _post(api_as, cast.approver, application, "claim", {})
    assert _post(api_as, cast.approver, application, "recommend", APPROVE).status_code == 200
    response = _post(api_as, cast.approver, application, "sign-off", {"comment": "Mine."})
    assert response.status_code == 403
    assert _post(api_as, cast.other_approver, application, "sign-off", {}).json()["state"] == "approved"


def test_the_database_refuses_a_sign_off_by_the_recommender():
    from django.db import IntegrityError

    cast = Cast()
    application = cast.case("recommended")
    recommendation = Recommendation.objects.get(application=application)
    recommendation.signed_off_by = recommendation.recommended_by
    with pytest.raises(IntegrityError):
        recommendation.save()


def test_a_returned_recommendation_needs_a_new_one_and_a_new_sign_off(api_as, cast):
    application = cast.case("recommended")
    _post(api_as, cast.approver, application, "return", {"comment": "Credits exceed the hours."})
    response = _post(api_as, cast.approver, application, "sign-off", {})
    assert response.status_code == 409 and response.json()["state"] == "in_review"
    body = _post(api_as, cast.assessor, application, "recommend", {**APPROVE, "credits": "3.5"}).json()
    assert body["recommendation"]["credits"] == 3.5
    body = _post(api_as, cast.approver, application, "sign-off", {"comment": "Now right."}).json()
    assessment = Assessment.objects.get(microcredential=application.microcredential)
    assert assessment.credits == Decimal("3.5")
    assert body["assessment"] == {"reference": assessment.reference, "verification_code": assessment.verification_code}
    assert Recommendation.objects.filter(application=application).count() == 2


def test_sign_off_of_an_approval_issues_the_assessment_and_a_decline_none(api_as, cast):
    approved = cast.case("approved")
    assessment = Assessment.objects.get(pk=Application.objects.get(pk=approved.pk).assessment_id)
    assert (assessment.level_id, assessment.recommended_by_id, assessment.signed_off_by_id) == (
        "OQF-9", cast.assessor.pk, cast.approver.pk)
    declined = cast.case("declined")
    body = api_as(cast.provider).get("/api/v1/applications/%d/" % declined.pk).json()
    assert body["assessment"] is None and body["decided_at"]
    assert body["recommendation"]["outcome"] == "decline"
    assert body["sla"]["status"] == "met"


def test_the_provider_does_not_see_a_recommendation_before_sign_off_nor_internal_notes(api_as, cast):
    from assessment.services import internal_note_add

    application = cast.case("recommended")
    internal_note_add(actor=cast.assessor, application=application, text="Provider is slow to answer.")
    provider_view = api_as(cast.provider).get("/api/v1/applications/%d/" % application.pk).json()
    assert provider_view["recommendation"] is None
    assert "internal_notes" not in provider_view
    assert "slow" not in str(provider_view)
    agency_view = api_as(cast.approver).get("/api/v1/applications/%d/" % application.pk).json()
    assert agency_view["recommendation"]["level"] == "OQF-9"
    assert agency_view["internal_notes"][0]["text"] == "Provider is slow to answer."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**APPROVE, "credits": "4.3"}, "credits"),
        ({**APPROVE, "credits": "41"}, "credits"),
        ({**APPROVE, "credits": "0"}, "credits"),
        ({**APPROVE, "level": "OQF-99"}, "level"),
        ({**APPROVE, "transfer_category": "doctoral"}, "transfer_category"),
        ({**APPROVE, "review_period_months": 18}, "review_period_months"),
        ({k: v for k, v in APPROVE.items() if k != "rationale"}, "rationale"),
        ({"outcome": "decline"}, "reasons"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_an_invalid_recommendation_is_a_400_naming_the_field(api_as, cast, body, field):
    application = cast.case("in_review")
    response = _post(api_as, cast.assessor, application, "recommend", body)
    assert response.status_code == 400
    assert field in response.json()
    assert Application.objects.get(pk=application.pk).state == "in_review"


@pytest.mark.parametrize(
    ("action", "state", "body", "field"),
    [
        ("withdraw", "submitted", {}, "reason"),
        ("withdraw", "submitted", {"reason": "   "}, "reason"),
        ("request-info", "in_review", {"message": ""}, "message"),
        ("return", "recommended", {}, "comment"),
        ("assign", "submitted", {"assessor": 999999, "reason": "x"}, "assessor"),
        ("assign", "submitted", {"assessor": "abc", "reason": "x"}, "assessor"),
    ],
)
def test_invalid_action_bodies_are_400_naming_the_field(api_as, cast, action, state, body, field):
    application = cast.case(state)
    who = TRANSITIONS[action][1]
    response = _post(api_as, getattr(cast, who), application, action, body)
    assert response.status_code == 400, response.json()
    assert field in response.json()


def test_assign_needs_an_assessor_not_a_provider(api_as, cast):
    application = cast.case("submitted")
    response = _post(api_as, cast.approver, application, "assign", {"assessor": cast.provider.pk, "reason": "x"})
    assert response.status_code == 400 and "assessor" in response.json()


def test_information_request_pauses_the_clock_and_unlocks_the_description(api_as, cast):
    application = cast.case("in_review")
    body = _post(api_as, cast.assessor, application, "request-info", {"message": "Send the rubric."}).json()
    assert body["sla"]["status"] == "paused"
    assert body["microcredential"]["locked"] is False
    assert body["information_requests"][0]["message"] == "Send the rubric."
    stored = Application.objects.get(pk=application.pk)
    assert stored.sla_status == "paused"
    body = _post(api_as, cast.provider, application, "respond", {"message": "Attached."}).json()
    assert body["sla"]["status"] in ("on_track", "at_risk")
    assert body["microcredential"]["locked"] is True
    assert body["information_requests"][0]["response"] == "Attached."


def test_the_sla_object_matches_the_contract(api_as, cast):
    body = api_as(cast.assessor).get("/api/v1/applications/%d/" % cast.case("submitted").pk).json()
    assert set(body["sla"]) == {"status", "due_date", "business_days_used", "business_days_remaining",
                                "target_business_days"}
    assert body["sla"]["target_business_days"] == 10
    assert body["sla"]["business_days_used"] + body["sla"]["business_days_remaining"] == 10


def test_emails_go_to_the_providers_active_staff_and_to_approvers_but_the_recommender(cast):
    inactive = UserFactory(role="provider", organisation=cast.provider.organisation, is_active=False)
    colleague = UserFactory(role="provider", organisation=cast.provider.organisation)
    application = cast.case("recommended")
    acks = OutboxMessage.objects.filter(key="application:%d:submitted" % application.pk)
    # One message per person: each address has its own row.
    assert sorted(m.recipient for m in acks) == sorted([cast.provider.email.lower(), colleague.email.lower()])
    assert inactive.email.lower() not in [m.recipient for m in acks]
    assert all(application.reference in m.body_text and application.reference in m.body_html for m in acks)
    waiting = OutboxMessage.objects.filter(key__startswith="application:%d:recommendation:" % application.pk)
    assert cast.assessor.email.lower() not in [m.recipient for m in waiting]
    assert {cast.approver.email.lower(), cast.other_approver.email.lower()} <= {m.recipient for m in waiting}


# The list ----------------------------------------------------------------------------------


def test_the_list_filters_by_assignee_sla_status_and_state_and_orders_by_due_date(api_as, cast):
    mine = cast.case("in_review")
    unassigned = cast.case("submitted")
    draft = cast.case("draft")
    client = api_as(cast.assessor)

    def ids(query):
        response = client.get("/api/v1/applications/?" + query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("assigned_to=me") == [mine.pk]
    assert set(ids("assigned_to=none")) == {unassigned.pk, draft.pk}
    assert ids("assigned_to=%d" % cast.assessor.pk) == [mine.pk]
    assert ids("state=submitted") == [unassigned.pk]
    assert set(ids("sla_status=on_track")) == {mine.pk, unassigned.pk}
    assert ids("sla_status=not_started") == [draft.pk]
    assert ids("ordering=sla_due_date")[:2] == [mine.pk, unassigned.pk]
    assert ids("ordering=-submitted_at")[0] in (draft.pk, unassigned.pk)
    assert client.get("/api/v1/applications/?assigned_to=someone").status_code == 400


@pytest.mark.parametrize("page_size", [3, 30])
def test_the_agency_list_costs_the_same_queries_whatever_the_page_size(
    api_as, django_assert_num_queries, page_size
):
    from assessment.services import internal_note_add

    cast = Cast()
    for index in range(32):
        application = cast.case("recommended" if index % 4 == 0 else "in_review")
        internal_note_add(actor=cast.assessor, application=application, text="note")
    client = api_as(cast.approver)
    client.get("/api/v1/applications/?page_size=1")
    # token + user, count, page, events, attachments, information requests, recommendations,
    # internal notes
    with django_assert_num_queries(8):
        response = client.get("/api/v1/applications/?page_size=%d&ordering=sla_due_date" % page_size)
    assert len(response.json()["results"]) == page_size
