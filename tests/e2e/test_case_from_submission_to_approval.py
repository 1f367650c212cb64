"""In a real browser: an assessor claims a submitted case from the queue and recommends it, a
different approver signs it off, and the provider sees the decision."""

from playwright.sync_api import expect

from assessment import services
from assessment.models import Application
from tests.factories import PASSWORD, ApplicationFactory, MicroCredentialFactory, UserFactory


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_two_people_take_a_case_from_submission_to_approval(page, screenshot, transactional_db):
    provider = UserFactory(role="provider", email="priya@northernlakes.example", name="Priya Natarajan")
    assessor = UserFactory(role="assessor", email="alex@agency.example", name="Alex Martin")
    approver = UserFactory(role="approver", email="avery@agency.example", name="Avery Chen")
    microcredential = MicroCredentialFactory(created_by=provider, title="Applied Data Visualisation",
                                             proposed_credits=5)
    application = services.application_submit(
        actor=provider, application=ApplicationFactory(microcredential=microcredential)
    )

    sign_in(page, assessor)
    page.click("nav >> text=Queue")
    expect(page.locator("table")).to_contain_text(application.reference)
    expect(page.locator(".agency-clock").first).to_contain_text("business days left")
    screenshot(page, "assessor-queue")
    page.click("button:has-text('Claim')")
    expect(page.locator(".ontario-alert")).to_contain_text("You have claimed %s" % application.reference)
    page.click(".agency-tabs >> text=Mine")
    page.click("table >> text=%s" % application.reference)
    expect(page.locator("#recommend")).to_contain_text("The provider proposes")
    expect(page.locator("#recommend")).to_contain_text("disagree with 40")
    page.check("input[name=outcome][value=approve]")
    page.select_option("#id_level", "OQF-9")
    page.fill("#id_credits", "4")
    page.select_option("#id_transfer_category", "vocational_certificate")
    page.fill("#id_subject_area", "Data analytics")
    page.fill("#id_rationale", "Forty notional hours of applied work at level 9.")
    screenshot(page, "assessor-recommendation")
    page.click("button:has-text('Record the recommendation')")
    expect(page.locator(".ontario-alert")).to_contain_text("another approver must sign it off")

    sign_in(page, approver)
    page.goto("/applications/%d/" % application.pk)
    expect(page.locator("#sign-off")).to_contain_text("Alex Martin recommends to approve")
    screenshot(page, "approver-sign-off")
    page.fill("#id_comment", "Agreed.")
    page.click("button:has-text('Sign off')")
    expect(page.locator(".ontario-alert")).to_contain_text("is approved")

    sign_in(page, provider)
    page.goto("/applications/%d/" % application.pk)
    expect(page.locator("h2")).to_contain_text(["Approved: assessment MCA-"])
    screenshot(page, "provider-decision")
    assert Application.objects.get(pk=application.pk).state == "approved"
