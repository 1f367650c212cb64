"""The register, verification and stacking pages, and the demo register entries."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from credentials.letters.keys import certificate_fingerprint
from credentials.models import Assessment
from tests.factories import UserFactory

from .register_world import issue, people

pytestmark = pytest.mark.usefixtures("letters_dir")


@pytest.fixture
def staff(db):
    return people()


def test_the_public_register_lists_and_searches(staff, client):
    shown = issue(staff, letter=False)
    hidden = issue(staff, letter=False)
    Assessment.objects.filter(pk=hidden.pk).update(status="lapsed")
    page = client.get("/register/", {"q": shown.title}).content.decode()
    assert shown.reference in page
    assert hidden.reference not in page
    detail = client.get("/register/%s/" % shown.reference).content.decode()
    assert shown.title in detail
    assert shown.verification_code not in detail  # the public needs the letter for the code


def test_a_code_page_shows_the_status_in_big_words(staff, client):
    assessment = issue(staff)
    response = client.get("/verify/%s/" % assessment.verification_code.lower())
    assert response.status_code == 200
    assert "agency-verdict--current" in response.content.decode()
    assert certificate_fingerprint() in response.content.decode()
    assert client.get("/verify/AAAA-AAAA-AAAA-AAAA/").status_code == 404


def test_typing_a_code_goes_to_its_page(staff, client):
    assessment = issue(staff, letter=False)
    response = client.get("/verify/", {"code": assessment.verification_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == "/verify/%s/" % assessment.verification_code


def test_uploading_a_letter_says_authentic_or_not(staff, client):
    letter = issue(staff).letters.get()
    with letter.file.open("rb") as f:
        data = f.read()
    good = client.post("/verify/", {"file": SimpleUploadedFile("l.pdf", data, "application/pdf")})
    assert "AUTHENTIC · CURRENT" in good.content.decode()
    bad = client.post("/verify/", {"file": SimpleUploadedFile("l.pdf", data[:-200] + b"x" * 200)})
    assert "NOT AUTHENTIC" in bad.content.decode()


def test_an_approver_revokes_from_the_register_page(staff, client):
    assessment = issue(staff, letter=False)
    client.force_login(staff["approver"])
    response = client.post("/register/%s/revoke/" % assessment.reference, {"reason": "Misrepresented hours."})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "revoked"


def test_the_stacking_page_adds_up(staff, client):
    a = issue(staff, letter=False)
    client.force_login(UserFactory(role="registrar"))
    response = client.post("/stack/", {"codes": "%s 2026-05-01\nnot-a-code\n" % a.verification_code.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert a.reference in page
    assert "No assessment has this code." in page
    # The totals name each level as the framework does, not by its id alone.
    assert "<li>%s (%s): %s</li>" % (a.level_id, a.level.name, ("%s" % a.credits).removesuffix(".0")) in page


def test_seed_demo_enters_register_entries_once(db, capsys):
    call_command("seed_demo", "--force")
    first = sorted(Assessment.objects.values_list("reference", "status"))
    call_command("seed_demo", "--force")
    assert sorted(Assessment.objects.values_list("reference", "status")) == first
    # The register's own demo entries, beside the one the demo workflow's approval issued.
    statuses = {status for _, status in first}
    # The day's review sweep lapses the oldest demo entry, whose review was never filed.
    assert statuses == {"current", "expiring", "lapsed", "revoked", "superseded"}


@pytest.mark.parametrize("day", [dt.date(2026, 11, 1), dt.date(2029, 6, 1)])
def test_the_demo_is_dated_from_the_day_it_is_seeded(db, capsys, time_machine, day):
    # Seeded on any day, its current entries are current (a demo seeded after a fixed date
    # once showed them lapsed, and the stacking journey counted 4 credits instead of 8).
    time_machine.move_to(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False)
    call_command("seed_demo", "--force")
    statuses = {
        (title, status) for title, status in Assessment.objects.values_list("title", "status")
    }
    assert ("Applied Data Visualisation", "current") in statuses
    assert ("Applied Data Visualisation", "superseded") in statuses
    assert ("Cold-Climate Heat Pump Installation", "expiring") in statuses
    expiring = Assessment.objects.get(status="expiring", title="Cold-Climate Heat Pump Installation")
    assert expiring.current_until > day
