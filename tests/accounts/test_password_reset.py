"""A password is reset by email with a single-use link that expires; requests are counted by the
lockout so the form cannot flood an inbox; the new password ends the API tokens and the failed
sign-in count."""

import datetime as dt
import re

import pytest
from django.core import mail
from knox.models import AuthToken

from accounts.tokens import api_token_issue
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-2"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.SITE_URL = "https://agency.example"


def ask(client, email, address="198.51.100.1"):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def link_in(message):
    return re.search(r"https://agency\.example(/accounts/password-reset/\S+/)", message.body).group(1)


def set_password(client, link, password=NEW_PASSWORD):
    form = client.get(link, follow=True)
    return form, client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                             {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_links_to_the_reset(client):
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/login/").content.decode()


def test_a_reset_email_carries_a_link_that_works_once(client):
    user = UserFactory(email="lee@lambton.example")
    response = ask(client, "LEE@lambton.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lee@lambton.example"]
    assert message.subject == "Reset your password"
    # The link is built from SITE_URL, not from the Host header the request carried.
    link = link_in(message)
    assert link in message.alternatives[0][0]
    form, saved = set_password(client, link)
    assert "Choose a new password" in form.content.decode()
    assert saved.status_code == 302 and saved["Location"] == "/accounts/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Not signed in by the reset: the second factor is asked at sign-in.
    assert "_auth_user_id" not in client.session
    # Used once: the same link no longer works.
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
    _, refused = set_password(client, link, "yet-another-passphrase-3")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    user = UserFactory(email="lee@lambton.example")
    ask(client, user.email)
    link = link_in(mail.outbox[0])
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, 1, tzinfo=dt.UTC), tick=False)
    page = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = ask(client, "nobody@lambton.example")
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_reset_deletes_the_tokens_and_the_failed_sign_ins(client, api):
    user = UserFactory(email="lee@lambton.example")
    _, key = api_token_issue(user=user)
    for n in range(5):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong-%d" % n},
                    REMOTE_ADDR="203.0.113.%d" % n)
    # Locked out of signing in, the person can still reset the password...
    ask(client, user.email)
    set_password(client, link_in(mail.outbox[0]))
    assert not AuthToken.objects.filter(user=user).exists()
    api.credentials(HTTP_AUTHORIZATION="Token " + key)
    assert api.get("/api/v1/me/").status_code == 401
    # ...and then signs in with the new one.
    response = client.post("/accounts/login/", {"username": user.email, "password": NEW_PASSWORD},
                           REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302 and response["Location"] == "/"


def test_one_inbox_cannot_be_flooded(client):
    UserFactory(email="lee@lambton.example")
    statuses = [ask(client, "lee@lambton.example", address="198.51.100.%d" % n).status_code for n in range(8)]
    assert statuses == [302] * 5 + [429] * 3
    assert len(mail.outbox) == 5
    page = ask(client, "lee@lambton.example", address="192.0.2.77").content.decode()
    assert "Too many password reset requests" in page


def test_one_address_cannot_send_to_many_inboxes(client):
    for n in range(8):
        UserFactory(email="person%d@lambton.example" % n)
    statuses = [ask(client, "person%d@lambton.example" % n).status_code for n in range(8)]
    assert statuses == [302] * 5 + [429] * 3
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("variant", ["jeſſica.sisson@lambton.example", "jessıca.sısson@lambton.example"])
def test_a_unicode_variant_of_an_email_gets_no_reset_link(client, variant):
    UserFactory(email="jessica.sisson@lambton.example")
    response = ask(client, variant)
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
    # The same letters in another case are the account.
    ask(client, "Jessica.Sisson@lambton.example")
    assert [message.to for message in mail.outbox] == [["jessica.sisson@lambton.example"]]
