
"""Letters end to end with the real parts: WeasyPrint renders, pyHanko signs and validates,
poppler's pdftotext reads the text back. Nothing of the signature is mocked."""

import asyncio
import hashlib
import io
import logging
import os
import subprocess
import tempfile
import threading

import pytest
import segno
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from credentials.letters import keys, render, verify
from credentials.letters.keys import SigningKeyUnavailable, certificate_fingerprint, signing_certificate_pem
from credentials.letters.render import (
    DISCLAIMER,
    assessment_letter_html,
    assessment_letter_pdf,
    decision_letter_pdf,
    verification_url,
)
from credentials.letters.sign import letter_sign
from credentials.letters.verify import letter_signature_check
from tests.pdf_text import pdf_text

from .letter_samples import assessment_letter, decision_letter, french_catalogue


@pytest.fixture(scope="session", autouse=True)
def signing_dir(tmp_path_factory):
    """One development key for the whole run, made under a temporary VAR_DIR (never var/)."""
    french_catalogue()
    var_dir = tmp_path_factory.mktemp("var")
    with override_settings(VAR_DIR=var_dir, SIGNING_KEY_FILE="", SIGNING_CERT_FILE=""):
        yield var_dir


@pytest.fixture(scope="module")
def letter_pdf():
    return assessment_letter_pdf(assessment_letter())


@pytest.fixture(scope="module")
def signed_pdf(letter_pdf):
    return letter_sign(letter_pdf)




def pdf_tool(tool: str, pdf: bytes, *options: str) -> str:
    """Poppler's pdfinfo or pdfsig on the bytes (they read a file)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run([tool, *options, file.name], capture_output=True, check=True, text=True).stdout


def pyhanko_status(pdf: bytes):
    reader = PdfFileReader(io.BytesIO(pdf))
    (embedded,) = reader.embedded_signatures
    trust = x509.load_pem_x509_certificate(signing_certificate_pem())
    root = asn1_x509.Certificate.load(trust.public_bytes(Encoding.DER))
    return validate_pdf_signature(embedded, ValidationContext(trust_roots=[root], allow_fetching=False))


# --- the letter as a reader sees it ---------------------------------------------------------


def test_assessment_letter_states_the_decision_and_how_to_check_it_in_english_then_french(letter_pdf):
    letter = assessment_letter()
    english, french = pdf_text(letter_pdf, 1), pdf_text(letter_pdf, 2)
    for expected in (
        settings.AGENCY_NAME,
        "2 March 2026",
        letter.reference,
        letter.verification_code,
        letter.provider,
        letter.title,
        "60 notional learning hours",
        "Blended",
        "Approved at OQF-9 (Post-Diploma Certificate) for 4.5 agency credits",
        "Ontario Qualifications Framework",
        "4.5 agency credits",
        "1 agency credit = 10 notional learning hours",
        "Upper-division undergraduate",
        letter.subject_area,
        "Current from 2 March 2026",
        "Next review due 2 March 2027",
        str(DISCLAIMER),
        letter.approver_name,
        letter.approver_title,
        settings.SITE_URL + "/verify/",
    ):
        assert expected in english, expected
    for expected in (
        settings.AGENCY_NAME_FR,
        "Évaluation du microtitre de compétences « Analyse de données pour les opérations de la chaîne d'approvisionnement »",
        "sous la référence MCA-2026-00042",
        "60 heures d’apprentissage théoriques",
        "Approuvée au niveau OQF-9 (Certificat postdiplôme) pour 4,5 crédits de l’Agence",
        "Cadre de classification des titres de compétence de l’Ontario",
        "1 crédit de l’Agence = 10 heures d’apprentissage théoriques",
        letter.subject_area,  # the provider's words, as written
        "En vigueur depuis le 2 mars 2026",
        "Prochain examen prévu le 2 mars 2027",
        "Les crédits effectivement accordés dans un programme relèvent du pouvoir discrétionnaire de l’établissement d’accueil.",
        "Pour l’Agence ontarienne d’évaluation des microtitres de compétences,",
        letter.approver_name,
        "Évaluateur principal, Évaluation des crédits",
        "Vérifier cette lettre",
        settings.SITE_URL + "/verify/",
        "Page 2 de 2",
    ):
        assert expected in french, expected
    assert "Page 1 of 2" in english
    assert "notional" not in french and "heures" not in english


def test_the_qr_code_and_the_verification_code_appear_once(letter_pdf):
    letter = assessment_letter()
    assert pdf_text(letter_pdf).count(letter.verification_code) == 1
    html = assessment_letter_html(letter)
    assert html.count("<svg") == 1 and html.count('<dd class="code">%s</dd>' % letter.verification_code) == 1


def test_the_shared_heading_gives_its_labels_and_the_date_in_both_languages(letter_pdf):
    text = pdf_text(letter_pdf, 1).upper()  # the labels are set in capitals
    for expected in ("To / Destinataire", "2 March 2026 / 2 mars 2026", "Verification code / Code de vérification",
                     "Assessment reference / Référence de l’évaluation", "Toronto (Ontario) Canada"):
        assert expected.upper() in text, expected


def test_each_language_has_its_page(letter_pdf):
    assert len(PdfFileReader(io.BytesIO(letter_pdf)).root["/Pages"]["/Kids"]) == 2


def test_the_letter_is_a_tagged_archival_pdf_on_us_letter_paper_before_and_after_signing(letter_pdf, signed_pdf):
    for pdf in (letter_pdf, signed_pdf):
        info = pdf_tool("pdfinfo", pdf)
        assert "Tagged:          yes" in info
        assert "Metadata Stream: yes" in info
        assert "Page size:       612 x 792 pts (letter)" in info
        assert "Pages:           2" in info
        assert "Title:           Assessment letter MCA-2026-00042: Data Analytics for Supply Chain Operations / " \
               "Lettre d’évaluation MCA-2026-00042 : Analyse de données" in info.replace("\u00a0", " ")
        xmp = pdf_tool("pdfinfo", pdf, "-meta")
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
        assert settings.AGENCY_NAME_FR in xmp  # the author, in dc:creator
    # Info and XMP name the same producer once signed (PDF/A wants them to agree).
    producer = next(line for line in pdf_tool("pdfinfo", signed_pdf).splitlines() if line.startswith("Producer:"))
    assert 'pdf:Producer="%s"' % producer.split(":", 1)[1].strip() in pdf_tool("pdfinfo", signed_pdf, "-meta")


def _structure_languages(pdf: bytes):
    """(structure type, /Lang) of every structure element that declares a language."""
    found = []

    def walk(element):
        element = element.get_object()
        if not isinstance(element, generic.DictionaryObject):
            return
        if "/Lang" in element:
            found.append((str(element.get("/S")), str(element["/Lang"])))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, generic.ArrayObject) else [kids] if kids is not None else []:
            if isinstance(kid, (generic.IndirectObject, generic.DictionaryObject)):
                walk(kid)

    reader = PdfFileReader(io.BytesIO(pdf))
    walk(reader.root["/StructTreeRoot"])
    return str(reader.root["/Lang"]), found


def test_the_pdf_declares_the_language_of_each_section(letter_pdf):
    document, elements = _structure_languages(letter_pdf)
    assert document == "en-CA"
    sections = [lang for kind, lang in elements if kind == "/Sect"]
    assert sections == ["en-CA", "fr-CA"]
    # The shared heading's French labels are marked French too.
    assert ("/Span", "fr-CA") in elements


def test_credits_follow_each_languages_number_and_plural():
    for credits, english, french in (
        ("2.5", "2.5 agency credits", "2,5 crédits de l’Agence"),
        ("1.5", "1.5 agency credits", "1,5 crédit de l’Agence"),
        ("1", "1 agency credit", "1 crédit de l’Agence"),
    ):
        pdf = assessment_letter_pdf(assessment_letter(credits=credits, version=2))
        assert "for %s" % english in pdf_text(pdf, 1)
        assert "pour %s" % french in pdf_text(pdf, 2)
    text = pdf_text(pdf, 1)
    assert "LETTER VERSION / VERSION DE LA LETTRE 2" in text
    assert "letter version 2" in text and "version 2 de la lettre" in pdf_text(pdf, 2)


def test_without_french_names_the_french_section_gives_the_english_ones():
    pdf = assessment_letter_pdf(assessment_letter(title_fr="", level_name_fr="", framework_fr=""))
    french = pdf_text(pdf, 2)
    assert "« Data Analytics for Supply Chain Operations »" in french
    assert "Approuvée au niveau OQF-9 (Post-Diploma Certificate)" in french
    assert "Ontario Qualifications Framework" in french


def test_decision_letter_gives_the_reasons_in_both_sections_and_no_verification_code():
    letter = decision_letter()
    pdf = decision_letter_pdf(letter)
    english, french = pdf_text(pdf, 1), pdf_text(pdf, 2)
    assert "Declined" in english and "Refusée : aucun niveau" in french
    assert letter.reference in english
    assert "« L'essentiel du leadership en milieu de travail »" in french
    for reason in letter.reasons:
        assert " ".join(reason.split()) in english and " ".join(reason.split()) in french
    assert "VERIFICATION CODE" not in (english + french).upper() and "CODE DE VÉRIFICATION" not in french.upper()
    assert "CONFIDENTIAL: FOR THE PROVIDER ONLY / CONFIDENTIEL : POUR LE FOURNISSEUR SEULEMENT" in english
    assert "dix jours ouvrables" in french and "confidentiel, pour le fournisseur" in french
    assert "Tagged:          yes" in pdf_tool("pdfinfo", pdf)


def test_rendering_is_deterministic(letter_pdf):
    """Dates and the file identifier come from the letter, so a task that runs twice renders
    the same bytes before signing."""
    assert assessment_letter_pdf(assessment_letter()) == letter_pdf
    info = PdfFileReader(io.BytesIO(letter_pdf)).trailer["/Info"]
    assert info["/CreationDate"] == info["/ModDate"] == "D:20260302"  # the letter's date, not today's


def test_a_different_letter_renders_different_bytes(letter_pdf):
    assert assessment_letter_pdf(assessment_letter(version=2)) != letter_pdf


@override_settings(SITE_URL="https://omcaa.example.ca")
def test_qr_code_opens_the_verification_page_of_the_code(monkeypatch):
    seen = []
    real_make = segno.make

    def recording_make(content, *args, **kwargs):
        seen.append(content)
        return real_make(content, *args, **kwargs)

    monkeypatch.setattr(render.segno, "make", recording_make)
    letter = assessment_letter()
    html = assessment_letter_html(letter)

    url = "https://omcaa.example.ca/verify/K7QF-3MZP-9WXA-C2HD/"
    assert verification_url(letter.verification_code) == url
    assert seen == [url]
    svg = render.verification_qr_svg(url)
    assert svg.startswith("<svg") and svg in html and html.count("<svg") == 1
    assert seen == [url, url]
    assert "<title>QR code: %s / Code QR : %s</title>" % (url, url) in svg  # the figure's alternative text


def test_letter_html_escapes_what_the_provider_wrote():
    html = assessment_letter_html(assessment_letter(title="<script>alert(1)</script> & Co"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


# --- the signature ----------------------------------------------------------------------------


def test_signed_letter_validates_intact_trusted_and_covering_the_whole_file(signed_pdf, letter_pdf):
    assert signed_pdf.startswith(letter_pdf)  # an incremental update: the rendered bytes stay
    status = pyhanko_status(signed_pdf)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line

    check = letter_signature_check(signed_pdf)
    assert check.signature_valid and check.problem is None
    assert check.sha256 == hashlib.sha256(signed_pdf).hexdigest()
    assert settings.AGENCY_NAME in check.signer


def test_the_signature_names_the_agencys_certificate_once_and_by_its_hash(signed_pdf):
    """The signer keeps the certificate's parts as DER between letters (sign.AgencySigner):
    they must still be this certificate's."""
    (embedded,) = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures
    signed_data = embedded.signed_data
    certificate = x509.load_pem_x509_certificate(signing_certificate_pem())
    der = certificate.public_bytes(Encoding.DER)
    assert [choice.chosen.dump() for choice in signed_data["certificates"]] == [der]
    (signer_info,) = signed_data["signer_infos"]
    sid = signer_info["sid"].chosen
    assert sid["serial_number"].native == certificate.serial_number
    assert sid["issuer"].dump() == asn1_x509.Certificate.load(der).issuer.dump()
    (ess,) = [a for a in signer_info["signed_attrs"] if a["type"].native == "signing_certificate_v2"]
    (cert_id,) = ess["values"][0]["certs"]
    assert cert_id["cert_hash"].native == hashlib.sha256(der).digest()
    assert not [a for a in signer_info["signed_attrs"] if a["type"].native == "signing_time"]  # PAdES


def test_signed_letter_text_is_unchanged_by_signing(signed_pdf, letter_pdf):
    assert pdf_text(signed_pdf) == pdf_text(letter_pdf)


def test_poppler_validates_the_signature_over_the_whole_archival_file(signed_pdf):
    # -nocert: poppler's own trust store does not hold the development certificate; the
    # certificate is checked against the agency's by pyHanko above.
    report = pdf_tool("pdfsig", signed_pdf, "-nocert")
    assert "Signature #1:" in report and "Signature #2" not in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "Signature Type: ETSI.CAdES.detached" in report  # PAdES


def test_poppler_finds_an_altered_letter_invalid(signed_pdf):
    tampered = bytearray(signed_pdf)
    tampered[len(signed_pdf) // 3] ^= 0x01
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(bytes(tampered))
        file.flush()
        report = subprocess.run(["pdfsig", "-nocert", file.name], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in report


def test_flipped_byte_is_not_valid(signed_pdf):
    # Inside the page content, well before the signature.
    tampered = bytearray(signed_pdf)
    tampered[len(signed_pdf) // 3] ^= 0x01
    check = letter_signature_check(bytes(tampered))
    assert not check.signature_valid
    assert check.problem is not None


def test_well_formed_edit_of_the_signed_bytes_is_not_valid(signed_pdf):
    # An edit that keeps the file well-formed: one character of the file identifier.
    start = signed_pdf.index(b"/ID [(") + len(b"/ID [(")
    tampered = signed_pdf[:start] + (b"0" if signed_pdf[start : start + 1] != b"0" else b"1") + signed_pdf[start + 1 :]
    assert tampered != signed_pdf
    check = letter_signature_check(tampered)
    assert not check.signature_valid
    assert check.problem == verify.INVALID


def test_incremental_update_after_signing_is_not_valid(signed_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    info = writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("Edited")}))
    assert info is not None
    out = io.BytesIO()
    writer.write(out)
    edited = out.getvalue()
    assert edited.startswith(signed_pdf)

    check = letter_signature_check(edited)
    assert not check.signature_valid
    assert check.problem == verify.ALTERED


def test_letter_signed_by_another_key_is_not_valid(letter_pdf, tmp_path):
    # Another self-signed certificate with the very same subject: an impersonation.
    with override_settings(VAR_DIR=tmp_path):
        forged = letter_sign(letter_pdf)
        assert letter_signature_check(forged).signature_valid  # valid for its own key...
    check = letter_signature_check(forged)  # ...but not for the agency's
    assert not check.signature_valid
    assert check.problem == verify.NOT_TRUSTED


def _encrypted_pdf():
    writer = PdfFileWriter()
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda: b"", verify.NOT_PDF),
        (lambda: os.urandom(4096), verify.NOT_PDF),
        (lambda: b"%PDF-1.7\n" + os.urandom(4096), verify.UNREADABLE),
        (lambda: b"%PDF-1.7\n%%EOF\n", verify.UNREADABLE),
        (_encrypted_pdf, verify.ENCRYPTED),
        (lambda: b"%PDF-1.7\n" + b"0" * (verify.MAX_LETTER_BYTES), verify.TOO_LARGE),
    ],
    ids=["empty", "random", "pdf-header-then-garbage", "header-and-eof-only", "encrypted", "too-large"],
)
def test_bad_files_are_not_valid_and_never_raise(make, problem):
    check = letter_signature_check(make())
    assert not check.signature_valid
    assert check.problem == problem
    assert len(check.sha256) == 64


def test_plain_unsigned_pdf_is_not_valid(letter_pdf):
    check = letter_signature_check(letter_pdf)
    assert not check.signature_valid
    assert check.problem == verify.UNSIGNED


def test_truncated_signed_letter_is_not_valid(signed_pdf):
    check = letter_signature_check(signed_pdf[: len(signed_pdf) - 5000])
    assert not check.signature_valid


def test_signing_and_checking_work_inside_a_running_event_loop(letter_pdf):
    """pyHanko's synchronous API starts its own event loop; an ASGI view or an async test
    already runs one."""

    async def inside():
        signed = letter_sign(letter_pdf)
        return letter_signature_check(signed)

    assert asyncio.run(inside()).signature_valid


# --- the signing identity -------------------------------------------------------------------


def test_development_certificate_names_the_agency_and_signs_documents():
    certificate = x509.load_pem_x509_certificate(signing_certificate_pem())
    organisation = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value
    assert organisation == settings.AGENCY_NAME
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign


def test_fingerprint_is_the_sha256_of_the_certificate_as_openssl_shows_it():
    certificate = x509.load_pem_x509_certificate(signing_certificate_pem())
    fingerprint = certificate_fingerprint()
    assert fingerprint == ":".join("%02X" % b for b in certificate.fingerprint(hashes.SHA256()))
    assert len(fingerprint) == 95


def test_development_key_is_made_once_even_when_processes_race(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="credentials.letters.keys")
    start = threading.Barrier(6)
    results = []

    def ask():
        start.wait()
        results.append(keys.signing_files())

    with override_settings(VAR_DIR=tmp_path):
        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        files = keys.signing_files()
        first = certificate_fingerprint()
        key_mtime = files.key.stat().st_mtime_ns
        # Asked again later: the same pair, not a new one.
        assert keys.signing_files() == files
        assert certificate_fingerprint() == first
        assert files.key.stat().st_mtime_ns == key_mtime
    assert len(set(results)) == 1
    assert [r.getMessage() for r in caplog.records].count(
        "Created a development signing key and self-signed certificate in %s" % (tmp_path / "signing")
    ) == 1
    assert oct(files.key.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in (tmp_path / "signing").iterdir()) == [".lock", "dev-cert.pem", "dev-key.pem"]


def test_configured_files_are_used_and_missing_ones_fail_loudly(tmp_path, letter_pdf):
    with override_settings(VAR_DIR=tmp_path / "a"):
        (tmp_path / "a").mkdir()
        made = keys.signing_files()
    with override_settings(SIGNING_KEY_FILE=str(made.key), SIGNING_CERT_FILE=str(made.certificate)):
        assert keys.signing_files() == made
        assert letter_signature_check(letter_sign(letter_pdf)).signature_valid
    with override_settings(SIGNING_KEY_FILE=str(tmp_path / "missing.pem"), SIGNING_CERT_FILE=str(made.certificate)):
        with pytest.raises(SigningKeyUnavailable):
            letter_sign(letter_pdf)
    broken = tmp_path / "broken-key.pem"
    broken.write_text("not a key")
    with override_settings(SIGNING_KEY_FILE=str(broken), SIGNING_CERT_FILE=str(made.certificate)):
        with pytest.raises(SigningKeyUnavailable):
            letter_sign(letter_pdf)
