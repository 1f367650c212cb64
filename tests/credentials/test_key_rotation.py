"""Rotating the agency's signing key: letters signed by an earlier key that the agency still
trusts (SIGNING_TRUSTED_CERTS) keep verifying; the web needs the certificate only, and a worker
refuses to start without a key that matches it. Real keys, real signatures, a real worker process."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from credentials.letters import keys, verify
from credentials.letters.keys import SigningKeyUnavailable, certificate_fingerprint, signing_key_check
from credentials.letters.verify import letter_signature_check

from .register_world import issue, people

ROOT = Path(__file__).resolve().parent.parent.parent


def key_pair(directory) -> keys.SigningFiles:
    """A real key and self-signed certificate, made by the development-pair code."""
    directory.mkdir()
    with override_settings(VAR_DIR=directory):
        return keys.signing_files()


@pytest.fixture
def old_and_new(tmp_path):
    return key_pair(tmp_path / "old"), key_pair(tmp_path / "new")


def sign_with(settings, pair, trusted=None):
    settings.SIGNING_KEY_FILE = str(pair.key)
    settings.SIGNING_CERT_FILE = str(pair.certificate)
    settings.SIGNING_TRUSTED_CERTS = str(trusted) if trusted else ""


def trusted_file(tmp_path, *pairs):
    path = tmp_path / "trusted.pem"
    path.write_bytes(b"".join(pair.certificate.read_bytes() for pair in pairs))
    return path


def letter_bytes(assessment, version=1):
    with assessment.letters.get(version=version).file.open("rb") as f:
        return f.read()


def upload(api, data):
    response = api.post("/api/v1/verify/letter/", {"file": SimpleUploadedFile("l.pdf", data, "application/pdf")},
                        format="multipart")
    assert response.status_code == 200
    return response.json()


def test_after_a_rotation_earlier_letters_and_new_ones_both_verify_as_authentic(
    db, settings, tmp_path, letters_dir, old_and_new, api
):
    old, new = old_and_new
    staff = people()
    sign_with(settings, old)
    before = issue(staff)
    sign_with(settings, new, trusted=trusted_file(tmp_path, old))
    after = issue(staff)

    old_letter, new_letter = letter_bytes(before), letter_bytes(after)
    assert letter_signature_check(new_letter).signer == letter_signature_check(old_letter).signer  # same subject
    for assessment, data in ((before, old_letter), (after, new_letter)):
        body = upload(api, data)
        assert (body["authentic"], body["signature_valid"], body["reference"]) == (True, True, assessment.reference)

    # The new key signed the new letter: the old certificate alone does not vouch for it.
    sign_with(settings, old)
    assert letter_signature_check(new_letter).problem == verify.NOT_TRUSTED


def test_without_the_trusted_file_an_earlier_key_is_not_the_agency(db, settings, letters_dir, old_and_new, api):
    old, new = old_and_new
    sign_with(settings, old)
    assessment = issue(people())
    sign_with(settings, new)
    body = upload(api, letter_bytes(assessment))
    assert (body["authentic"], body["signature_valid"]) == (False, False)
    assert body["problem"] == verify.NOT_TRUSTED


def test_a_key_the_agency_never_trusted_stays_untrusted_beside_earlier_ones(settings, tmp_path, old_and_new):
    old, new = old_and_new
    stranger = key_pair(tmp_path / "stranger")
    sign_with(settings, stranger)
    from credentials.letters.render import html_to_pdf
    from credentials.letters.sign import letter_sign

    forged = letter_sign(html_to_pdf("<p>A letter</p>", identity="forged"))
    sign_with(settings, new, trusted=trusted_file(tmp_path, old))
    assert letter_signature_check(forged).problem == verify.NOT_TRUSTED


def test_the_published_certificates_are_the_current_one_then_the_earlier_ones(
    db, settings, tmp_path, old_and_new, api
):
    old, new = old_and_new
    older = key_pair(tmp_path / "older")
    sign_with(settings, new, trusted=trusted_file(tmp_path, old, older))
    response = api.get("/api/v1/verify/certificate.pem")
    assert response.status_code == 200
    published = x509.load_pem_x509_certificates(response.content)
    expected = [x509.load_pem_x509_certificate(pair.certificate.read_bytes()) for pair in (new, old, older)]
    assert published == expected
    # Without earlier ones, the current certificate alone.
    sign_with(settings, new)
    assert x509.load_pem_x509_certificates(api.get("/api/v1/verify/certificate.pem").content) == expected[:1]


def test_the_verify_page_shows_the_current_fingerprint_and_lists_the_earlier_ones(
    db, settings, tmp_path, old_and_new, client
):
    old, new = old_and_new
    sign_with(settings, new, trusted=trusted_file(tmp_path, old))
    current = certificate_fingerprint(x509.load_pem_x509_certificate(new.certificate.read_bytes()))
    earlier = certificate_fingerprint(x509.load_pem_x509_certificate(old.certificate.read_bytes()))
    page = client.get("/verify/").content.decode()
    assert current in page and earlier in page
    assert page.index(current) < page.index(earlier)
    assert "Earlier certificates" in page


def test_the_web_reads_the_certificate_without_the_key(db, settings, old_and_new, client, api):
    _, new = old_and_new
    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_CERT_FILE = str(new.certificate)
    settings.SIGNING_TRUSTED_CERTS = ""
    assert api.get("/api/v1/verify/certificate.pem").content == new.certificate.read_bytes()
    assert certificate_fingerprint() in client.get("/verify/").content.decode()


# The worker's check at start


def test_the_signing_key_check_passes_for_a_matching_key_and_names_every_fault(settings, tmp_path, old_and_new):
    old, new = old_and_new
    sign_with(settings, new)
    assert signing_key_check() == new
    settings.SIGNING_KEY_FILE = str(tmp_path / "missing.key")
    with pytest.raises(SigningKeyUnavailable, match="SIGNING_KEY_FILE"):
        signing_key_check()
    settings.SIGNING_KEY_FILE = str(old.key)
    with pytest.raises(SigningKeyUnavailable, match="does not match"):
        signing_key_check()
    broken = tmp_path / "broken.key"
    broken.write_text("not a key")
    settings.SIGNING_KEY_FILE = str(broken)
    with pytest.raises(SigningKeyUnavailable, match="cannot read the signing key"):
        signing_key_check()


def a_credential_key():
    """An Ed25519 key for VC_KEY_FILE, which production settings require too."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(tempfile.mkdtemp()) / "vc.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(path)


def start_worker(**signing):
    """`celery -A config worker` under the production settings, as an operator starts it."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SIGNING_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "agency.example",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        "VC_KEY_FILE": a_credential_key(),
        **signing,
    }
    try:
        return subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=info"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
    except subprocess.TimeoutExpired as running:
        pytest.fail("the worker started and kept running: %s" % (running.stderr or b"")[-2000:])


def test_a_worker_without_the_signing_key_refuses_to_start(tmp_path, old_and_new):
    _, new = old_and_new
    result = start_worker(SIGNING_KEY_FILE=str(tmp_path / "missing.key"), SIGNING_CERT_FILE=str(new.certificate))
    assert result.returncode != 0
    assert "cannot sign letters" in result.stderr and "missing.key" in result.stderr, result.stderr[-2000:]


def test_a_worker_whose_key_does_not_match_the_certificate_refuses_to_start(old_and_new):
    old, new = old_and_new
    result = start_worker(SIGNING_KEY_FILE=str(old.key), SIGNING_CERT_FILE=str(new.certificate))
    assert result.returncode != 0
    assert "cannot sign letters" in result.stderr and "does not match" in result.stderr, result.stderr[-2000:]
