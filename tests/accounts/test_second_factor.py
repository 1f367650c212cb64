"""The second factor: agency staff sign in with a password and a code from an authenticator app
(TOTP), on the pages and for an API token; they enrol at their first sign-in; providers and
registrars may enrol from their account page and then must give codes too."""

import base64
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import secret_base32
from tests.factories import PASSWORD, UserFactory, enrol_second_factor, otp_code

pytestmark = pytest.mark.django_db

STAFF = ["assessor", "approver", "admin"]


def password_step(client, user, **extra):
    return client.post("/accounts/login/", {"username": user.email, "password": PASSWORD, **extra})


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def code_from_the_page(page):
    """What a person types after scanning: the secret shown on the page, into their app."""
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return "%06d" % totp(key)


@pytest.mark.parametrize("role", STAFF)
def test_staff_give_a_code_after_the_password_before_they_are_signed_in(client, role):
    user = UserFactory(role=role)
    device = enrol_second_factor(user)
    response = password_step(client, user)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    # Half signed in: no session yet, so no page opens.
    assert signed_in_as(client) is None
    assert client.get("/queue/").status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)
    page = client.get("/accounts/login/code/").content.decode()
    assert "Code from your authenticator app" in page
    response = client.post("/accounts/login/code/", {"code": otp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(user.pk)


def test_the_code_step_keeps_where_the_person_was_going(client):
    user = UserFactory(role="assessor")
    device = enrol_second_factor(user)
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD, "next": "/queue/"})
    response = client.post("/accounts/login/code/", {"code": otp_code(device)})
    assert response["Location"] == "/queue/"


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = UserFactory(role="approver")
    device = enrol_second_factor(user)
    password_step(client, user)
    right = otp_code(device)
    wrong = "%06d" % ((int(right) + 1) % 1_000_000)
    response = client.post("/accounts/login/code/", {"code": wrong})
    assert response.status_code == 200
    assert "This code is not correct" in response.content.decode()
    assert signed_in_as(client) is None
    client.post("/accounts/login/code/", {"code": wrong})
    client.post("/accounts/login/code/", {"code": wrong})
    # Three failures: even the right code is refused now, and so is the password.
    response = client.post("/accounts/login/code/", {"code": right})
    assert response.status_code == 429
    assert signed_in_as(client) is None
    assert password_step(client, user).status_code == 429


def test_a_code_is_accepted_once(client):
    user = UserFactory(role="assessor")
    device = enrol_second_factor(user)
    code = otp_code(device)
    password_step(client, user)
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, user)
    response = client.post("/accounts/login/code/", {"code": code})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert signed_in_as(client) is None


def test_the_half_sign_in_expires(client, settings, time_machine):
    user = UserFactory(role="assessor")
    device = enrol_second_factor(user)
    time_machine.move_to("2026-03-02 10:00:00 -05:00", tick=False)
    password_step(client, user)
    time_machine.move_to("2026-03-02 10:05:01 -05:00", tick=False)
    response = client.post("/accounts/login/code/", {"code": otp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client):
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"
    assert client.post("/accounts/login/enrol/", {"code": "123456"})["Location"] == "/accounts/login/"


@pytest.mark.parametrize("role", STAFF)
def test_staff_without_a_device_enrol_at_their_first_sign_in_with_a_real_code(client, role):
    user = UserFactory(role=role)
    response = password_step(client, user)
    assert response["Location"] == "/accounts/login/enrol/"
    page = client.get("/accounts/login/enrol/").content.decode()
    assert "<svg" in page and "QR code" in page
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert secret_base32(device) in page
    # The QR code says the same secret, for the agency's issuer name.
    assert "otpauth://totp/" in device.config_url
    # Showing the page again shows the same secret (the app already scanned it).
    assert secret_base32(device) in client.get("/accounts/login/enrol/").content.decode()
    assert signed_in_as(client) is None
    response = client.post("/accounts/login/enrol/", {"code": code_from_the_page(page)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(user.pk)
    device.refresh_from_db()
    assert device.confirmed
    # Next time: the code step, not the enrolment.
    client.post("/accounts/logout/")
    assert password_step(client, user)["Location"] == "/accounts/login/code/"


def test_a_wrong_code_does_not_confirm_the_enrolment(client):
    user = UserFactory(role="assessor")
    password_step(client, user)
    client.get("/accounts/login/enrol/")
    device = TOTPDevice.objects.get(user=user)
    wrong = "%06d" % ((int(otp_code(device)) + 1) % 1_000_000)
    response = client.post("/accounts/login/enrol/", {"code": wrong})
    assert response.status_code == 200
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert signed_in_as(client) is None


@pytest.mark.parametrize("code", ["12345", "abcdef", "1234567"])
def test_a_code_that_is_not_six_digits_is_refused_clearly(client, code):
    user = UserFactory(role="assessor")
    enrol_second_factor(user)
    password_step(client, user)
    response = client.post("/accounts/login/code/", {"code": code})
    assert response.status_code == 200
    assert "Enter the 6 digits" in response.content.decode()


def test_providers_sign_in_with_the_password_alone_until_they_enrol(client):
    user = UserFactory(role="provider")
    assert password_step(client, user)["Location"] == "/"


def test_a_registrar_enrols_from_their_account_page_and_then_must_give_codes(client):
    user = UserFactory(role="registrar")
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'href="/accounts/security/"' in home
    page = client.get("/accounts/security/").content.decode()
    assert "<svg" in page
    response = client.post("/accounts/security/", {"code": code_from_the_page(page)})
    assert response.status_code == 302
    assert "set up" in client.get("/accounts/security/").content.decode()
    client.post("/accounts/logout/")
    response = password_step(client, user)
    assert response["Location"] == "/accounts/login/code/"
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert client.post("/accounts/login/code/", {"code": otp_code(device, steps=1)})["Location"] == "/"


def test_the_account_page_refuses_a_wrong_code(client):
    user = UserFactory(role="provider")
    client.force_login(user)
    client.get("/accounts/security/")
    device = TOTPDevice.objects.get(user=user)
    wrong = "%06d" % ((int(otp_code(device)) + 1) % 1_000_000)
    response = client.post("/accounts/security/", {"code": wrong})
    assert response.status_code == 200
    assert "This code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


# The API token


def ask_token(api, user, **extra):
    return api.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD, **extra}, format="json")


@pytest.mark.parametrize("role", STAFF)
def test_staff_must_send_the_code_for_a_token(api, role):
    user = UserFactory(role=role)
    device = enrol_second_factor(user)
    missing = ask_token(api, user)
    assert missing.status_code == 400 and list(missing.json()) == ["otp"]
    wrong = ask_token(api, user, otp="%06d" % ((int(otp_code(device)) + 1) % 1_000_000))
    assert wrong.status_code == 400 and list(wrong.json()) == ["otp"]
    # django-otp makes a device wait a second after a wrong code; the next period's code is valid.
    time.sleep(1.1)
    right = ask_token(api, user, otp=otp_code(device, steps=1))
    assert right.status_code == 200
    assert set(right.json()) == {"token", "expires_at"}


def test_staff_without_a_device_get_no_token_and_are_told_to_enrol(api):
    user = UserFactory(role="assessor")
    response = ask_token(api, user, otp="123456")
    assert response.status_code == 400
    assert "enrol at sign-in first" in response.json()["otp"][0]


def test_a_replayed_code_gets_no_second_token(api):
    user = UserFactory(role="approver")
    device = enrol_second_factor(user)
    code = otp_code(device)
    assert ask_token(api, user, otp=code).status_code == 200
    replay = ask_token(api, user, otp=code)
    assert replay.status_code == 400 and "otp" in replay.json()


def test_an_enrolled_provider_must_send_the_code_for_a_token(api):
    user = UserFactory(role="provider")
    assert ask_token(api, user).status_code == 200
    device = enrol_second_factor(user)
    assert ask_token(api, user).status_code == 400
    assert ask_token(api, user, otp=otp_code(device)).status_code == 200


def test_a_wrong_password_with_a_right_code_is_a_bad_credential(api):
    user = UserFactory(role="assessor")
    device = enrol_second_factor(user)
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": "nope", "otp": otp_code(device)},
                        format="json")
    assert response.status_code == 400
    assert "not correct" in response.json()["detail"]


# The Django admin's own login


def test_the_admin_login_sends_people_to_the_agency_sign_in(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/user/"
    # Its password form is not a way around the second factor.
    admin = UserFactory(role="admin")
    enrol_second_factor(admin)
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert signed_in_as(client) is None
    # And an admin page sends an anonymous visitor the same way.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_the_admin_login_tells_a_signed_in_non_administrator_no(client):
    client.force_login(UserFactory(role="approver"))
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_an_administrator_signs_in_with_the_code_and_lands_in_the_admin(client):
    admin = UserFactory(role="admin")
    device = enrol_second_factor(admin)
    client.post("/accounts/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    response = client.post("/accounts/login/code/", {"code": otp_code(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_shows_no_second_factor_secret(client):
    admin = UserFactory(role="admin")
    device = enrol_second_factor(admin)
    client.force_login(admin)
    pages = [client.get("/admin/otp_totp/totpdevice/"),
             client.get("/admin/otp_totp/totpdevice/%d/change/" % device.pk)]
    assert [p.status_code for p in pages] == [200, 200]
    for page in pages:
        text = page.content.decode()
        assert device.key not in text and secret_base32(device).replace(" ", "") not in text.replace(" ", "")
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


# An unfinished enrolment


def secret_on(page):
    return re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1)


def test_two_half_sign_ins_get_different_secrets_and_the_first_no_longer_confirms(client):
    from django.test import Client

    user = UserFactory(role="assessor")
    other = Client()
    password_step(client, user)
    first = client.get("/accounts/login/enrol/").content.decode()
    # Someone else with the password starts a half sign-in of their own.
    password_step(other, user)
    second = other.get("/accounts/login/enrol/").content.decode()
    assert secret_on(first) != secret_on(second)
    # The first secret is no longer the one being enrolled, from either session.
    for session in (client, other):
        response = session.post("/accounts/login/enrol/", {"code": code_from_the_page(first)})
        assert response.status_code == 200
        assert signed_in_as(session) is None
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # Each session confirms only the secret its own page shows now.
    latest = other.get("/accounts/login/enrol/").content.decode()
    assert secret_on(latest) not in (secret_on(first), secret_on(second))
    assert other.post("/accounts/login/enrol/", {"code": code_from_the_page(latest)})["Location"] == "/"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_new_half_sign_in_shows_a_new_secret(client):
    user = UserFactory(role="approver")
    password_step(client, user)
    first = secret_on(client.get("/accounts/login/enrol/").content.decode())
    assert secret_on(client.get("/accounts/login/enrol/").content.decode()) == first
    password_step(client, user)
    assert secret_on(client.get("/accounts/login/enrol/").content.decode()) != first
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_account_page_confirms_only_the_secret_it_showed(client):
    from django.test import Client

    user = UserFactory(role="provider")
    other = Client()
    client.force_login(user)
    other.force_login(user)
    first = client.get("/accounts/security/").content.decode()
    second = other.get("/accounts/security/").content.decode()
    assert secret_on(first) != secret_on(second)
    # The second page's secret is not the first session's to confirm.
    assert client.post("/accounts/security/", {"code": code_from_the_page(second)}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    latest = client.get("/accounts/security/").content.decode()
    assert client.post("/accounts/security/", {"code": code_from_the_page(latest)}).status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed


def test_a_password_reset_ends_an_unfinished_enrolment(client, settings):
    from django.core import mail

    settings.SITE_URL = "https://agency.example"
    user = UserFactory(role="assessor")
    password_step(client, user)
    page = client.get("/accounts/login/enrol/").content.decode()
    client.post("/accounts/password-reset/", {"email": user.email})
    link = re.search(r"https://agency\.example(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-long-passphrase-2",
                                             "new_password2": "a-new-long-passphrase-2"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    # The secret shown before the reset confirms nothing after it.
    client.post("/accounts/login/", {"username": user.email, "password": "a-new-long-passphrase-2"})
    assert secret_on(client.get("/accounts/login/enrol/").content.decode()) != secret_on(page)
    response = client.post("/accounts/login/enrol/", {"code": code_from_the_page(page)})
    assert response.status_code == 200 and signed_in_as(client) is None


@pytest.mark.parametrize("spacing", ["{0} {1}", "{0}\t{1}", "{0}\n{1}", " {0}{1}\r\n"])
def test_a_code_with_spaces_tabs_or_newlines_is_accepted_on_the_api_as_on_the_page(api, client, spacing):
    user = UserFactory(role="assessor")
    device = enrol_second_factor(user)
    code = otp_code(device)
    typed = spacing.format(code[:3], code[3:])
    assert ask_token(api, user, otp=typed).status_code == 200
    password_step(client, user)
    # The API used this period's code; the page takes the next one, typed the same way.
    code = otp_code(device, steps=1)
    response = client.post("/accounts/login/code/", {"code": spacing.format(code[:3], code[3:])})
    assert response.status_code == 302 and signed_in_as(client) == str(user.pk)
