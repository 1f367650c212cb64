"""Repeated failed sign-ins are refused for a while, per account and per client address, on the
sign-in page and the token endpoint alike (finding 1)."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-ins"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # The anonymous API throttle would answer 429 first; these tests are about the lockout.
    settings.THROTTLE_ANON = "100000/minute"
    settings.LOGIN_FAILURE_LIMIT = 5


def page_sign_in(client, email, password, address="198.51.100.1"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def token(api, email, password, address="198.51.100.1", **extra):
    return api.post("/api/v1/auth/token/", {"email": email, "password": password, **extra}, format="json",
                    REMOTE_ADDR=address)


def test_200_wrong_passwords_on_the_page_then_the_right_one_is_refused(client):
    user = UserFactory(email="lee@lambton.example")
    statuses = [page_sign_in(client, user.email, "wrong-%d" % n).status_code for n in range(200)]
    assert statuses == [200] * 5 + [429] * 195
    response = page_sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_200_wrong_passwords_on_the_token_endpoint_then_the_right_one_is_refused(api):
    user = UserFactory(email="lee@lambton.example")
    statuses = [token(api, user.email, "wrong-%d" % n).status_code for n in range(200)]
    assert statuses == [400] * 5 + [429] * 195
    response = token(api, user.email, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]


def test_a_locked_account_is_locked_from_another_address_too(client, api):
    user = UserFactory(email="lee@lambton.example")
    for n in range(5):
        page_sign_in(client, user.email, "wrong-%d" % n, address="198.51.100.1")
    assert page_sign_in(client, user.email, PASSWORD, address="203.0.113.50").status_code == 429
    assert token(api, user.email, PASSWORD, address="203.0.113.51").status_code == 429


def test_one_address_failing_across_many_accounts_is_locked_out(client, api):
    target = UserFactory(email="target@lambton.example")
    for n in range(5):
        page_sign_in(client, "someone%d@lambton.example" % n, "guess", address="198.51.100.7")
    assert page_sign_in(client, target.email, PASSWORD, address="198.51.100.7").status_code == 429
    assert token(api, target.email, PASSWORD, address="198.51.100.7").status_code == 429
    # The account itself is not locked: from elsewhere its owner signs in.
    assert page_sign_in(client, target.email, PASSWORD, address="203.0.113.9").status_code == 302


def test_failures_on_the_page_and_the_api_add_up(client, api):
    user = UserFactory(email="lee@lambton.example")
    for n in range(3):
        page_sign_in(client, user.email, "wrong-%d" % n)
    for n in range(2):
        assert token(api, user.email, "wrong-api-%d" % n).status_code == 400
    assert token(api, user.email, PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_accounts_count(client):
    user = UserFactory(email="lee@lambton.example")
    for n in range(4):
        page_sign_in(client, user.email, "wrong-%d" % n, address="198.51.100.%d" % n)
    assert page_sign_in(client, user.email, PASSWORD, address="203.0.113.1").status_code == 302
    client.logout()
    # Four more failures from fresh addresses do not reach the limit again.
    for n in range(4):
        assert page_sign_in(client, user.email, "again-%d" % n, address="192.0.2.%d" % n).status_code == 200
    assert page_sign_in(client, user.email, PASSWORD, address="203.0.113.2").status_code == 302


def test_the_limit_is_a_setting(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    user = UserFactory(email="lee@lambton.example")
    assert [page_sign_in(client, user.email, "x").status_code for _ in range(3)] == [200, 200, 429]


def test_the_lockout_ends_after_its_period(client, settings):
    import time

    settings.LOGIN_LOCKOUT_SECONDS = 1
    user = UserFactory(email="lee@lambton.example")
    for n in range(5):
        page_sign_in(client, user.email, "wrong-%d" % n)
    assert page_sign_in(client, user.email, PASSWORD).status_code == 429
    time.sleep(2.1)
    assert page_sign_in(client, user.email, PASSWORD).status_code == 302


def test_an_empty_form_is_not_a_failed_sign_in(client):
    user = UserFactory(email="lee@lambton.example")
    for _ in range(10):
        assert client.post("/accounts/login/", {"username": user.email, "password": ""}).status_code == 200
    assert page_sign_in(client, user.email, PASSWORD).status_code == 302


# Email variants: PostgreSQL's UPPER() folds `ſ` to S and `ı` to I, Python's lower() does not, so
# an account found case-insensitively in the database escaped the lockout keyed in Python.
VARIANTS = ["jeſſica.sisson@lambton.example", "jessıca.sısson@lambton.example"]


def lock(client, email):
    for n in range(5):
        page_sign_in(client, email, "wrong-%d" % n, address="198.51.100.%d" % n)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_locked_account_is_not_signed_in_on_the_page_by_a_unicode_variant_of_its_email(client, variant):
    user = UserFactory(email="jessica.sisson@lambton.example")
    lock(client, user.email)
    response = page_sign_in(client, variant, PASSWORD, address="203.0.113.60")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # The same letters in another case are the same account, and it is locked.
    assert page_sign_in(client, "Jessica.Sisson@Lambton.example", PASSWORD, address="203.0.113.61").status_code == 429


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_locked_account_gets_no_token_for_a_unicode_variant_of_its_email(client, api, variant):
    user = UserFactory(email="jessica.sisson@lambton.example")
    lock(client, user.email)
    response = token(api, variant, PASSWORD, address="203.0.113.60")
    assert response.status_code == 400
    assert "not correct" in response.json()["detail"]
    assert token(api, "JESSICA.SISSON@lambton.example", PASSWORD, address="203.0.113.61").status_code == 429


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_unicode_variant_of_an_email_is_another_account_even_unlocked(client, variant):
    UserFactory(email="jessica.sisson@lambton.example")
    assert page_sign_in(client, variant, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_locked_sign_in_page_says_when_to_try_again(client, settings, time_machine):
    time_machine.move_to("2026-03-02 10:00:00 -05:00", tick=False)
    user = UserFactory(email="lee@lambton.example")
    lock(client, user.email)
    response = page_sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    # Ten minutes later, five are left.
    time_machine.move_to("2026-03-02 10:10:00 -05:00", tick=False)
    response = page_sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert "Try again in 5 minutes." in response.content.decode()


def test_a_locked_token_request_says_when_to_try_again(client, api, settings, time_machine):
    time_machine.move_to("2026-03-02 10:00:00 -05:00", tick=False)
    user = UserFactory(email="lee@lambton.example")
    lock(client, user.email)
    response = token(api, user.email, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    time_machine.move_to("2026-03-02 10:14:30 -05:00", tick=False)
    response = token(api, user.email, PASSWORD)
    assert response["Retry-After"] == "30"
    assert response.json()["detail"] == "Too many failed sign-ins. Try again in 1 minute."


def test_a_locked_code_step_and_reset_request_say_when_to_try_again(client, settings):
    from tests.factories import enrol_second_factor

    settings.LOGIN_FAILURE_LIMIT = 1
    user = UserFactory(role="assessor")
    enrol_second_factor(user)
    page_sign_in(client, user.email, PASSWORD)
    client.post("/accounts/login/code/", {"code": "000000"}, REMOTE_ADDR="198.51.100.1")
    response = client.post("/accounts/login/code/", {"code": "000000"}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429 and response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
    client.post("/accounts/password-reset/", {"email": user.email})
    response = client.post("/accounts/password-reset/", {"email": user.email})
    assert response.status_code == 429 and response["Retry-After"] == str(settings.LOGIN_LOCKOUT_SECONDS)
