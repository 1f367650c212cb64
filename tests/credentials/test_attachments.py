import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credentials.models import Attachment
from tests.factories import MicroCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
DOCX = _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])
ODT = _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document-content/>")])


def upload(client, microcredential, name, content, kind="curriculum"):
    return client.post(
        "/api/v1/microcredentials/%d/attachments/" % microcredential.pk,
        {"file": SimpleUploadedFile(name, content), "kind": kind},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("outline.pdf", PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("syllabus.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("syllabus.odt", ODT, "application/vnd.oasis.opendocument.text"),
        # The name does not matter, only what the file is.
        ("outline.txt", PDF, "application/pdf"),
    ],
)
def test_accepted_kinds_are_recognised_by_their_content(api_as, provider, name, content, content_type):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = upload(api_as(provider), microcredential, name, content)
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == content_type
    # The name is kept for display, with the extension of what the file is.
    assert response.json()["original_name"].rsplit(".", 1)[0] == name.rsplit(".", 1)[0]
    assert response.json()["original_name"].rsplit(".", 1)[1] in ("pdf", "png", "jpg", "docx", "odt")
    attachment = Attachment.objects.get()
    # The stored name is ours, with the extension of what the content really is.
    assert not attachment.file.name.endswith(name)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("outline.pdf", b"<html><script>alert(1)</script></html>"),
        ("macro.docx", _zip([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<x/>")])),
        ("archive.odt", _zip([("mimetype", "application/vnd.oasis.opendocument.spreadsheet")])),
        ("broken.docx", b"PK\x03\x04 this is not really a zip"),
        ("program.pdf", b"MZ\x90\x00\x03"),
    ],
)
def test_anything_else_is_refused_with_a_reason_whatever_its_name(api_as, provider, name, content):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = upload(api_as(provider), microcredential, name, content)
    assert response.status_code == 400
    assert "not a PDF, DOCX, ODT, PNG or JPEG" in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_files_over_10_mb_are_refused(api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = upload(api_as(provider), microcredential, "big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert "larger than 10 MB" in response.json()["file"][0]


def test_an_unknown_kind_names_the_field(api_as, provider):
    response = upload(api_as(provider), MicroCredentialFactory(created_by=provider), "a.pdf", PDF, kind="selfie")
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


def test_the_provider_and_the_agency_download_it_and_nobody_else(api_as, provider, other_provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    attachment_id = upload(api_as(provider), microcredential, "outline.pdf", PDF).json()["id"]
    path = "/api/v1/microcredentials/%d/attachments/%d/file/" % (microcredential.pk, attachment_id)
    own = api_as(provider).get(path)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Type"] == "application/pdf"
    assert own["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="outline.pdf"' in own["Content-Disposition"]
    assert api_as(UserFactory(role="assessor")).get(path).status_code == 200
    assert api_as(other_provider).get(path).status_code == 404
    assert api_as(UserFactory(role="registrar")).get(path).status_code == 403


def test_uploaded_files_are_not_served_from_any_public_url(client, api_as, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    upload(api_as(provider), microcredential, "outline.pdf", PDF)
    stored = Attachment.objects.get().file.name
    assert client.get("/media/" + stored).status_code == 404


def _download(client, attachment):
    return client.get("/api/v1/microcredentials/%d/attachments/%d/file/" % (attachment.microcredential_id, attachment.pk))


def test_a_pdf_named_poly_html_is_stored_and_downloaded_as_pdf(api_as, client, provider):
    microcredential = MicroCredentialFactory(created_by=provider)
    response = upload(api_as(provider), microcredential, "poly.html", PDF)
    assert response.status_code == 201
    assert response.json()["original_name"] == "poly.pdf"
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".pdf") and attachment.original_name == "poly.pdf"
    api = _download(api_as(provider), attachment)
    assert api["Content-Type"] == "application/pdf"
    assert api["Content-Disposition"] == 'attachment; filename="poly.pdf"'
    client.force_login(provider)
    page = client.get("/microcredentials/%d/attachments/%d/" % (microcredential.pk, attachment.pk))
    assert page["Content-Disposition"] == 'attachment; filename="poly.pdf"'


def test_an_older_file_stored_under_its_uploaders_extension_downloads_as_its_kind(api_as, provider):
    from django.core.files.base import ContentFile

    microcredential = MicroCredentialFactory(created_by=provider)
    attachment = Attachment(microcredential=microcredential, kind="curriculum", original_name="poly.html",
                            content_type="application/pdf", size=len(PDF), sha256="0" * 64, uploaded_by=provider)
    attachment.file.save("poly.html", ContentFile(PDF), save=True)
    response = _download(api_as(provider), attachment)
    assert response["Content-Disposition"] == 'attachment; filename="poly.pdf"'
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("name", "shown", "disposition"), [
    ('report"; filename="evil.html', "report_filenameevil.pdf", 'attachment; filename="report_filenameevil.pdf"'),
    ("line\r\nX-Injected: yes.html", "lineX-Injected_yes.pdf", 'attachment; filename="lineX-Injected_yes.pdf"'),
    ("Résumé du cours.PDF", "Résumé_du_cours.pdf", "attachment; filename*=utf-8''R%C3%A9sum%C3%A9_du_cours.pdf"),
    ("....html", "file.pdf", 'attachment; filename="file.pdf"'),
    ("noextension", "noextension.pdf", 'attachment; filename="noextension.pdf"'),
])
def test_the_download_name_cannot_inject_headers(api_as, provider, name, shown, disposition):
    """The service sees whatever name a client sent (the multipart parser already drops some
    characters; the name here reaches the service as is)."""
    from credentials.services import attachment_add

    microcredential = MicroCredentialFactory(created_by=provider)
    attachment = attachment_add(actor=provider, microcredential=microcredential, kind="curriculum",
                                upload=SimpleUploadedFile(name, PDF))
    assert attachment.original_name == shown
    download = _download(api_as(provider), attachment)
    assert download["Content-Disposition"] == disposition
    assert "X-Injected" not in download.headers
