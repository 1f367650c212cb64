"""In a real browser: a provider signs in, types a micro-credential, watches the meter reach
100%, saves it, opens an application and submits it."""

from django.db import connections
from playwright.sync_api import expect

from assessment.models import Application
from tests.factories import PASSWORD, UserFactory

FIELDS = {
    "#id_title": "Applied Data Visualisation",
    "#id_description": "Turning operational data into clear charts.",
    "#id_learning_outcomes": "Choose a chart that fits the question\nCritique a dashboard",
    "#id_learner_effort_hours": "40",
    "#id_proposed_credits": "4",
    "#id_assessment_description": "Project 70%, quiz 30%; pass at 60%.",
    "#id_languages": "en, fr",
    "#id_prerequisites": "none",
    "#id_quality_assurance": "Program quality committee.",
    "#id_evidence_of_need": "Three employers asked for it.",
    "#id_title_fr": "Visualisation appliquée des données",
    "#id_description_fr": "Transformer les données opérationnelles en graphiques clairs.",
    "#id_learning_outcomes_fr": "Choisir le graphique qui répond à la question\nCritiquer un tableau de bord",
    "#id_contact_hours": "18",
    "#id_skills": "Data visualisation",
    "#id_stackability": "Counts towards the analytics certificate.",
    "#id_industry_partners": "Lakehead Analytics",
    "#id_professional_recognition": "None yet.",
    "#id_identity_verification": "Photo ID at the final quiz.",
    "#id_price_cad": "450",
    "#id_url": "https://example.org/data-vis",
    "#id_starts_on": "2027-01-11",
    "#id_ends_on": "2027-03-05",
    "#id_credential_expiry": "Does not expire",
}


def test_a_provider_types_watches_the_meter_reach_100_and_submits(page, screenshot, transactional_db):
    provider = UserFactory(role="provider", email="priya@northernlakes.example")
    page.goto("/accounts/login/")
    page.fill("#id_username", provider.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("text=Describe a micro-credential")

    score = page.locator("[data-score]")
    expect(score).to_have_text("0%")
    page.fill("#id_title", "Diploma of Data Visualisation")
    expect(page.locator(".agency-problem")).to_contain_text("must not call the micro-credential a degree")
    for selector, value in FIELDS.items():
        page.fill(selector, value)
    expect(page.locator(".agency-problem")).to_have_count(0)
    # The rule holds in French too, and the meter says which title breaks it.
    page.fill("#id_title_fr", "Diplôme de visualisation des données")
    expect(page.locator(".agency-problem")).to_contain_text("Title in French: ")
    page.fill("#id_title_fr", FIELDS["#id_title_fr"])
    expect(page.locator(".agency-problem")).to_have_count(0)
    page.select_option("#id_proposed_level", "OQF-9")
    page.select_option("#id_field_of_study", "0613")
    page.check("input[name=assessment_types][value=project]")
    expect(score).not_to_have_text("100%")
    page.check("input[name=delivery_mode][value=online_async]")
    expect(score).to_have_text("100%")
    expect(page.locator(".agency-ready")).to_have_text("✓ Every required element is there.")
    screenshot(page, "provider-form-complete")

    page.click("text=Save draft")
    page.click("text=Start an application")
    page.click("text=Submit for assessment")
    expect(page.locator(".ontario-alert--success")).to_contain_text("Your reference is APP-")
    page.wait_for_load_state("networkidle")
    screenshot(page, "provider-application-submitted")
    try:
        application = Application.objects.select_related("microcredential").get()
        assert application.state == "submitted"
        assert application.microcredential.is_locked
    finally:
        # Inside Playwright's greenlet the ORM has a connection of its own; close it so the
        # test database can be dropped.
        connections.close_all()
