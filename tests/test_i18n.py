"""English and French (issue 15): the catalogue is complete, no template writes text outside a
translation tag, every main page answers in both languages with its `lang` and a link to the
other, a person's chosen language is kept and followed, bad language input falls back to
English, and each email goes out in its recipient's language."""

import email
import re
import shutil
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from accounts.models import User
from assessment import services
from tests.assessment.workflow_helpers import APPROVE, Cast
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory
from tests.template_text import BILINGUAL, untranslated_text

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
LANG = re.compile(r'<html lang="([^"]+)"')
SWITCH = re.compile(r'<a class="agency-header__language" href="([^"]+)" lang="(\w+)" hreflang="(\w+)">([^<]+)</a>')


# The catalogue ------------------------------------------------------------------------------

def _statistics(po_file):
    """msgfmt's own count of a catalogue: it also refuses a format string that does not match."""
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_the_french_catalogue_has_no_missing_empty_or_fuzzy_message():
    statistics = _statistics(CATALOGUE)
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics
    assert re.match(r"\d+ translated messages?\.", statistics.strip()), statistics


def test_every_message_of_the_source_is_in_the_french_catalogue(tmp_path):
    """makemessages over a copy of the sources, merged into the committed catalogue: a string
    marked since the catalogue was last filled in comes out untranslated."""
    for name in ("manage.py", "config", "accounts", "assessment", "credentials", "templates"):
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--symlinks", "--no-obsolete", "--add-location",
         "file", "-i", "node_modules/*", "-i", ".venv/*", "-i", "var/*", "-i", "tests/*"],
        cwd=tmp_path, check=True, capture_output=True,
    )
    statistics = _statistics(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert "fuzzy" not in statistics and "untranslated" not in statistics, (
        "run makemessages (docs/architecture.md, Languages) and translate: " + statistics)


# The templates ------------------------------------------------------------------------------

def _templates():
    for path in sorted((ROOT / "templates").rglob("*")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if path.suffix in (".html", ".txt") and not relative.startswith(BILINGUAL):
            yield relative


@pytest.mark.parametrize("template", list(_templates()))
def test_no_template_writes_text_outside_a_translation_tag(template):
    assert untranslated_text(ROOT / "templates" / template) == []


def test_the_checker_finds_text_between_tags_in_read_attributes_and_in_literal_arguments(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Fine" %}</h1><p>Plain words {{ name }}</p>'
        '<img alt="A chart" src="x"><button aria-label="{% translate \'Close\' %}">✓</button>'
        '{% include "x.html" with label="Send it" %}{% blocktranslate %}Held {{ n }}{% endblocktranslate %}'
        '<script>var words = "not shown";</script>'
    )
    assert untranslated_text(page) == ["literal 'Send it'", "Plain words", "alt='A chart'"]
    mail = tmp_path / "mail.txt"
    mail.write_text('{% load i18n %}{% translate "Hello" %}\n\nOpen: {{ url }}\n · \n')
    assert untranslated_text(mail) == ["Open:"]


# Pages in both languages ----------------------------------------------------------------------

# (path, who signs in, words of the French page)
PAGES = [
    ("/", None, "Des microtitres de compétences évalués une fois"),
    ("/accounts/login/", None, "Se connecter"),
    ("/accounts/password-reset/", None, "Réinitialiser votre mot de passe"),
    ("/register/", None, "Registre des évaluations"),
    ("/verify/", None, "Vérifier une évaluation"),
    ("/", "provider", "Vos microtitres de compétences"),
    ("/microcredentials/", "provider", "Décrire un microtitre de compétences"),
    ("/applications/", "provider", "Vos demandes"),
    ("/queue/", "assessor", "File d’attente des évaluateurs"),
    ("/dashboard/", "approver", "Comment nous tenons l’engagement des dix jours"),
    ("/stack/", "registrar", "Calculateur de cumul"),
    ("/accounts/security/", "registrar", "Enregistrer la langue"),
]


def _signed_in(client, role, language="en"):
    if role:
        client.force_login(UserFactory(role=role, language=language))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "french"), PAGES)
def test_each_main_page_answers_in_french_under_fr_and_links_to_its_english_page(client, path, role, french):
    response = _signed_in(client, role, language="fr").get("/fr" + path)
    assert response.status_code == 200
    page = response.content.decode()
    assert LANG.search(page).group(1) == "fr-CA"
    assert french in page
    href, lang, hreflang, name = SWITCH.search(page).groups()
    assert (lang, hreflang, name) == ("en", "en", "English")
    assert href == "/language/en/?next=" + path.replace("/", "%2F")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "french"), PAGES)
def test_each_main_page_answers_in_english_at_its_path_and_links_to_its_french_page(client, path, role, french):
    response = _signed_in(client, role).get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert LANG.search(page).group(1) == "en-CA"
    assert french not in page
    href, lang, hreflang, name = SWITCH.search(page).groups()
    assert (lang, hreflang, name) == ("fr", "fr", "Français")
    assert href == "/language/fr/?next=" + ("/fr" + path).replace("/", "%2F")


@pytest.mark.django_db
def test_the_first_page_offers_french_in_french_and_english_in_english(client):
    english = client.get("/").content.decode()
    assert re.search(r'<section class="agency-language-offer" lang="fr"[^>]*>\s*<h2[^>]*>Services en français</h2>',
                     english)
    assert "Continuer en français" in english
    french = client.get("/fr/").content.decode()
    assert re.search(r'<section class="agency-language-offer" lang="en"[^>]*>\s*<h2[^>]*>Services in English</h2>',
                     french)


@pytest.mark.django_db
def test_french_pages_write_numbers_and_dates_the_french_way(client, world):
    User.objects.filter(pk=world["provider"].pk).update(language="fr")
    client.force_login(world["provider"])
    page = client.get("/fr/register/%s/" % world["assessment"].reference).content.decode()
    assert "crédits de l’Agence" in page or "crédit de l’Agence" in page
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
    assert any(" %s 20" % month in page for month in months)


# Unknown or junk languages fall back to English ------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/xx", "/en", "/EN-us"])
def test_a_page_under_an_unknown_language_code_opens_in_english(client, prefix):
    response = client.get(prefix + "/register/?q=welding")
    assert (response.status_code, response["Location"]) == (302, "/register/?q=welding")
    assert LANG.search(client.get(response["Location"]).content.decode()).group(1) == "en-CA"


@pytest.mark.django_db
def test_an_unknown_page_under_fr_is_a_french_404(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["xx", "*", "fr;q=nonsense,,", "zz-ZZ, de;q=0.5", "", "é" * 300])
def test_a_junk_accept_language_or_cookie_leaves_pages_and_the_api_in_english(client, header):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = header or "junk"
    page = client.get("/verify/", HTTP_ACCEPT_LANGUAGE=header)
    assert page.status_code == 200 and LANG.search(page.content.decode()).group(1) == "en-CA"
    api = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=header)
    assert api.status_code in (401, 403)
    assert api["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_api_follows_accept_language_and_its_schema_stays_english(client):
    french = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    assert french["Content-Language"] == "fr" and "Accept-Language" in french["Vary"]
    english = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] != french.json()["detail"]
    schema = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="fr")
    assert schema.status_code == 200 and schema["Content-Language"] == "en"
    assert "The language of your pages and emails." in schema.content.decode()


# The person's language is kept and followed ------------------------------------------------------

@pytest.mark.django_db
def test_a_signed_in_french_speaker_is_sent_to_the_french_page_and_an_english_speaker_to_the_english(client):
    client.force_login(UserFactory(role="registrar", language="fr"))
    response = client.get("/stack/?x=1")
    assert (response.status_code, response["Location"]) == (302, "/fr/stack/?x=1")
    assert client.get("/fr/stack/").status_code == 200
    # The API and forms posted are never redirected.
    assert client.get("/api/v1/me/").status_code == 200
    client.force_login(UserFactory(role="registrar", language="en"))
    assert client.get("/fr/stack/")["Location"] == "/stack/"


@pytest.mark.django_db
def test_the_language_link_keeps_the_choice_on_the_account_and_opens_the_same_page(client):
    person = UserFactory(role="registrar", language="en")
    client.force_login(person)
    response = client.get("/language/fr/", {"next": "/stack/?x=1"})
    assert (response.status_code, response["Location"]) == (302, "/fr/stack/?x=1")
    person.refresh_from_db()
    assert person.language == "fr"
    assert client.get("/stack/")["Location"] == "/fr/stack/"
    back = client.get("/language/en/", {"next": "/fr/stack/"})
    assert back["Location"] == "/stack/"
    person.refresh_from_db()
    assert person.language == "en"


@pytest.mark.django_db
def test_a_visitors_choice_is_kept_in_a_cookie(client):
    response = client.get("/language/fr/", {"next": "/verify/"})
    assert response["Location"] == "/fr/verify/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get("/register/")["Location"] == "/fr/register/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)"])
def test_the_language_link_never_leaves_the_site_and_refuses_unknown_languages(client, target):
    assert client.get("/language/fr/", {"next": target})["Location"] == "/fr/"
    assert client.get("/language/xx/", {"next": "/"}).status_code == 404


@pytest.mark.django_db
def test_the_account_page_changes_the_language_and_opens_in_it(client):
    person = UserFactory(role="provider", language="en")
    client.force_login(person)
    response = client.post("/accounts/language/", {"language": "fr"})
    assert response["Location"] == "/fr/accounts/security/"
    person.refresh_from_db()
    assert person.language == "fr"
    assert "Vos pages et vos courriels sont maintenant en français." in client.get("/fr/accounts/security/").content.decode()
    refused = client.post("/accounts/language/", {"language": "xx"})
    assert refused.status_code == 302
    person.refresh_from_db()
    assert person.language == "fr"


# Emails in each recipient's language ------------------------------------------------------------

def _read(envelope):
    message = email.message_from_bytes(envelope.content)
    subject = str(make_header(decode_header(message["Subject"])))
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return subject, text.get_payload(decode=True).decode()


@pytest.mark.django_db(transaction=True)
def test_each_email_goes_in_its_recipients_language(smtp_server):
    cast = Cast(provider=UserFactory(role="provider", language="fr"))
    User.objects.filter(pk=cast.other_approver.pk).update(language="fr")
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=cast.provider))
    with transaction.atomic():
        application = services.application_submit(actor=cast.provider, application=application)
    with transaction.atomic():
        application = services.application_claim(actor=cast.assessor, application=application)
    with transaction.atomic():
        services.application_recommend(actor=cast.assessor, application=application, data=APPROVE)
    mail = {envelope.rcpt_tos[0]: _read(envelope) for envelope in smtp_server.messages}
    # The provider's acknowledgement, in French, linking to the French page.
    subject, text = mail[cast.provider.email]
    assert subject.startswith("Demande reçue\u00a0: ")
    assert "L’Agence a reçu votre demande %s" % application.reference in text
    assert "/fr/applications/%d/" % application.pk in text
    # The same recommendation: English to one approver, French to the other.
    english_subject, english = mail[cast.approver.email]
    french_subject, french = mail[cast.other_approver.email]
    assert english_subject == "Waiting for sign-off: %s" % application.reference
    assert "It needs the sign-off of an approver who did not make it" in english
    assert "/applications/%d/" % application.pk in english and "/fr/" not in english
    assert french_subject == "En attente d’approbation\u00a0: %s" % application.reference
    assert "Elle doit être approuvée par un approbateur qui ne l’a pas faite" in french
    assert "/fr/applications/%d/" % application.pk in french


def test_a_french_upload_page_takes_the_same_body_as_the_english_one(settings):
    """The body limit is looked up before the language is chosen: a French path still names
    its upload (a letter up to 10 MB), not the 1 MB default."""
    from config.request_limits import body_limit

    for path in ("/verify/", "/microcredentials/import/"):
        assert body_limit("/fr" + path) == body_limit(path) > settings.REQUEST_BODY_MAX_BYTES


@pytest.mark.django_db
def test_a_refused_french_upload_is_explained_in_french(client):
    response = client.post("/fr/verify/", data=b"x", content_type="application/pdf",
                           CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    page = response.content.decode()
    assert LANG.search(page).group(1) == "fr-CA" and "Trop volumineux" in page


def test_a_sweeps_email_writes_its_snapshot_dates_in_the_recipients_language():
    from assessment.models import OutboxMessage
    from assessment.outbox import outbox_render

    context = {"reference": "MCA-1", "title": "Soudage", "provider": "P", "due_on": "2027-03-02",
               "lapses_on": "2027-04-01", "days_before": -7, "days_after": 7, "opening": False, "has_case": True,
               "path": "/applications/4/"}
    french, _ = outbox_render(OutboxMessage(template="review_reminder", language="fr", context=context))
    assert "L’examen était dû le mardi 2 mars 2027, il y a 7 jours." in french
    assert "d’ici le jeudi 1er avril 2027" in french  # the first of a month, as Canadian French writes it
    assert "/fr/applications/4/" in french
    english, _ = outbox_render(OutboxMessage(template="review_reminder", language="en", context=context))
    assert "The review was due on Tuesday 2 March 2027, 7 days ago." in english
    assert "/applications/4/" in english and "/fr/" not in english


@pytest.mark.django_db
def test_a_page_says_it_varies_with_the_cookie_that_may_redirect_it(client):
    assert "Cookie" in client.get("/verify/")["Vary"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Cookie" in client.get("/verify/")["Vary"]
