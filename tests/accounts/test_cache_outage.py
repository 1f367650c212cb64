"""The shared cache (Redis) unreachable: signing in is refused with 503 and a clear reason,
without the password being checked (the lockout cannot count, so nothing is let through), while
the API's rate limits let requests through (verification matters more than rate limiting)."""

import logging

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory, enrol_second_factor, otp_code

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Signing in is unavailable for a moment; try again shortly."


@pytest.fixture
def cache_down(settings):
    """The default cache pointed at a port where nothing listens (settings' CACHES change
    drops the cache connections Django holds)."""

    def down():
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:6391/0"}}

    return down


@pytest.mark.parametrize("password", [PASSWORD, "not-the-password"])
def test_the_sign_in_page_answers_503_whatever_the_password(client, cache_down, password):
    user = UserFactory(email="lee@lambton.example")
    cache_down()
    response = client.post("/accounts/login/", {"username": user.email, "password": password})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert UNAVAILABLE in content
    assert "not correct" not in content
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.last_login is None


@pytest.mark.parametrize("password", [PASSWORD, "not-the-password"])
def test_the_token_endpoint_answers_503_whatever_the_password(api, cache_down, password):
    user = UserFactory(email="lee@lambton.example")
    cache_down()
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": password}, format="json")
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE}
    assert response["Retry-After"] == "30"


def test_the_code_step_answers_503_when_the_cache_goes_down_meanwhile(client, cache_down):
    user = UserFactory(role="assessor")
    device = enrol_second_factor(user)
    assert client.post("/accounts/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    cache_down()
    response = client.post("/accounts/login/code/", {"code": otp_code(device)})
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_password_reset_request_answers_503_and_sends_nothing(client, cache_down):
    UserFactory(email="lee@lambton.example")
    cache_down()
    response = client.post("/accounts/password-reset/", {"email": "lee@lambton.example"})
    assert response.status_code == 503
    assert "Password reset is unavailable for a moment; try again shortly." in response.content.decode()
    assert mail.outbox == []


def test_verification_still_answers_and_each_failure_is_logged(api, cache_down, caplog, world):
    cache_down()
    code = world["assessment"].verification_code
    with caplog.at_level(logging.ERROR, logger="config.api"):
        assert api.get("/api/v1/verify/AAAA-BBBB-CCCC-DDDD/").status_code == 404
        assert api.get("/api/v1/verify/%s/" % code).status_code == 200
    errors = [r for r in caplog.records if r.name == "config.api" and r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "not rate-limited" in errors[0].getMessage()


def test_a_signed_in_client_is_not_rate_limited_while_the_cache_is_down(api_as, cache_down):
    client = api_as(UserFactory())
    cache_down()
    assert client.get("/api/v1/me/").status_code == 200
