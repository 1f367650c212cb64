"""The five journeys, as people do them, through the pages only, in a real browser against the
live server. One application flows through all five:

1. a provider imports a catalogue, completes the imported micro-credential that was
   incomplete (watching the completeness meter) and submits an application;
2. an assessor claims it from the queue and asks for information, the provider answers, the
   assessor recommends;
3. a different approver signs it off and downloads the signed letter (produced by the real
   Celery worker, as in production);
4. a visitor who is not signed in checks the code and the letter file;
5. a registrar adds up the learner's stack: that code and one more.

One test rather than five: each journey starts where the one before left off (the case, its
code, its letter), and the database is emptied between tests, so five tests would each have
to rebuild the story through services, which is what this test exists not to do. Each
journey is a function, and its screenshots are named after its number.

Only the accounts and one earlier assessment (the learner's other micro-credential) exist
before the story starts.
"""

import csv
import io

import pytest
from django.db import connections
from playwright.sync_api import expect

from assessment.models import Application
from credentials.letters.verify import letter_signature_check
from credentials.models import Assessment
from credentials.verification import letter_verify
from tests.credentials.register_world import issue
from tests.factories import (
    PASSWORD,
    MicroCredentialFactory,
    OrganisationFactory,
    UserFactory,
    enrol_second_factor,
    otp_code,
)

# The imported micro-credential the provider completes: the catalogue leaves out two
# required elements.
TITLE = "Introduction to Industrial Robot Safety"
LEFT_OUT = {"prerequisites": "none", "evidence_of_need": "Requested by the regional manufacturers' association."}


def sign_in(browser, live_server, user):
    """A browser window of one's own, signed in through the sign-in page."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    # Agency staff then type the code their authenticator app shows (a known secret here).
    device = enrol_second_factor(user) if user.role in ("assessor", "approver") else None
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_label("Code from your authenticator app").fill(otp_code(device))
        page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header")).to_contain_text(user.name)
    return page


def journey_1_provider_imports_completes_and_submits(page, screenshot, tmp_path):
    expect(page.get_by_role("heading", level=1)).to_have_text("Northern Lakes College")
    page.get_by_role("link", name="Import a catalogue").click()
    screenshot(page, "1-1-import-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the CSV template").click()
    template = download.value.path().read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(template))
    example = next(reader)
    # The catalogue: the template's example, less two required elements, and a second course.
    rows = [
        {**example, "title": TITLE, **dict.fromkeys(LEFT_OUT, "")},
        {**example, "title": "Cobot Programming Fundamentals", "title_fr": "Principes de programmation des cobots",
         "proposed_level": "OQF-6"},
    ]
    catalogue = tmp_path / "catalogue.csv"
    with catalogue.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(rows)

    page.get_by_label("Catalogue file").set_input_files(str(catalogue))
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("status")).to_contain_text("2 micro-credentials imported as drafts")
    imported = page.locator("table", has_text="Imported drafts")
    expect(imported.locator("tr", has_text=TITLE)).to_contain_text("Prerequisites, Evidence of need")
    expect(imported.locator("tr", has_text="Cobot Programming Fundamentals")).to_contain_text("Ready to apply")
    screenshot(page, "1-2-import-report")

    imported.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".agency-facts")).to_contain_text("0714 Electronics and automation")
    screenshot(page, "1-3-imported-draft")
    expect(page.locator(".agency-card")).to_contain_text("2 required elements still missing")
    page.get_by_role("link", name="Complete the description").click()
    score = page.locator("[data-score]")
    missing = page.locator("[data-missing]")
    # Below 80% while a required element is missing, whatever else is there.
    expect(score).to_have_text("79%")
    expect(missing).to_contain_text("Still required before you can submit (2)")
    page.get_by_label("Prerequisites").fill(LEFT_OUT["prerequisites"])
    expect(missing).to_contain_text("Still required before you can submit (1)")
    expect(score).to_have_text("79%")
    page.get_by_label("Evidence of need").fill(LEFT_OUT["evidence_of_need"])
    expect(score).to_have_text("100%")
    expect(page.locator(".agency-ready")).to_have_text("✓ Every required element is there.")
    screenshot(page, "1-4-meter-complete")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Your changes are saved")

    page.get_by_role("button", name="Start an application").click()
    expect(page.locator(".ontario-alert--success")).to_contain_text("Your draft application is ready")
    screenshot(page, "1-5-draft-application")
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator(".ontario-alert--success")).to_contain_text("Your reference is APP-")
    screenshot(page, "1-6-submitted")
    return page.get_by_role("heading", level=1).inner_text()


def journey_2_assessor_asks_provider_answers_assessor_recommends(assessor, provider, screenshot, reference):
    expect(assessor.locator("main")).to_contain_text("No open cases are assigned to you")
    assessor.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    row = assessor.locator("tr", has_text=reference)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("business days left")
    screenshot(assessor, "2-1-queue")
    row.get_by_role("button", name="Claim").click()
    expect(assessor.locator(".ontario-alert")).to_contain_text("You have claimed %s" % reference)
    screenshot(assessor, "2-2-claimed")

    assessor.locator(".ontario-alert").get_by_role("link", name="Open the case").click()
    expect(assessor.get_by_role("heading", level=1)).to_have_text(reference)
    assessor.get_by_text("Ask the provider for information").click()
    assessor.get_by_label("What should the provider send or explain?").fill(
        "The practical is 60% of the grade: please give the checklist's pass mark."
    )
    screenshot(assessor, "2-3-asking")
    assessor.get_by_role("button", name="Send the request").click()
    expect(assessor.locator(".ontario-alert")).to_contain_text("the clock is paused")
    screenshot(assessor, "2-4-waiting-for-provider")

    provider.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(provider.locator("tr", has_text=TITLE)).to_contain_text("The agency needs your answer")
    screenshot(provider, "2-5-provider-start-page")
    provider.locator("tr", has_text=TITLE).get_by_role("link", name=reference).click()
    expect(provider.locator("#respond")).to_contain_text("checklist's pass mark")
    provider.locator("#respond").get_by_label("Your answer").fill("Every item of the checklist must be met: 100%.")
    screenshot(provider, "2-6-provider-answering")
    provider.get_by_role("button", name="Send your answer").click()
    expect(provider.locator(".ontario-alert")).to_contain_text("Your answer is with the agency")
    screenshot(provider, "2-7-provider-answered")

    assessor.reload()
    expect(assessor.locator(".agency-exchange")).to_contain_text("Every item of the checklist must be met")
    expect(assessor.locator(".agency-timeline")).to_contain_text(
        "Provider answered – ")
    expect(assessor.locator(".agency-timeline")).to_contain_text("(awaiting provider → in review)")
    recommend = assessor.locator("#recommend")
    recommend.get_by_role("radio", name="Approve").check()
    recommend.get_by_label("Level (required to approve)").select_option("OQF-5")
    credits = recommend.get_by_role("spinbutton", name="Credits")
    credits.fill("3")
    expect(assessor.locator("#credits-warning")).to_have_text(
        "3 credits would be 30 hours; the description gives 40 notional hours.")
    credits.fill("4")
    expect(assessor.locator("#credits-warning")).to_be_hidden()
    recommend.get_by_label("Transfer category (required").select_option("vocational_certificate")
    recommend.get_by_role("textbox", name="Subject area").fill("Manufacturing safety")
    recommend.get_by_role("textbox", name="Rationale").fill("Forty notional hours of supervised practice at level 5.")
    screenshot(assessor, "2-8-recommending")
    recommend.get_by_role("button", name="Record the recommendation").click()
    expect(assessor.locator(".ontario-alert")).to_contain_text("another approver must sign it off")
    screenshot(assessor, "2-9-recommended")


def journey_3_approver_signs_off_and_downloads_the_letter(approver, screenshot, tmp_path, reference):
    expect(approver.locator("main")).to_contain_text(reference)
    screenshot(approver, "3-1-approver-start-page")
    approver.get_by_role("link", name=reference).click()
    expect(approver.locator("#sign-off")).to_contain_text("recommends to approve: level OQF-5, 4 credits")
    approver.get_by_label("Comment").fill("Agreed.")
    screenshot(approver, "3-2-sign-off")
    approver.get_by_role("button", name="Sign off").click()
    expect(approver.locator(".ontario-alert")).to_contain_text("is approved")
    screenshot(approver, "3-3-approved")

    approver.get_by_role("link", name="the register entry").click()
    # The worker signs the letter in the background; the page says so until it is there.
    letter_link = approver.get_by_role("link", name="Download version 1 (PDF)")
    for _ in range(30):
        if letter_link.count():
            break
        expect(approver.locator("main")).to_contain_text("The signed letter is being produced")
        approver.wait_for_timeout(1000)
        approver.reload()
    screenshot(approver, "3-4-register-entry")
    code = approver.locator(".agency-code").inner_text()
    with approver.expect_download() as download:
        letter_link.click()
    letter = tmp_path / download.value.suggested_filename
    download.value.save_as(letter)
    data = letter.read_bytes()
    assert data.startswith(b"%PDF")
    check = letter_signature_check(data)
    assert check.signature_valid, check.problem
    issued = letter_verify(data)
    assert issued.authentic and (issued.reference, issued.version, issued.superseded) == (
        Assessment.objects.get(verification_code=code).reference, 1, False)
    return code, letter


def journey_4_visitor_checks_the_code_and_the_letter(visitor, screenshot, code, letter):
    visitor.goto("/")  # a visitor arrives at the home page
    visitor.get_by_role("link", name="Verify").first.click()
    # As typed from the paper: lower case, spaces for dashes.
    visitor.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    visitor.get_by_role("button", name="Check code").click()
    expect(visitor.locator(".agency-verdict__word")).to_have_text("CURRENT")
    expect(visitor.locator(".agency-facts")).to_contain_text(TITLE)
    screenshot(visitor, "4-1-code-current")
    visitor.get_by_label("Letter (PDF)").set_input_files(str(letter))
    visitor.get_by_role("button", name="Check letter").click()
    expect(visitor.locator(".agency-verdict__word")).to_have_text("AUTHENTIC · CURRENT")
    screenshot(visitor, "4-2-letter-authentic")


def journey_5_registrar_adds_up_the_stack(registrar, screenshot, code, other_code):
    screenshot(registrar, "5-1-registrar-start-page")
    registrar.get_by_role("link", name="Add up a learner's micro-credentials").click()
    registrar.get_by_label("Verification codes", exact=True).fill("%s\n%s 2026-06-30" % (code, other_code))
    screenshot(registrar, "5-2-stack-codes")
    registrar.get_by_role("button", name="Add up").click()
    expect(registrar.locator(".agency-stack tbody tr")).to_have_count(2)
    expect(registrar.locator(".agency-stack")).to_contain_text(TITLE)
    expect(registrar.locator(".agency-total__number")).to_have_text("8")
    screenshot(registrar, "5-3-stack-total")


@pytest.mark.worker
@pytest.mark.slow
def test_one_application_from_catalogue_to_a_registrars_stack(
    browser, live_server, screenshot, transactional_db, letters_dir, celery_worker, tmp_path
):
    provider = UserFactory(role="provider", email="priya@northernlakes.example", name="Priya Natarajan")
    assessor = UserFactory(role="assessor", email="alex@agency.example", name="Alex Martin")
    approver = UserFactory(role="approver", email="avery@agency.example", name="Avery Chen")
    registrar = UserFactory(role="registrar", email="riley@lakeshore.example", name="Riley Osei")
    # The learner's other micro-credential, assessed last year, from another provider.
    other_provider = UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))
    other = issue({"assessor": assessor, "approver": UserFactory(role="approver")}, letter=False,
                  microcredential=MicroCredentialFactory(created_by=other_provider, title="Workplace Data Literacy"))
    try:
        provider_page = sign_in(browser, live_server, provider)
        reference = journey_1_provider_imports_completes_and_submits(provider_page, screenshot, tmp_path)
        assert Application.objects.get(reference=reference).state == "submitted"

        assessor_page = sign_in(browser, live_server, assessor)
        journey_2_assessor_asks_provider_answers_assessor_recommends(
            assessor_page, provider_page, screenshot, reference)

        approver_page = sign_in(browser, live_server, approver)
        code, letter = journey_3_approver_signs_off_and_downloads_the_letter(
            approver_page, screenshot, tmp_path, reference)
        assessment = Assessment.objects.get(verification_code=code)
        assert assessment.title == TITLE and assessment.signed_off_by == approver

        # The provider sees the decision on the case.
        provider_page.reload()
        expect(provider_page.get_by_role("heading", level=2).first).to_have_text(
            "Approved: assessment %s" % assessment.reference)
        expect(provider_page.locator("main")).to_contain_text(code)
        screenshot(provider_page, "3-5-provider-sees-the-decision")

        visitor = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}).new_page()
        journey_4_visitor_checks_the_code_and_the_letter(visitor, screenshot, code, letter)

        registrar_page = sign_in(browser, live_server, registrar)
        journey_5_registrar_adds_up_the_stack(registrar_page, screenshot, code, other.verification_code)
    finally:
        for context in browser.contexts:
            context.close()
        # Playwright's greenlet had ORM connections of its own; close them so the test
        # database can be flushed.
        connections.close_all()
