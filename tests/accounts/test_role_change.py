"""A role change ends the account's sessions and API tokens: the new role is only reached through
a sign-in that asks for what it requires (agency staff: the second factor)."""

import pytest
from django.test import Client
from knox.models import AuthToken

from accounts.models import Organisation, User
from accounts.services import agency_organisation
from accounts.tokens import api_token_issue
from tests.factories import PASSWORD, UserFactory, enrol_second_factor, otp_code

pytestmark = pytest.mark.django_db


def token_works(api, key):
    api.credentials(HTTP_AUTHORIZATION="Token " + key)
    return api.get("/api/v1/me/").status_code == 200


def test_an_administrator_making_a_provider_an_approver_ends_its_session_and_tokens(client, api):
    provider = UserFactory(role="provider", name="Lee Chan")
    # A session and a token earned with the password alone, as a provider may.
    assert client.post("/accounts/login/", {"username": provider.email, "password": PASSWORD}).status_code == 302
    _, key = api_token_issue(user=provider)
    assert token_works(api, key)

    admin_client = Client()
    admin_client.force_login(UserFactory(role="admin"))
    response = admin_client.post("/admin/accounts/user/%d/change/" % provider.pk, {
        "email": provider.email, "name": provider.name, "role": "approver",
        "organisation": agency_organisation().pk, "language": "en", "is_active": "on",
    })
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.role == "approver"

    # Not an approver without a second factor: the old session goes back to sign in...
    response = client.get("/queue/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # ...and the old token no longer answers.
    assert api.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=provider).exists()


def test_a_role_changed_by_a_service_ends_the_session_and_the_tokens(client, api):
    user = UserFactory(role="assessor")
    client.force_login(user)
    _, key = api_token_issue(user=user)
    assert client.get("/queue/").status_code == 200
    user = User.objects.get(pk=user.pk)
    user.role = User.Role.APPROVER
    user.save()
    response = client.get("/queue/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not token_works(api, key)


def test_saving_other_fields_keeps_the_session_and_the_tokens(client, api):
    user = UserFactory(role="assessor")
    client.force_login(user)
    _, key = api_token_issue(user=user)
    user = User.objects.get(pk=user.pk)
    user.name = "Lee Chan"
    user.save()
    # A deferred role cannot have changed.
    user = User.objects.only("name").get(pk=user.pk)
    user.name = "Lee Chan-Smith"
    user.save()
    assert client.get("/queue/").status_code == 200
    assert token_works(api, key)


def test_a_role_change_not_saved_keeps_the_tokens(api):
    user = UserFactory(role="assessor")
    _, key = api_token_issue(user=user)
    user = User.objects.get(pk=user.pk)
    user.role = User.Role.APPROVER
    user.save(update_fields=["name"])
    assert token_works(api, key)


def test_a_role_change_ends_a_half_sign_in(client):
    user = UserFactory(role="registrar", organisation__name="Lakeshore University",
                       organisation__kind=Organisation.Kind.INSTITUTION)
    device = enrol_second_factor(user)
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    user = User.objects.get(pk=user.pk)
    user.role = User.Role.ADMIN
    user.organisation = agency_organisation()
    user.save()
    response = client.post("/accounts/login/code/", {"code": otp_code(device)})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_a_session_survives_a_rotation_of_the_secret_key_until_the_role_changes(client, settings):
    settings.SECRET_KEY = "the-old-secret-key-" + "x" * 40
    user = UserFactory(role="assessor")
    client.force_login(user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-key-" + "y" * 40
    assert client.get("/queue/").status_code == 200
    user = User.objects.get(pk=user.pk)
    user.role = User.Role.APPROVER
    user.save()
    assert client.get("/queue/").status_code == 302
