import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

from config.errors import Conflict, NotPermitted

pytestmark = pytest.mark.django_db


def _refuse(request):
    if request.method == "POST":
        raise Conflict("This micro-credential is with the agency and cannot be edited now.")
    raise NotPermitted("Only approvers may assign cases.")


def _ok(request):
    return HttpResponse("ok")


urlpatterns = [path("refuse/", _refuse), path("ok/", _ok), path("", include("config.urls"))]


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
