"""Whether a file someone presents as a letter carries the agency's intact signature.

This answers for the signature alone. Whether the file is a letter the agency issued (and
which version, and whether superseded) is the hash lookup that comes with the Assessment
model: the verification service looks up `check.sha256` among the stored letter versions.
"""

import hashlib
import io
import logging
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .keys import SigningKeyUnavailable, earlier_certificates, signing_certificate
from .sign import outside_event_loop

logger = logging.getLogger(__name__)

MAX_LETTER_BYTES = 10 * 1024 * 1024

NOT_PDF = "The file is not a PDF."
TOO_LARGE = "The file is larger than 10 MB; no letter of the agency is."
UNREADABLE = "The PDF is damaged or cannot be read."
ENCRYPTED = "The PDF is encrypted; the agency's letters never are."
UNSIGNED = "The PDF carries no digital signature."
NOT_TRUSTED = "The PDF is signed, but not by the agency."
ALTERED = "The PDF was changed after it was signed."
INVALID = "The PDF's signature is not valid."


@dataclass(frozen=True)
class SignatureCheck:
    signature_valid: bool
    sha256: str
    problem: str | None = None  # why the signature is not valid, for the person who asked
    signer: str | None = None  # the signing certificate's subject, when there is a signature


def letter_signature_check(data: bytes) -> SignatureCheck:
    """Validate the agency's signature on an uploaded file. Never raises for bad input:
    garbage, damaged, encrypted, unsigned, foreign or altered files come back not valid with
    the problem named."""
    sha256 = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_LETTER_BYTES:
        return SignatureCheck(False, sha256, TOO_LARGE)
    # A PDF's header may follow up to 1024 bytes of other data (ISO 32000-1, annex H).
    if b"%PDF-" not in data[:1024]:
        return SignatureCheck(False, sha256, NOT_PDF)
    try:
        return _check(data, sha256)
    except Exception:
        # A hostile or broken file can trip any part of a PDF parser; it is still only bad input.
        logger.info("Letter check could not read a file (sha256 %s)", sha256, exc_info=True)
        return SignatureCheck(False, sha256, UNREADABLE)


def _check(data: bytes, sha256: str) -> SignatureCheck:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        return SignatureCheck(False, sha256, ENCRYPTED)
    signatures = reader.embedded_signatures
    if not signatures:
        return SignatureCheck(False, sha256, UNSIGNED)
    embedded = signatures[0]
    signer = embedded.signer_cert.subject.human_friendly if embedded.signer_cert else None
    status = outside_event_loop(validate_pdf_signature, embedded, _agency_validation_context())
    if not (status.intact and status.valid):
        return SignatureCheck(False, sha256, INVALID, signer)
    if not status.trusted:
        return SignatureCheck(False, sha256, NOT_TRUSTED, signer)
    # The agency's letters carry one signature over the whole file: anything after it
    # (an incremental update, a second signature) is a change.
    if len(signatures) != 1 or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(False, sha256, ALTERED, signer)
    return SignatureCheck(True, sha256, None, signer)


def _agency_validation_context() -> ValidationContext:
    """Trust exactly the agency's certificates, the current one and the earlier ones still
    trusted after a rotation: no system roots, no network (the development certificate has no
    revocation information, and a verification must not wait on one)."""
    certificates = [signing_certificate()]
    try:
        certificates += earlier_certificates()
    except SigningKeyUnavailable:
        # Production refuses to start with an unreadable file; should it break later, letters
        # of earlier keys fail to verify (and say so) rather than every check failing.
        logger.error("SIGNING_TRUSTED_CERTS cannot be read; trusting the current certificate only", exc_info=True)
    roots = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in certificates]
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
