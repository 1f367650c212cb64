"""Hostile text refused with 400 naming the field wherever it enters: NUL characters and the
invisible text-direction controls, in API JSON bodies (lists and nested objects too), page
forms and query strings; JSON nested beyond any real document's depth."""

import json

import pytest

from credentials.models import MicroCredential
from tests.factories import MicroCredentialFactory

pytestmark = pytest.mark.django_db

REORDERING = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
MARKS = ["\u200e", "\u200f", "\u061c"]


def _post_json(client, path, body, method="post"):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("field", ["learning_outcomes", "skills"])
def test_a_nul_in_a_list_item_answers_400_naming_the_field_on_create(api_as, provider, field):
    response = _post_json(api_as(provider), "/api/v1/microcredentials/", {"title": "Welding", field: ["Cut\x00metal"]})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "NUL" in response.json()[field][0]
    assert not MicroCredential.objects.exists()


@pytest.mark.parametrize("field", ["learning_outcomes", "skills"])
def test_a_nul_in_a_list_item_answers_400_naming_the_field_on_patch(api_as, provider, field):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = _post_json(api_as(provider), "/api/v1/microcredentials/%d/" % microcredential.pk,
                          {field: ["Weld", "Cut\x00metal"]}, method="patch")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_nul_deep_inside_a_json_body_names_the_top_level_field(api_as, make_user):
    response = _post_json(api_as(make_user(role="assessor")), "/api/v1/stack/", {"items": [{"code": "A"}, {"code": "B\x00"}]})
    assert response.status_code == 400
    assert list(response.json()) == ["items"]
    assert "NUL" in response.json()["items"][0]


def test_a_nul_in_a_json_key_is_refused(api_as, provider):
    response = _post_json(api_as(provider), "/api/v1/microcredentials/", {"title": "x", "ti\x00tle": "y"})
    assert response.status_code == 400
    assert "NUL" in json.dumps(response.json())


def test_json_nested_100000_deep_answers_400_not_a_500(api_as, provider):
    body = "[" * 100_000 + "]" * 100_000
    response = api_as(provider).post("/api/v1/microcredentials/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_nested_100000_deep_answers_400_to_anonymous_callers_too(client):
    body = '{"a":' * 100_000 + "1" + "}" * 100_000
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_ordinary_nesting_is_accepted(api_as, provider):
    response = _post_json(api_as(provider), "/api/v1/microcredentials/",
                          {"title": "Welding", "learning_outcomes": ["Weld [safely] {always}"]})
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("control", REORDERING + MARKS)
def test_a_bidi_control_in_a_title_answers_400_on_the_api(api_as, provider, control):
    response = _post_json(api_as(provider), "/api/v1/microcredentials/", {"title": "Safety %sgninraeL" % control})
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert "direction" in response.json()["title"][0]
    assert not MicroCredential.objects.exists()


@pytest.mark.parametrize("field", ["learning_outcomes", "skills"])
def test_a_bidi_mark_in_a_list_item_answers_400(api_as, provider, field):
    response = _post_json(api_as(provider), "/api/v1/microcredentials/", {"title": "Welding", field: ["Weld\u200f"]})
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_reordering_control_in_long_text_is_refused_but_a_right_to_left_mark_is_kept(api_as, provider):
    client = api_as(provider)
    refused = _post_json(client, "/api/v1/microcredentials/", {"title": "Welding", "description": "a\u202eb"})
    assert refused.status_code == 400 and list(refused.json()) == ["description"]
    kept = _post_json(client, "/api/v1/microcredentials/",
                      {"title": "Welding", "description": "Taught with \u0627\u0644\u0639\u0631\u0628\u064a\u0629\u200f (Arabic) notes."})
    assert kept.status_code == 201, kept.json()


def test_a_bidi_override_in_a_title_answers_400_on_the_page_form(client, provider):
    client.force_login(provider)
    response = client.post("/microcredentials/new/", {"title": "Safety \u202egninraeL"})
    assert response.status_code == 400
    assert "title" in response.content.decode()
    assert not MicroCredential.objects.exists()


def test_a_direction_mark_in_a_title_is_a_field_error_on_the_page_form(client, provider):
    client.force_login(provider)
    response = client.post("/microcredentials/new/", {"title": "Safety\u200f"})
    assert response.status_code == 200
    assert "direction" in response.content.decode()
    assert not MicroCredential.objects.exists()


def test_a_bidi_override_in_a_query_parameter_answers_400_json_naming_it(client):
    response = client.get("/api/v1/assessments/", {"q": "data\u202eviz"})
    assert response.status_code == 400
    assert list(response.json()) == ["q"]


def test_a_bidi_override_in_a_page_query_answers_400_with_a_page(client):
    response = client.get("/register/", {"q": "data\u202eviz"})
    assert response.status_code == 400
    assert "q" in response.content.decode()


def test_a_bidi_override_in_a_form_post_to_the_api_answers_400(client):
    response = client.post("/api/v1/auth/token/", {"email": "a@b.example", "password": "x\u202e"})
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert "direction" in response.json()["password"][0]


@pytest.mark.parametrize("control", ["\u200f", "\u061c"])
def test_a_direction_mark_in_the_recommended_subject_area_is_refused(control):
    """The subject area is printed on the letter, as the title is."""
    from django.core.exceptions import ValidationError

    from assessment import services
    from tests.assessment.workflow_helpers import APPROVE, Cast

    cast = Cast()
    case = cast.case("in_review")
    with pytest.raises(ValidationError) as refused:
        services.application_recommend(actor=cast.assessor, application=case,
                                       data={**APPROVE, "subject_area": "Data%s analytics" % control})
    assert list(refused.value.message_dict) == ["subject_area"]
    assert "direction" in refused.value.message_dict["subject_area"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/register/MCA%00X/", "/api/v1/assessments/MCA%00X/", "/api/v1/assessments/MCA%00X/letter/",
    "/verify/AB%00CD/", "/api/v1/verify/AB%00CD/",
])
def test_a_nul_in_the_path_answers_400_not_a_500(client, path):
    # A path segment (a reference, a code) reaches its lookup as typed; PostgreSQL text
    # cannot hold a NUL.
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "path" in response.json()
