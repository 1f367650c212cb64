"""The agency's signing identity: the private key and certificate that sign every letter, and
the earlier certificates whose letters still verify after a key rotation.

Production names the files in SIGNING_KEY_FILE and SIGNING_CERT_FILE. Only workers sign, so
only they need the key (a worker refuses to start without it, config/celery.py); the web
needs the certificate alone (its settings refuse to start without it). SIGNING_TRUSTED_CERTS
optionally names a PEM file of earlier agency certificates. Elsewhere a development key and
self-signed certificate are made under VAR_DIR on first use, once, even when several processes
(web, workers, tests) ask at the same moment.
"""

import datetime as dt
import fcntl
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID, ObjectIdentifier
from django.conf import settings

logger = logging.getLogger(__name__)

# 3072 bits: NIST's size for signatures meant to stay verifiable past 2030; signing one letter
# costs a few milliseconds either way (benchmarks/letters.py).
DEV_KEY_BITS = 3072
DEV_CERT_YEARS = 10
DEV_KEY_NAME = "dev-key.pem"
DEV_CERT_NAME = "dev-cert.pem"
# id-kp-documentSigning (RFC 9336): the purpose readers such as Acrobat look for.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


class SigningKeyUnavailable(Exception):
    """The key or certificate that signs letters cannot be read: letters must not go out."""


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    certificate: Path


def signing_files() -> SigningFiles:
    """The key and certificate files that sign letters, creating the development pair if the
    settings name none. Raises SigningKeyUnavailable when configured files are missing."""
    key_file = settings.SIGNING_KEY_FILE
    cert_file = settings.SIGNING_CERT_FILE
    if key_file or cert_file:
        files = SigningFiles(key=Path(key_file), certificate=Path(cert_file))
        for path in (files.key, files.certificate):
            if not key_file or not cert_file or not path.is_file():
                raise SigningKeyUnavailable(
                    "SIGNING_KEY_FILE and SIGNING_CERT_FILE must both name readable files; got %r and %r"
                    % (key_file, cert_file)
                )
        return files
    return _development_files(Path(settings.VAR_DIR) / "signing")


def signing_certificate_pem() -> bytes:
    """The agency's current certificate in PEM."""
    return signing_certificate().public_bytes(serialization.Encoding.PEM)


def signing_certificate() -> x509.Certificate:
    """The certificate of the key that signs new letters. Needs only SIGNING_CERT_FILE: the web
    publishes and checks with it, and never holds the key."""
    path = _certificate_file()
    try:
        data = path.read_bytes()
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except (OSError, ValueError) as exc:
        raise SigningKeyUnavailable("cannot read the signing certificate %s: %s" % (path, exc)) from exc


def earlier_certificates() -> list[x509.Certificate]:
    """The earlier agency certificates SIGNING_TRUSTED_CERTS names (oldest last, as the file
    lists them), without the current one should the file repeat it."""
    path = settings.SIGNING_TRUSTED_CERTS
    if not path:
        return []
    try:
        certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningKeyUnavailable("cannot read SIGNING_TRUSTED_CERTS %s: %s" % (path, exc)) from exc
    current = signing_certificate()
    unique = []
    for certificate in certificates:
        if certificate != current and certificate not in unique:
            unique.append(certificate)
    return unique


def trusted_certificates() -> list[x509.Certificate]:
    """Every certificate whose letters are the agency's: the current one first."""
    return [signing_certificate(), *earlier_certificates()]


def trusted_certificates_pem() -> bytes:
    """As published at /api/v1/verify/certificate.pem: the current certificate, then the earlier ones."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in trusted_certificates())


def signing_key_check() -> SigningFiles:
    """That the key can be read and belongs to the certificate: a worker checks this as it
    starts, so a missing or mismatched key stops it at once instead of leaving every letter
    pending. Raises SigningKeyUnavailable saying what is wrong."""
    files = signing_files()
    try:
        data = files.key.read_bytes()
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(data, password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyUnavailable("cannot read the signing key %s: %s" % (files.key, exc)) from exc
    certificate = signing_certificate()
    if _public_bytes(key.public_key()) != _public_bytes(certificate.public_key()):
        raise SigningKeyUnavailable(
            "the signing key %s does not match the certificate %s" % (files.key, files.certificate)
        )
    return files


def _public_bytes(public_key) -> bytes:
    return public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _certificate_file() -> Path:
    if settings.SIGNING_CERT_FILE:
        return Path(settings.SIGNING_CERT_FILE)
    if settings.SIGNING_KEY_FILE:
        raise SigningKeyUnavailable("SIGNING_KEY_FILE is set but SIGNING_CERT_FILE is not")
    return _development_files(Path(settings.VAR_DIR) / "signing").certificate


def certificate_fingerprint(certificate: x509.Certificate | None = None) -> str:
    """SHA-256 over the certificate's DER, as colon-separated upper-case hex: the form that
    `openssl x509 -fingerprint -sha256` and browsers show, so a registrar can compare."""
    certificate = certificate or signing_certificate()
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _development_files(directory: Path) -> SigningFiles:
    files = SigningFiles(key=directory / DEV_KEY_NAME, certificate=directory / DEV_CERT_NAME)
    # The certificate is written last, so its presence means the pair is complete.
    if files.certificate.is_file() and files.key.is_file():
        return files
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        # Whoever takes the lock second finds the pair made by the first.
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (files.certificate.is_file() and files.key.is_file()):
                _create_development_pair(files)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return files


def _create_development_pair(files: SigningFiles) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=DEV_KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CA"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Ontario"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.AGENCY_NAME),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Development signing key (not for production)"),
            x509.NameAttribute(NameOID.COMMON_NAME, settings.AGENCY_NAME + " (development)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # A day's slack so a machine whose clock lags a little still accepts it.
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * DEV_CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_atomically(
        files.key,
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        mode=0o600,
    )
    _write_atomically(files.certificate, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    logger.warning("Created a development signing key and self-signed certificate in %s", files.key.parent)


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
