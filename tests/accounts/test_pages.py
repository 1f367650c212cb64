import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import PASSWORD, UserFactory, enrol_second_factor, otp_code

pytestmark = pytest.mark.django_db

START_PAGE_HEADINGS = {
    "provider": "Northern Lakes College",
    "assessor": "Your cases",
    "approver": "Sign-off",
    "registrar": "Lakeshore University",
    "admin": "Administration",
}


@pytest.mark.parametrize("role", sorted(START_PAGE_HEADINGS))
def test_signing_in_lands_each_role_on_its_start_page(client, role):
    user = UserFactory(role=role)
    staff = role in {"assessor", "approver", "admin"}
    device = enrol_second_factor(user) if staff else None
    response = client.post("/accounts/login/", {"username": user.email.upper(), "password": PASSWORD}, follow=not staff)
    if staff:
        # Agency staff give a code from their authenticator app after the password.
        assert response["Location"] == "/accounts/login/code/"
        response = client.post("/accounts/login/code/", {"code": otp_code(device)}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "<h1>%s</h1>" % START_PAGE_HEADINGS[role] in response.content.decode()
    assert user.get_role_display() in response.content.decode()


def test_a_wrong_password_shows_an_error_summary_and_keeps_the_email(client):
    UserFactory(email="lee@lambton.example")
    response = client.post("/accounts/login/", {"username": "lee@lambton.example", "password": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The email or password is not correct" in page
    assert 'value="lee@lambton.example"' in page


def test_the_sign_in_form_is_labelled_for_screen_readers(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<label class="ontario-label" for="id_username">Email address' in page
    assert '<label class="ontario-label" for="id_password">Password' in page
    assert 'href="#main"' in page


def test_a_field_error_is_tied_to_its_input(client):
    page = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert 'id="id_username_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#id_username"' in page


def test_signing_out_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_navigation_follows_the_role(client):
    client.force_login(UserFactory(role="admin"))
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(UserFactory(role="provider"))
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_only_administrators_get_into_the_django_admin(client):
    client.force_login(UserFactory(role="approver"))
    assert client.get("/admin/accounts/user/").status_code == 302
    client.force_login(UserFactory(role="admin"))
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/organisation/").status_code == 200


@pytest.mark.parametrize("model", ["assessment/application", "assessment/outboxmessage", "credentials/microcredential"])
def test_records_the_services_own_are_read_only_in_the_admin(client, model):
    client.force_login(UserFactory(role="admin"))
    assert client.get("/admin/%s/" % model).status_code == 200
    assert client.get("/admin/%s/add/" % model).status_code == 403


def test_an_administrator_creates_and_edits_an_account_in_the_admin(client):
    admin = UserFactory(role="admin")
    client.force_login(admin)
    assert client.get("/admin/accounts/user/add/").status_code == 200
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Agency.example",
            "name": "New Person",
            "role": "assessor",
            "organisation": admin.organisation_id,
            "language": "fr",
            "password": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new.person@agency.example")
    assert user.check_password("a-long-passphrase-1")
    assert user.language == "fr"
    assert client.get("/admin/accounts/user/%d/change/" % user.pk).status_code == 200


def test_the_admin_refuses_a_role_in_the_wrong_organisation(client):
    admin = UserFactory(role="admin")
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"email": "x@agency.example", "role": "provider", "organisation": admin.organisation_id, "password": "a-long-passphrase-1"},
    )
    assert response.status_code == 200
    assert "A provider belongs to a provider" in response.content.decode()
    assert not User.objects.filter(email="x@agency.example").exists()


def test_the_design_system_is_installed_and_served_locally(client):
    page = client.get("/").content.decode()
    for path in (
        "ods/global/styles/css/compiled/ontario-theme.min.css",
        "ods/components/ontario-button/ontario-button.css",
        "css/agency.css",
    ):
        assert "/static/" + path in page
        assert finders.find(path), "%s is missing: run the setup (npm ci)" % path
    assert "https://" not in page.split("<body>")[0]


def test_seed_demo_prints_working_accounts_and_is_safe_to_run_twice(client, capsys):
    call_command("seed_demo", "--force")
    first = capsys.readouterr().out
    count = User.objects.count()
    call_command("seed_demo", "--force")
    assert User.objects.count() == count
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    line = next(line for line in first.splitlines() if "registrar@" in line)
    _, email, password, *_ = line.split()
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response.status_code == 302


def test_seed_demo_refuses_without_debug_and_leaves_real_accounts_alone(settings):
    # A production database may hold an account at a demo address; running the demo there
    # would reset it to the printed password.
    settings.DEBUG = False
    real = UserFactory(role=User.Role.APPROVER, email="approver@agency.example", password="a-real-secret-2026")
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    real.refresh_from_db()
    assert real.check_password("a-real-secret-2026")
    assert not User.objects.filter(email="provider@northernlakes.example").exists()


def test_seed_demo_runs_under_debug_without_force(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert "provider@northernlakes.example" in capsys.readouterr().out
