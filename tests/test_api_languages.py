"""The API answers in the language the client asks for (Accept-Language: fr), English
otherwise, and the OpenAPI schema is English whatever the request asks (issue 15)."""

import pytest

from assessment.models import Application
from tests.assessment.workflow_helpers import Cast
from tests.factories import ApplicationFactory, MicroCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9"}


def test_a_field_error_is_french_when_asked(api_as, provider):
    response = api_as(provider).post("/api/v1/applications/", {"microcredential": "abc"}, format="json", **FRENCH)
    assert response.status_code == 400
    assert response.json()["microcredential"] == [
        "Donnez sous forme de nombre l’identifiant d’un de vos microtitres de compétences."]
    assert response["Content-Language"] == "fr"


def test_a_blank_field_is_refused_in_french(api_as, provider):
    application = ApplicationFactory(microcredential=MicroCredentialFactory(created_by=provider))
    response = api_as(provider).post("/api/v1/applications/%d/withdraw/" % application.pk, {"reason": " "},
                                     format="json", **FRENCH)
    assert response.status_code == 400
    # DRF's own sentences come from its French catalogue.
    assert response.json()["reason"] == ["Ce champ ne peut être vide."]


def test_the_409_sentence_is_french_with_the_state_in_french(api_as, provider):
    application = Cast(provider).case("submitted")
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json", **FRENCH)
    assert response.status_code == 409
    body = response.json()
    # The state stays the contract's code; the sentence names it in French.
    assert body["state"] == Application.State.SUBMITTED
    assert body["detail"] == "Seul un brouillon peut être soumis\u00a0; cette demande est à l’état «\u00a0soumise\u00a0»."


def test_a_403_detail_is_french(api_as, provider):
    application = Cast(provider).case("submitted")
    registrar = UserFactory(role="registrar")
    response = api_as(registrar).post("/api/v1/applications/%d/claim/" % application.pk, {},
                                                format="json", **FRENCH)
    assert response.status_code == 403
    assert response.json()["detail"] == "Votre rôle ne permet pas cette action."
    english = api_as(registrar).post("/api/v1/applications/%d/claim/" % application.pk, {}, format="json")
    assert english.json()["detail"] == "Your role may not do this."


def test_a_404_of_an_unknown_record_and_of_an_unknown_address_are_french(api_as, provider):
    client = api_as(provider)
    record = client.get("/api/v1/applications/999999999/", **FRENCH)
    assert record.status_code == 404
    assert record.json()["detail"] == "Demande introuvable."
    address = client.get("/api/v1/no-such-thing/", **FRENCH)
    assert address.status_code == 404
    assert address.json() == {"detail": "Introuvable."}
    assert client.get("/api/v1/no-such-thing/").json() == {"detail": "Not found."}


def test_a_401_is_french(api):
    response = api.get("/api/v1/me/", **FRENCH)
    assert response.status_code == 401
    assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_a_throttled_request_is_told_in_french(api, settings):
    settings.THROTTLE_ANON = "1/minute"
    assert api.get("/api/v1/frameworks/", **FRENCH).status_code == 200
    response = api.get("/api/v1/frameworks/", **FRENCH)
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Requête ralentie. Disponible à nouveau dans ")
    assert int(response["Retry-After"]) >= 1


def test_a_throttled_request_stays_english_without_a_language(api, settings):
    settings.THROTTLE_ANON = "1/minute"
    api.get("/api/v1/frameworks/")
    response = api.get("/api/v1/frameworks/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled. Expected available in ")


@pytest.mark.parametrize("header", [{}, {"HTTP_ACCEPT_LANGUAGE": "xx"}, {"HTTP_ACCEPT_LANGUAGE": "xx-YY,zz;q=0.5"}])
def test_without_french_the_messages_stay_english(api_as, provider, header):
    application = Cast(provider).case("submitted")
    response = api_as(provider).post("/api/v1/applications/%d/submit/" % application.pk, {}, format="json", **header)
    assert response.status_code == 409
    assert response.json()["detail"] == "Only a draft can be submitted; this application is submitted."
    bad = api_as(provider).post("/api/v1/applications/", {"microcredential": "abc"}, format="json", **header)
    assert bad.json()["microcredential"] == ["Give the id of one of your micro-credentials as a number."]


def test_one_french_request_does_not_leave_the_next_one_french(api_as, provider):
    client = api_as(provider)
    assert client.get("/api/v1/applications/999999999/", **FRENCH).json()["detail"] == "Demande introuvable."
    assert client.get("/api/v1/applications/999999999/").json()["detail"] == "No such application."


def test_an_oversized_body_is_refused_in_the_requests_language(api_as, provider, settings):
    client = api_as(provider)
    body = "x" * (settings.REQUEST_BODY_MAX_BYTES + 1)
    french = client.generic("POST", "/api/v1/applications/", body, content_type="application/json", **FRENCH)
    assert french.status_code == 413
    assert french.json()["detail"].startswith("La requête dépasse ce que cette adresse accepte (1\u00a0Mo au plus)")
    english = client.generic("POST", "/api/v1/applications/", body, content_type="application/json")
    assert english.json()["detail"].startswith("The request is larger than this address takes (1 MB at most)")


def test_the_openapi_schema_is_english_even_when_french_is_asked(client):
    french = client.get("/api/schema/?format=json", **FRENCH)
    english = client.get("/api/schema/?format=json")
    assert french.status_code == english.status_code == 200
    assert french.content == english.content
    text = french.content.decode()
    assert "Not signed in." in text and "Your role may not do this." in text
    assert "The language of your pages and emails." in text
    assert "Brouillon" not in text and "Votre rôle" not in text and "courriel" not in text


def test_a_refused_character_in_a_parameter_is_named_in_french(api):
    response = api.get("/api/v1/frameworks/?q=a%00b", **FRENCH)
    assert response.status_code == 400
    assert response.json() == {"q": ["Cette valeur contient un caractère NUL, qu’aucun champ de ce service n’accepte."]}
    english = api.get("/api/v1/frameworks/?q=a%00b")
    assert english.json() == {"q": ["This value contains a NUL character, which no field of this service accepts."]}


def test_the_historys_own_sentences_are_shown_in_the_readers_language(api_as, provider):
    application = Cast(provider).case("recommended")
    path = "/api/v1/applications/%d/" % application.pk

    def recommend_message(**headers):
        events = api_as(provider).get(path, **headers).json()["events"]
        return next(event["message"] for event in events if event["action"] == "recommend")

    assert recommend_message() == "Recommendation made; waiting for an approver's sign-off."
    assert recommend_message(**FRENCH) == "Recommandation faite\u00a0; en attente de l’approbation d’un approbateur."


def test_a_persons_words_in_the_history_are_shown_as_written(api_as, provider):
    application = Cast(provider).case("awaiting_provider")
    events = api_as(provider).get("/api/v1/applications/%d/" % application.pk, **FRENCH).json()["events"]
    assert next(e["message"] for e in events if e["action"] == "request-info") == "Send the assessment rubric."
