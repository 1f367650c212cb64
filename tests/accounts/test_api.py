import pytest
from django.test import override_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from config.errors import DomainError, NotPermitted, TransitionNotAllowed
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_token_is_issued_for_the_right_email_and_password_each_time(api):
    UserFactory(email="lee@lambton.example")
    response = api.post("/api/v1/auth/token/", {"email": "LEE@lambton.example", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}
    again = api.post("/api/v1/auth/token/", {"email": "lee@lambton.example", "password": PASSWORD}, format="json")
    assert again.json()["token"] != response.json()["token"]
    for issued in (response, again):
        api.credentials(HTTP_AUTHORIZATION="Token " + issued.json()["token"])
        assert api.get("/api/v1/me/").json()["email"] == "lee@lambton.example"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "lee@lambton.example", "password": "wrong"},
        {"email": "nobody@lambton.example", "password": PASSWORD},
    ],
)
def test_bad_credentials_answer_400_with_a_reason(api, body):
    UserFactory(email="lee@lambton.example")
    response = api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "not correct" in response.json()["detail"]


def test_missing_fields_answer_400_per_field(api):
    response = api.post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"email", "password"}


def test_an_inactive_account_gets_no_token(api):
    UserFactory(email="gone@lambton.example", is_active=False)
    response = api.post("/api/v1/auth/token/", {"email": "gone@lambton.example", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_me_describes_the_token_holder(api_as):
    user = UserFactory(role="registrar", email="reg@york.example", name="Riley Registrar")
    response = api_as(user).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": "reg@york.example",
        "name": "Riley Registrar",
        "role": "registrar",
        "language": "en",
        "organisation": {"id": user.organisation.id, "name": "Lakeshore University", "kind": "institution"},
    }


def test_me_answers_401_without_credentials(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_me_answers_401_for_an_unknown_token(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert api.get("/api/v1/me/").status_code == 401


def test_a_browser_session_also_authenticates(client):
    user = UserFactory(role="assessor")
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["role"] == "assessor"


@override_settings(THROTTLE_ANON="3/minute")
def test_anonymous_clients_are_throttled_at_the_configured_rate(api):
    statuses = [
        api.post("/api/v1/auth/token/", {"email": "a@b.example", "password": "x"}, format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


@override_settings(THROTTLE_USER="2/minute")
def test_signed_in_clients_are_throttled_at_their_own_rate(api_as):
    client = api_as(UserFactory())
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]


class _Refuses(APIView):
    permission_classes = []
    authentication_classes = []
    error = None

    def get(self, request):
        raise self.error


@pytest.mark.parametrize(
    "error, status, body",
    [
        (DomainError("Title must not say degree."), 400, {"detail": "Title must not say degree."}),
        (NotPermitted("Only approvers may assign."), 403, {"detail": "Only approvers may assign."}),
        (
            TransitionNotAllowed("A draft cannot be signed off.", state="draft"),
            409,
            {"detail": "A draft cannot be signed off.", "state": "draft"},
        ),
    ],
)
def test_one_handler_maps_domain_errors_to_their_status(error, status, body):
    view = _Refuses.as_view(error=error)
    response = view(APIRequestFactory().get("/"))
    assert response.status_code == status
    assert response.data == body


def test_the_schema_and_the_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content and b"unpkg" not in docs.content
    assert b"/static/drf_spectacular_sidecar/" in docs.content


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/me/" in target.read_text()


@override_settings(THROTTLE_ANON="3/minute", THROTTLE_USER="1000/minute")
def test_signed_in_clients_do_not_use_up_the_anonymous_allowance(api, api_as):
    signed_in = api_as(UserFactory())
    assert all(signed_in.get("/api/v1/me/").status_code == 200 for _ in range(5))
    assert [api.get("/api/v1/frameworks/").status_code for _ in range(4)] == [200, 200, 200, 429]


@override_settings(THROTTLE_ANON="2/minute")
def test_a_throttled_answer_says_when_to_retry(api):
    for _ in range(2):
        api.get("/api/v1/frameworks/")
    response = api.get("/api/v1/frameworks/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_throttle_weighs_the_previous_window(settings):
    """A client that used its allowance late in one minute is still limited early in the next."""
    from unittest import mock

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from config.api import AnonThrottle

    settings.THROTTLE_ANON = "10/minute"
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    def allowed_at(moment, times):
        with mock.patch.object(AnonThrottle, "timer", lambda self: moment):
            return [AnonThrottle().allow_request(request, None) for _ in range(times)]

    assert allowed_at(6000 + 59, 10) == [True] * 10
    # 6 s into the next minute, 90% of the last minute's 10 still count: one more fits.
    assert allowed_at(6060 + 6, 3) == [True, False, False]
    # Half way, five.
    assert allowed_at(6060 + 30, 5).count(True) == 4


def test_me_changes_the_language(api_as):
    user = UserFactory()
    client = api_as(user)
    response = client.patch("/api/v1/me/", {"language": "fr"}, format="json")
    assert response.status_code == 200
    assert response.json()["language"] == "fr"
    user.refresh_from_db()
    assert user.language == "fr"
    assert client.get("/api/v1/me/").json()["language"] == "fr"


@pytest.mark.parametrize("body", [{"language": "de"}, {"language": ""}, {"language": None}])
def test_me_refuses_an_unknown_language(api_as, body):
    response = api_as(UserFactory()).patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["language"]
