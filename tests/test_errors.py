import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from config.errors import Conflict, NotPermitted
from config.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db


def _refuse(request):
    if request.method == "POST":
        raise Conflict("This micro-credential is with the agency and cannot be edited now.")
    raise NotPermitted("Only approvers may assign cases.")


def _ok(request):
    return HttpResponse("ok")


# The project's own patterns as they are: Django refuses i18n_patterns under include().
urlpatterns = [path("refuse/", _refuse), path("ok/", _ok), *project_urls]


@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_form_goes_back_with_the_reason_as_a_message(client):
    response = client.post("/refuse/", HTTP_REFERER="http://testserver/ok/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/ok/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["This micro-credential is with the agency and cannot be edited now."]


@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_page_shows_the_reason_with_the_status(client):
    response = client.get("/refuse/")
    assert response.status_code == 403
    assert "Only approvers may assign cases." in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_foreign_referer_is_never_followed(client):
    response = client.post("/refuse/", HTTP_REFERER="https://elsewhere.example/")
    assert response.status_code == 409
    assert "cannot be edited now" in response.content.decode()


def test_unknown_pages_answer_404_in_the_agency_design(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("path", [
    "/api/v1/assessments/?q=data%00viz",
    "/api/v1/applications/?ordering=sla_due_date%00",
    "/api/v1/assessments/?page=1%00",
    "/api/v1/verify/ABCD-EFGH-JKMN-PQRS/?x%00=1",
])
def test_a_nul_in_a_query_parameter_answers_400_json_naming_the_field(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) and all("NUL character" in messages[0] for messages in body.values())


def test_a_nul_in_a_form_value_answers_400_with_a_page(client):
    response = client.post("/accounts/login/", {"username": "a@b.example\x00", "password": "x"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "A NUL character is in username;" in content
    assert "<html" in content


def test_a_nul_in_a_page_query_answers_400_with_a_page(client):
    response = client.get("/register/?q=data%00viz")
    assert response.status_code == 400
    assert "A NUL character is in q;" in response.content.decode()


def test_a_nul_in_a_json_api_form_post_answers_400(client):
    response = client.post("/api/v1/auth/token/", {"email": "a\x00@b.example", "password": "x"})
    assert response.status_code == 400
    assert response.json() == {"email": ["This value contains a NUL character, which no field of this service accepts."]}


def test_nul_bytes_inside_an_uploaded_file_are_not_refused_by_the_guard(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n\x00\x01binary", content_type="application/pdf")
    response = client.post("/api/v1/verify/letter/", {"file": upload})
    assert response.status_code == 200
    assert response.json()["authentic"] is False


def test_requests_without_nul_pass_untouched(client):
    assert client.get("/api/v1/assessments/?q=data").status_code == 200


def test_the_schema_documents_the_nul_guards_400_on_every_operation(client):
    # The guard answers before any view, so every operation can answer 400 (found by the
    # fuzzing: a NUL in an unknown parameter's name of a list without filters).
    assert client.get("/api/v1/microcredentials/?x%00y=1").status_code == 400
    schema = client.get("/api/schema/?format=json").json()
    undocumented = [
        "%s %s" % (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("get", "post", "put", "patch", "delete") and "400" not in operation["responses"]
    ]
    assert undocumented == []
