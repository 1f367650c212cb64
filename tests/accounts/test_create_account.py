import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, User

pytestmark = pytest.mark.django_db


def run_command(*argv):
    """Run the command with its command-line arguments; return (exit code, output, error).

    Django exits with CommandError.returncode and prints "CommandError: <message>" to stderr.
    """
    out = io.StringIO()
    try:
        call_command("create_account", *argv, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def test_creates_a_provider_and_its_organisation():
    code, out, _ = run_command(
        "--email", "Lee@Lambton.example", "--password", "a-long-passphrase-1",
        "--role", "provider", "--organisation", "Lambton College", "--name", "Lee Chan",
    )
    assert code == 0
    assert "Created provider account lee@lambton.example" in out
    user = User.objects.get(email="lee@lambton.example")
    assert user.name == "Lee Chan"
    assert user.check_password("a-long-passphrase-1")
    assert user.organisation.name == "Lambton College"
    assert user.organisation.kind == Organisation.Kind.PROVIDER


def test_a_registrar_organisation_is_created_as_a_receiving_institution():
    code, _, _ = run_command(
        "--email", "reg@york.example", "--password", "a-long-passphrase-1",
        "--role", "registrar", "--organisation", "York University",
    )
    assert code == 0
    assert Organisation.objects.get(name="York University").kind == Organisation.Kind.INSTITUTION


def test_a_duplicate_email_exits_1_with_a_message_and_changes_nothing():
    call_command("create_account", email="a@agency.example", password="a-long-passphrase-1", role="assessor")
    code, _, err = run_command("--email", "A@agency.example", "--password", "another-passphrase-2", "--role", "approver")
    assert code == 1
    assert "An account with the email a@agency.example already exists." in err
    user = User.objects.get(email="a@agency.example")
    assert user.role == "assessor"
    assert user.check_password("a-long-passphrase-1")


def test_a_provider_without_an_organisation_is_refused_clearly():
    code, _, err = run_command("--email", "p@college.example", "--password", "a-long-passphrase-1", "--role", "provider")
    assert code == 1
    assert "A provider account needs an organisation (--organisation NAME)." in err
    assert not User.objects.filter(email="p@college.example").exists()


def test_an_unknown_role_is_refused_by_the_argument_parser():
    code, _, err = run_command("--email", "x@y.example", "--password", "a-long-passphrase-1", "--role", "wizard")
    assert code == 1
    assert "invalid choice: 'wizard'" in err


def test_an_account_is_created_with_its_language_and_a_second_factor(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import OTP_SECRET, otp_code

    code, _, _ = run_command(
        "--email", "ana@agency.example", "--password", "a-long-passphrase-1", "--role", "assessor",
        "--language", "fr", "--otp-secret", OTP_SECRET.lower(),
    )
    assert code == 0
    user = User.objects.get(email="ana@agency.example")
    assert user.language == "fr"
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    # The code an app computes from that secret signs the person in.
    client.post("/accounts/login/", {"username": user.email, "password": "a-long-passphrase-1"})
    assert client.post("/accounts/login/code/", {"code": otp_code(device)})["Location"] == "/"


def test_the_language_is_english_unless_said(client):
    run_command("--email", "bo@agency.example", "--password", "a-long-passphrase-1", "--role", "approver")
    assert User.objects.get(email="bo@agency.example").language == "en"


@pytest.mark.parametrize("secret, problem", [("not base32!", "must be base32"), ("JBSWY3DP", "at least 16")])
def test_a_bad_second_factor_secret_is_refused_and_creates_nothing(secret, problem):
    code, _, err = run_command(
        "--email", "cy@agency.example", "--password", "a-long-passphrase-1", "--role", "assessor",
        "--otp-secret", secret,
    )
    assert code == 1
    assert problem in err
    assert not User.objects.filter(email="cy@agency.example").exists()


def test_an_unknown_language_is_refused_by_the_argument_parser():
    code, _, err = run_command("--email", "x@y.example", "--password", "a-long-passphrase-1", "--role", "assessor",
                               "--language", "de")
    assert code == 1
    assert "invalid choice: 'de'" in err
