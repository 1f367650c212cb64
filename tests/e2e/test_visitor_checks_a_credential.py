"""In a real browser: a visitor downloads an assessment's verifiable credential from the
register, checks it on /verify/ (pasted, then a tampered file), and sees it revoked once the
agency revokes the assessment."""

import json

from playwright.sync_api import expect

from credentials.services import assessment_revoke
from tests.credentials.register_world import issue, people


def test_a_visitor_checks_a_credential_from_the_register(page, screenshot, transactional_db, letters_dir, tmp_path):
    staff = people()
    assessment = issue(staff, letter=False)

    page.goto("/register/%s/" % assessment.reference)
    expect(page.locator("#credential")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the credential (JSON)").click()
    assert download.value.suggested_filename == "%s-credential.json" % assessment.reference
    text = open(download.value.path(), encoding="utf-8").read()
    credential = json.loads(text)
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    screenshot(page, "public-register-entry-credential")

    page.goto("/verify/")
    page.fill("#id_credential", text)
    page.click("button:has-text('Check credential')")
    expect(page.locator(".agency-verdict__word")).to_have_text("VERIFIED")
    for check, answer in (("proof", "Holds"), ("issuer", "Yes"), ("status", "Not revoked"), ("validity", "Yes")):
        expect(page.locator("tr[data-check=%s] td" % check).first).to_have_text(answer)
    screenshot(page, "public-verify-credential-verified")

    tampered = tmp_path / "tampered.json"
    tampered.write_text(text.replace(assessment.level_id, "OQF-1", 1), encoding="utf-8")
    page.set_input_files("#id_credential_file", str(tampered))
    page.click("button:has-text('Check credential')")
    expect(page.locator(".agency-verdict__word")).to_have_text("NOT AUTHENTIC")
    expect(page.locator("tr[data-check=proof]")).to_contain_text("signature does not match")
    screenshot(page, "public-verify-credential-tampered")

    assessment_revoke(actor=staff["approver"], assessment=assessment, reason="Hours misrepresented.")
    page.fill("#id_credential", text)
    page.click("button:has-text('Check credential')")
    expect(page.locator(".agency-verdict__word")).to_have_text("REVOKED")
    expect(page.locator("tr[data-check=status] td").first).to_have_text("Revoked")
    screenshot(page, "public-verify-credential-revoked")

    page.fill("#id_credential", "not json at all")
    page.click("button:has-text('Check credential')")
    expect(page.locator("#check-credential [role=alert]")).to_contain_text("not JSON")
