"""A body larger than its URL takes is refused (413) from its declared length, before any of it
is read; a body without a declared length is read only up to the limit. Every answer under
/api/ is JSON, the errors Django itself draws included."""

import json
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from config.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BOUNDARY = "agencyboundary"


class ClientUpload:
    """The client's side of the connection (wsgi.input): a multipart upload of a PDF whose
    bytes never end, counting every byte the server reads. Reading it whole would take
    as long as sending 300 MB; this stand-in gives up after `give_up_after` bytes."""

    def __init__(self, give_up_after=40 * MB):
        self.head = (
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"letter.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%%PDF-1.7\n" % BOUNDARY
        ).encode()
        self.read_bytes = 0
        self.give_up_after = give_up_after

    def read(self, size=-1):
        if self.read_bytes >= self.give_up_after:
            raise OSError("the test's client stopped sending after %d bytes" % self.read_bytes)
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        chunk = (self.head + b"0" * size)[:size] if self.read_bytes == 0 else b"0" * size
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        return self.read(size)


def wsgi_request(path, stream, *, content_type, content_length=None, terminated=False, method="POST"):
    """One request through Django's WSGI handler, as gunicorn hands it over."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, REQUEST_METHOD=method, CONTENT_TYPE=content_type, **{"wsgi.input": stream})
    environ.pop("CONTENT_LENGTH", None)
    if content_length is not None:
        environ["CONTENT_LENGTH"] = str(content_length)
    if terminated:
        environ["wsgi.input_terminated"] = True
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(WSGIHandler()(environ, start_response))
    return started["status"], started["headers"], body


@pytest.mark.parametrize("path", ["/api/v1/verify/letter/", "/verify/"])
def test_an_anonymous_300_mb_letter_upload_is_refused_without_reading_it(path):
    stream = ClientUpload()
    started = time.perf_counter()
    status, headers, body = wsgi_request(path, stream, content_type="multipart/form-data; boundary=" + BOUNDARY,
                                         content_length=300 * MB)
    assert status == 413
    assert stream.read_bytes == 0
    assert time.perf_counter() - started < 2
    if path.startswith("/api/"):
        assert headers["Content-Type"] == "application/json"
        assert "larger" in json.loads(body)["detail"]
    else:
        assert b"<html" in body and b"larger" in body


def test_an_upload_within_the_limit_is_still_read(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n" + b"0" * (2 * MB), content_type="application/pdf")
    response = client.post("/api/v1/verify/letter/", {"file": upload})
    assert response.status_code == 200
    assert response.json()["authentic"] is False


@pytest.mark.parametrize("path", ["/api/v1/microcredentials/import/", "/api/v1/microcredentials/1/attachments/",
                                  "/microcredentials/import/", "/microcredentials/1/attachments/"])
def test_each_upload_has_its_own_limit(path):
    limit = 20 * MB if "import" in path else 10 * MB
    over = wsgi_request(path, ClientUpload(), content_type="multipart/form-data; boundary=" + BOUNDARY,
                        content_length=limit + 2 * MB)
    assert over[0] == 413
    under = wsgi_request(path, ClientUpload(give_up_after=limit), content_type="multipart/form-data; boundary=x",
                         content_length=limit - MB)
    assert under[0] != 413


@pytest.mark.parametrize(("path", "content_type"), [
    ("/accounts/login/", "application/x-www-form-urlencoded"),
    ("/api/v1/auth/token/", "application/json"),
    ("/api/v1/verify/letter/", "multipart/form-data; boundary=" + BOUNDARY),
])
def test_a_body_without_a_declared_length_is_never_read(path, content_type):
    """Chunked, as gunicorn passes it on (wsgi.input_terminated): Django reads no more than
    the declared length, so nothing; the guard relies on that rather than reading it."""
    stream = ClientUpload()
    status, headers, _body = wsgi_request(path, stream, terminated=True, content_type=content_type)
    assert stream.read_bytes == 0
    assert status < 500


def test_a_5_mb_json_body_answers_413_json(api_as, provider):
    body = json.dumps({"title": "x", "description": "y" * (5 * MB)})
    response = api_as(provider).post("/api/v1/microcredentials/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger" in response.json()["detail"]


def test_a_5_mb_form_body_answers_413_json_not_djangos_html(client):
    response = client.post("/api/v1/auth/token/", {"email": "a@b.example", "password": "x" * (5 * MB)})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


def test_the_schema_documents_413_on_operations_that_take_a_body(client):
    schema = client.get("/api/schema/?format=json").json()
    letter = schema["paths"]["/api/v1/verify/letter/"]["post"]["responses"]
    assert "413" in letter
    assert "413" not in schema["paths"]["/api/v1/frameworks/"]["get"]["responses"]


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/api/v1/no-such-thing/", 404),
    ("get", "/api/nothing/", 404),
    ("get", "/api/v1/assessments/MCA-0000-00000/", 404),
    ("delete", "/api/v1/frameworks/", 405),
    ("put", "/api/schema/", 405),
    ("post", "/api/v1/verify/certificate.pem", 405),
])
def test_every_api_error_is_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def _boom(request):
    raise RuntimeError("a bug")


def _page_not_allowed(request):
    return HttpResponse(status=405)


urlpatterns = [
    path("api/v1/boom/", _boom),
    path("api/v1/plain-405/", _page_not_allowed),
    path("boom/", _boom),
    # The project's own patterns as they are: Django refuses i18n_patterns under include().
    *project_urls,
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_under_api_is_json_and_a_page_elsewhere(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    page = client.get("/boom/")
    assert page.status_code == 500 and b"<html" in page.content


@override_settings(ROOT_URLCONF=__name__)
def test_a_bodiless_error_from_a_plain_view_under_api_becomes_json(client):
    response = client.get("/api/v1/plain-405/")
    assert response.status_code == 405
    assert response.json()["detail"]


def test_each_upload_limit_leaves_room_for_the_largest_file_its_service_takes(settings):
    from config.request_limits import body_limit
    from credentials.letters.verify import MAX_LETTER_BYTES
    from credentials.services import ATTACHMENT_MAX_BYTES

    assert body_limit("/api/v1/verify/letter/") == body_limit("/verify/") > MAX_LETTER_BYTES
    assert body_limit("/api/v1/microcredentials/7/attachments/") == body_limit("/microcredentials/7/attachments/")
    assert body_limit("/microcredentials/7/attachments/") > ATTACHMENT_MAX_BYTES
    assert body_limit("/api/v1/microcredentials/import/") == body_limit("/microcredentials/import/")
    assert body_limit("/microcredentials/import/") > settings.CATALOGUE_IMPORT_MAX_BYTES
    assert body_limit("/api/v1/microcredentials/") == settings.REQUEST_BODY_MAX_BYTES
