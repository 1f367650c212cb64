"""In a real browser: a member of the public checks a code and a letter file; a registrar adds
up a learner's stack."""

import datetime as dt

from playwright.sync_api import expect

from credentials.models import Assessment
from tests.credentials.register_world import issue, people
from tests.factories import PASSWORD, UserFactory


def test_a_visitor_checks_a_code_and_a_letter_file(page, screenshot, transactional_db, letters_dir, tmp_path):
    staff = people()
    assessment = issue(staff)
    letter = tmp_path / "letter.pdf"
    with assessment.letters.get().file.open("rb") as f:
        letter.write_bytes(f.read())

    page.goto("/verify/")
    page.fill("#id_code", assessment.verification_code.lower().replace("-", " "))
    page.click("button:has-text('Check code')")
    expect(page.locator(".agency-verdict__word")).to_have_text("CURRENT")
    expect(page.locator(".agency-facts")).to_contain_text(assessment.title)
    screenshot(page, "public-verify-code-current")

    page.set_input_files("#id_file", str(letter))
    page.click("button:has-text('Check letter')")
    expect(page.locator(".agency-verdict__word")).to_have_text("AUTHENTIC · CURRENT")
    screenshot(page, "public-verify-letter-authentic")

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(letter.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    page.set_input_files("#id_file", str(tampered))
    page.click("button:has-text('Check letter')")
    expect(page.locator(".agency-verdict__word")).to_have_text("NOT AUTHENTIC")
    screenshot(page, "public-verify-letter-tampered")

    Assessment.objects.filter(pk=assessment.pk).update(status="revoked", status_reason="Hours misrepresented.")
    page.goto("/verify/%s/" % assessment.verification_code)
    expect(page.locator(".agency-verdict__word")).to_have_text("REVOKED")
    screenshot(page, "public-verify-code-revoked")


def test_a_registrar_adds_up_a_learners_stack(page, screenshot, transactional_db, letters_dir):
    staff = people()
    first = issue(staff, letter=False)
    second = issue(staff, letter=False, level_id="OQF-5", transfer_category="lower_division")
    lapsed = issue(staff, letter=False)
    Assessment.objects.filter(pk=lapsed.pk).update(status="lapsed", current_until=dt.date(2027, 3, 2))
    registrar = UserFactory(role="registrar")
    page.goto("/accounts/login/")
    page.fill("#id_username", registrar.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav >> text=Stack")
    page.fill("#id_codes", "\n".join([
        first.verification_code,
        second.verification_code.lower() + " 2026-06-30",
        lapsed.verification_code,
        "K7QF-3MZP-9WXA-C2HD",
        first.verification_code,
    ]))
    page.click("button:has-text('Add up')")
    expect(page.locator(".agency-total__number")).to_have_text("8")
    expect(page.locator(".agency-stack tbody tr")).to_have_count(5)
    expect(page.locator(".agency-stack")).to_contain_text("No assessment has this code.")
    screenshot(page, "registrar-stack")
    page.click("nav >> text=Register")
    expect(page.locator(".agency-count")).to_contain_text("3 assessments")
    screenshot(page, "registrar-register")
