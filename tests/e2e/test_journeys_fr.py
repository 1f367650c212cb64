"""The README's journeys in French (issue 15): a francophone provider does journey 1, and a
francophone registrar journeys 4 and 5, entirely in French, through the pages only, in a real
browser against the live server.

Each step checks French text on the page and that no English sentence of the interface leaks
into it (SENTINELS: the header, the footer, the buttons and messages these journeys meet).
The data the people type or import stays as they wrote it; the sentinels are sentences no
record here contains. Screenshots land beside the English journeys' (test_journeys.py), named
after the same steps with a `-fr` suffix.

Journeys 2 and 3 (agency staff) are the English test's; the registrar's test starts from the
register entry they make (issued through the same service as sign-off), with its real signed
letter, as the learner would hand it over.
"""

import csv
import io
import re

import pytest
from django.db import connections
from playwright.sync_api import expect

from assessment.models import Application
from credentials.models import Assessment, Letter
from tests.credentials.register_world import issue
from tests.factories import PASSWORD, MicroCredentialFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# The template's example row, imported with two required elements left out (README, journey 1).
TITLE = "Introduction to Industrial Robot Safety"
TITLE_FR = "Introduction à la sécurité des robots industriels"
LEFT_OUT = {"prerequisites": "aucun", "evidence_of_need": "Demandé par l’association régionale des manufacturiers."}

# English sentences of the interface that must not appear on a French page: the header's and
# footer's, and the buttons, labels and messages of these journeys. Matched as whole words,
# case-sensitive, in the page's visible text and its title.
SENTINELS = (
    "Sign out", "Sign in", "Skip to main content", "Your account", "Home", "Register", "Verify",
    "Micro-credentials", "Applications", "Stack", "Submit", "Save", "Download", "Search",
    "Import a catalogue", "Check and import", "Complete the description", "Start an application",
    "Still required", "Every required element", "Recommended, not yet given", "required element",
    "complete", "Your reference is", "Verification code", "Check code", "Check letter", "CURRENT",
    "AUTHENTIC", "Add up", "agency credit", "By level", "By transfer category", "Your start page",
    "Credit actually granted", "assesses micro-credentials",
    # The form's kinds of assessment (the data's "Practical …" and "quiz" are the provider's words).
    "Exam", "Assignment", "Presentation",
    # The stack page's bulk file help; OQF-5's English name (French: Certificat III).
    "One code a row", "Certificate III",
)


def french_page(page, *expected):
    """The page is French: its lang, each `expected` text, and none of the English sentinels."""
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    assert "/fr/" in page.url, page.url
    body = page.locator("body")
    for text in expected:
        expect(body).to_contain_text(text)
    shown = page.title() + "\n" + body.inner_text()
    leaks = [s for s in SENTINELS if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(s), shown)]
    assert leaks == [], "English on %s: %s" % (page.url, leaks)


def sign_in_in_french(browser, live_server, user):
    """A person who reads French arrives at the home page, takes the offer of French, and signs in."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                  accept_downloads=True, locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/")
    page.get_by_role("link", name="Continuer en français").click()
    french_page(page, "Des microtitres de compétences évalués une fois, reconnus partout")
    page.get_by_role("link", name="Se connecter").first.click()
    french_page(page, "Adresse courriel", "Mot de passe")
    page.get_by_label("Adresse courriel").fill(user.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.locator("header")).to_contain_text(user.name)
    french_page(page, "Se déconnecter")
    return page


def journey_1_in_french(page, screenshot, tmp_path):
    expect(page.get_by_role("heading", level=1)).to_have_text("Northern Lakes College")
    french_page(page, "Vos microtitres de compétences")
    screenshot(page, "1-0-provider-start-page-fr")
    page.get_by_role("link", name="Importer un catalogue").click()
    french_page(page, "Importer un catalogue", "Fichier de catalogue")
    screenshot(page, "1-1-import-page-fr")

    with page.expect_download() as download:
        page.get_by_role("link", name="Téléchargez le modèle CSV").click()
    template = download.value.path().read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(template))
    example = next(reader)
    catalogue = tmp_path / "catalogue.csv"
    with catalogue.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerow({**example, "title": TITLE, **dict.fromkeys(LEFT_OUT, "")})

    page.get_by_label("Fichier de catalogue").set_input_files(str(catalogue))
    page.get_by_role("button", name="Vérifier et importer").click()
    expect(page.get_by_role("status")).to_contain_text("1 microtitre de compétences importé comme brouillon")
    imported = page.locator("table", has_text="Brouillons importés")
    expect(imported.locator("tbody tr")).to_have_count(1)
    expect(imported).to_contain_text("Préalables, Preuve du besoin")
    french_page(page)
    screenshot(page, "1-2-import-report-fr")

    imported.locator("tbody tr").first.get_by_role("link").first.click()
    title = page.get_by_role("heading", level=1).inner_text()
    french_page(page, "0714", "Compléter la description")
    expect(page.locator(".agency-card")).to_contain_text("2 éléments obligatoires manquent encore")
    screenshot(page, "1-3-imported-draft-fr")

    page.get_by_role("link", name="Compléter la description").click()
    score = page.locator("[data-score]")
    missing = page.locator("[data-missing]")
    expect(score).to_have_text(re.compile(r"^79\s?%$"))
    expect(missing).to_contain_text("Encore requis avant de soumettre (2)")
    french_page(page, "Enregistrer le brouillon")
    page.get_by_label("Préalables").fill(LEFT_OUT["prerequisites"])
    # The meter redraws from the server's answer as the provider types: in French too.
    expect(missing).to_contain_text("Encore requis avant de soumettre (1)")
    page.get_by_label("Preuve du besoin").fill(LEFT_OUT["evidence_of_need"])
    expect(page.locator(".agency-ready")).to_have_text("✓ Tous les éléments obligatoires sont là.")
    french_page(page)
    screenshot(page, "1-4-meter-complete-fr")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status").first).to_contain_text("Vos modifications sont enregistrées")
    french_page(page)

    page.get_by_role("button", name="Commencer une demande").click()
    expect(page.locator(".ontario-alert--success")).to_contain_text("Votre brouillon de demande est prêt")
    french_page(page, "Soumettre pour évaluation")
    screenshot(page, "1-5-draft-application-fr")
    page.get_by_role("button", name="Soumettre pour évaluation").click()
    expect(page.locator(".ontario-alert--success")).to_contain_text("Votre numéro de référence est APP-")
    french_page(page)
    screenshot(page, "1-6-submitted-fr")
    return title, page.get_by_role("heading", level=1).inner_text()


def journey_4_in_french(registrar, screenshot, assessment, letter):
    """The registrar looks the assessment up in the register, then checks its code and the
    letter the learner gave them."""
    registrar.get_by_role("link", name="Consulter le registre").click()
    french_page(registrar, "Registre des évaluations")
    registrar.locator("#id_q").fill("robots")
    registrar.get_by_role("button", name="Rechercher", exact=True).click()
    row = registrar.locator("tbody tr", has_text=assessment.reference)
    expect(row).to_contain_text("En vigueur")
    french_page(registrar, "Rechercher")
    screenshot(registrar, "4-0-register-search-fr")
    row.get_by_role("link").first.click()
    french_page(registrar, assessment.reference, "Code de vérification")
    code = registrar.locator(".agency-code").inner_text()
    assert code == assessment.verification_code

    registrar.get_by_role("navigation").get_by_role("link", name="Vérifier", exact=True).click()
    french_page(registrar, "Code de vérification")
    # As typed from the paper: lower case, spaces for dashes.
    registrar.get_by_label("Code de vérification").fill(code.lower().replace("-", " "))
    registrar.get_by_role("button", name="Vérifier le code").click()
    expect(registrar.locator(".agency-verdict__word")).to_have_text("EN VIGUEUR")
    french_page(registrar, assessment.reference)
    screenshot(registrar, "4-1-code-current-fr")

    registrar.get_by_label("Lettre (PDF)").set_input_files(str(letter))
    registrar.get_by_role("button", name="Vérifier la lettre").click()
    expect(registrar.locator(".agency-verdict__word")).to_have_text("AUTHENTIQUE · EN VIGUEUR")
    french_page(registrar, "version 1")
    screenshot(registrar, "4-2-letter-authentic-fr")


def journey_5_in_french(registrar, screenshot, code, other_code, title):
    registrar.get_by_role("navigation").get_by_role("link", name="Accueil").click()
    french_page(registrar, "Additionner les microtitres de compétences d’un apprenant")
    screenshot(registrar, "5-1-registrar-start-page-fr")
    registrar.get_by_role("link", name="Additionner les microtitres de compétences d’un apprenant").click()
    registrar.get_by_label("Codes de vérification", exact=True).fill("%s\n%s 2026-06-30" % (code, other_code))
    french_page(registrar)
    screenshot(registrar, "5-2-stack-codes-fr")
    registrar.get_by_role("button", name="Additionner", exact=True).click()
    expect(registrar.locator(".agency-stack tbody tr")).to_have_count(2)
    expect(registrar.locator(".agency-stack")).to_contain_text(title)
    expect(registrar.locator(".agency-total__number")).to_have_text("8")
    french_page(registrar, "crédits de l’Agence comptés", "Par niveau")
    screenshot(registrar, "5-3-stack-total-fr")


def test_francophone_provider_does_journey_1_in_french(browser, live_server, screenshot, tmp_path):
    provider = UserFactory(role="provider", email="chantal@northernlakes.example", name="Chantal Lévesque", language="fr")
    try:
        page = sign_in_in_french(browser, live_server, provider)
        _title, reference = journey_1_in_french(page, screenshot, tmp_path)
        application = Application.objects.get(reference=reference)
        assert application.state == "submitted" and application.microcredential.title == TITLE
    finally:
        for context in browser.contexts:
            context.close()
        connections.close_all()


def test_francophone_registrar_does_journeys_4_and_5_in_french(browser, live_server, screenshot, letters_dir, tmp_path):
    """The assessment of journeys 1 to 3 (its French title given), with its real signed letter,
    and the learner's other assessment from another provider."""
    registrar = UserFactory(role="registrar", email="mathieu@lakeshore.example", name="Mathieu Gagnon", language="fr")
    staff = {"assessor": UserFactory(role="assessor"), "approver": UserFactory(role="approver", name="Avery Chen")}
    provider = UserFactory(role="provider")
    assessment = issue(staff, letter=True, level_id="OQF-5", microcredential=MicroCredentialFactory(
        created_by=provider, title=TITLE, title_fr=TITLE_FR))
    letter = tmp_path / "lettre.pdf"
    letter.write_bytes(Letter.objects.get(assessment=assessment, version=1).file.read())
    other_provider = UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))
    other = issue(staff, letter=False,
                  microcredential=MicroCredentialFactory(created_by=other_provider, title="Workplace Data Literacy"))
    try:
        page = sign_in_in_french(browser, live_server, registrar)
        journey_4_in_french(page, screenshot, Assessment.objects.get(pk=assessment.pk), letter)
        journey_5_in_french(page, screenshot, assessment.verification_code, other.verification_code, TITLE_FR)
    finally:
        for context in browser.contexts:
            context.close()
        connections.close_all()
