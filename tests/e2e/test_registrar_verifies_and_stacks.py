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
    expect(page.get_by_role("button", name="Download the PDF summary")).to_be_visible()
    screenshot(page, "registrar-stack")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download the PDF summary").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    with page.expect_download() as as_csv:
        page.get_by_role("button", name="Download as CSV").click()
    rows = open(as_csv.value.path(), encoding="utf-8-sig").read().splitlines()  # as a spreadsheet reads it
    assert len(rows) == 6 and rows[0].startswith("position,code")

    page.set_input_files("#id_file", files=[{
        "name": "codes.csv", "mimeType": "text/csv",
        "buffer": ("code,completed_on\n%s,2026-04-01\n%s,\nK7QF-3MZP-9WXA-C2HD,\n%s,2019-01-01\n" % (
            first.verification_code, lapsed.verification_code, second.verification_code)).encode(),
    }])
    page.get_by_role("button", name="Check the codes").click()
    expect(page.get_by_role("heading", name="4 codes checked, 3 with a problem")).to_be_visible()
    screenshot(page, "registrar-bulk-verify")
    with page.expect_download() as results:
        page.get_by_role("button", name="Download the results as CSV").click()
    rows = open(results.value.path(), encoding="utf-8-sig").read().splitlines()  # as a spreadsheet reads it
    assert len(rows) == 5 and rows[0].startswith("row,code,completed_on,status")
    page.click("nav >> text=Register")
    expect(page.locator(".agency-count")).to_contain_text("3 assessments")
    screenshot(page, "registrar-register")
