"""API tokens (finding 11): stored hashed, shown once, expiring after TOKEN_TTL_DAYS, deleted by
logout, by any change of the password and by deactivation; the admin shows no key."""

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.db import connection
from knox.models import AuthToken

from accounts.tokens import api_token_issue
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def issue(api, user):
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def works(api, key):
    api.credentials(HTTP_AUTHORIZATION="Token " + key)
    return api.get("/api/v1/me/").status_code == 200


def test_the_database_holds_no_plain_token(api):
    user = UserFactory()
    key = issue(api, user)["token"]
    assert len(key) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored
    # What is kept: a SHA-512 digest, and the first characters to find it by.
    record = AuthToken.objects.get(user=user)
    assert record.digest == hashlib.sha512(key.encode()).hexdigest()
    assert len(record.token_key) == 15


def test_the_old_plain_text_token_table_is_gone():
    assert "authtoken_token" not in connection.introspection.table_names()


def test_a_token_expires_after_token_ttl_days(api, settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    answer = issue(api, UserFactory())
    assert dt.datetime.fromisoformat(answer["expires_at"]) == dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(dt.datetime(2026, 4, 1, 8, 59, tzinfo=dt.UTC), tick=False)
    assert works(api, answer["token"])
    time_machine.move_to(dt.datetime(2026, 4, 1, 9, 1, tzinfo=dt.UTC), tick=False)
    assert not works(api, answer["token"])
    assert not AuthToken.objects.exists()


def test_logout_deletes_the_token_used_and_no_other(api):
    user = UserFactory()
    first, second = issue(api, user)["token"], issue(api, user)["token"]
    api.credentials(HTTP_AUTHORIZATION="Token " + first)
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert not works(api, first)
    assert works(api, second)
    assert AuthToken.objects.filter(user=user).count() == 1


def test_logout_with_a_session_ends_that_session(client):
    user = UserFactory()
    client.force_login(user)
    _, key = api_token_issue(user=user)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code in (401, 403)
    # The account's tokens are another client's: they stay.
    assert AuthToken.objects.filter(user=user).count() == 1


def test_logout_without_credentials_is_401(api):
    assert api.post("/api/v1/auth/logout/").status_code == 401


def test_a_password_changed_by_a_service_deletes_the_tokens(api):
    user = UserFactory()
    key = issue(api, user)["token"]
    other = UserFactory()
    other_key = issue(api, other)["token"]
    user.set_password("a-new-long-passphrase-2")
    user.save()
    assert not works(api, key)
    assert not AuthToken.objects.filter(user=user).exists()
    assert works(api, other_key)


def test_the_admins_password_form_deletes_the_tokens(api, client):
    user = UserFactory()
    key = issue(api, user)["token"]
    client.force_login(UserFactory(role="admin"))
    response = client.post("/admin/accounts/user/%d/password/" % user.pk,
                           {"password1": "a-new-long-passphrase-2", "password2": "a-new-long-passphrase-2"})
    assert response.status_code == 302
    assert not works(api, key)


def test_changepassword_deletes_the_tokens(api, monkeypatch):
    user = UserFactory()
    key = issue(api, user)["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-new-long-passphrase-2")
    call_command("changepassword", user.email)
    assert not works(api, key)


def test_deactivating_in_the_admin_deletes_the_tokens(api, client):
    user = UserFactory(name="Lee Chan")
    key = issue(api, user)["token"]
    client.force_login(UserFactory(role="admin"))
    response = client.post("/admin/accounts/user/%d/change/" % user.pk, {
        "email": user.email, "name": user.name, "role": user.role, "organisation": user.organisation_id,
        "language": "en",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not AuthToken.objects.filter(user=user).exists()
    # Reactivated, the account has no old token to come back to.
    user.is_active = True
    user.save()
    assert not works(api, key)


def test_deactivating_by_a_service_deletes_the_tokens(api):
    user = UserFactory()
    key = issue(api, user)["token"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not AuthToken.objects.filter(user=user).exists()
    assert not works(api, key)


def test_signing_in_or_changing_the_language_keeps_the_tokens(api, client):
    user = UserFactory()
    key = issue(api, user)["token"]
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    api.credentials(HTTP_AUTHORIZATION="Token " + key)
    assert api.patch("/api/v1/me/", {"language": "fr"}, format="json").json()["language"] == "fr"
    assert works(api, key)


def test_the_admin_pages_show_no_token_key(api, client):
    admin = UserFactory(role="admin")
    holder = UserFactory(email="lee@lambton.example")
    key = issue(api, holder)["token"]
    record = AuthToken.objects.get(user=holder)
    client.force_login(admin)
    pages = {
        path: client.get(path)
        for path in (
            "/admin/",
            "/admin/knox/authtoken/",
            "/admin/knox/authtoken/%s/change/" % record.pk,
            "/admin/accounts/user/%d/change/" % holder.pk,
        )
    }
    for path, page in pages.items():
        assert page.status_code == 200, path
        text = page.content.decode()
        assert key not in text and key[:8] not in text.replace(record.digest, ""), path
    assert holder.get_full_name() in pages["/admin/knox/authtoken/"].content.decode()
    # Searching by the start of a key finds nothing: the admin is not a way to test guesses.
    assert "0 results" in client.get("/admin/knox/authtoken/?q=" + key[:15]).content.decode()
    # Tokens are not made in the admin (it would show the key); an administrator may delete one.
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    response = client.post("/admin/knox/authtoken/%s/delete/" % record.pk, {"post": "yes"})
    assert response.status_code == 302
    assert not works(api, key)


@pytest.mark.parametrize("credential", [
    # WSGI headers are latin-1 text: these are the bytes FF FE, which are not UTF-8.
    "\xff\xfe",
    "\xe9" * 64,
    # PostgreSQL text cannot hold NUL: looked up, it failed in the database.
    "\x00" * 64,
    "g" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 15,
], ids=["not-utf-8", "latin-1", "nul", "not-hex", "short", "long", "prefix-only"])
@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/verify/AAAA-BBBB-CCCC-DDDD/", "/api/v1/assessments/"])
def test_a_token_that_is_not_64_hex_characters_answers_401_json(client, path, credential):
    response = client.get(path, HTTP_AUTHORIZATION="Token " + credential)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Invalid token."}


def test_a_well_formed_token_nobody_holds_answers_401(client):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token " + "ab" * 32)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
