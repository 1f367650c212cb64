"""The Ed25519 key that signs the agency's verifiable credentials, and the agency's DID.

Production names a PEM private key in VC_KEY_FILE (its settings refuse to start without it):
the web signs each credential as it is asked for. Elsewhere a development key is made under
VAR_DIR on first use. Several processes may ask at once: each writes its own temporary file
and links it into place, and the link fails for all but the first, which the others then read,
so no process ever reads half a key or signs with a key that lost the race.
"""

import functools
import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status

from config.errors import DomainError

from .multibase import multikey_encode

logger = logging.getLogger(__name__)

DEV_KEY_NAME = "dev-ed25519.pem"
KEY_FRAGMENT = "key-1"
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


class CredentialKeyUnavailable(DomainError):
    """VC_KEY_FILE cannot be read as an Ed25519 private key: no credential can be signed or
    checked. The reason goes to the log; the person asking is told to come back (503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self, reason):
        logger.error("credential key unavailable: %s", reason)
        super().__init__(_("The agency's credential service is unavailable just now. Try again later."))
        self.retry_after = 300


def credential_key() -> Ed25519PrivateKey:
    path = settings.VC_KEY_FILE or str(_development_key(Path(settings.VAR_DIR) / "vc"))
    return _load(path)


def credential_public_key() -> Ed25519PublicKey:
    return credential_key().public_key()


def public_key_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def agency_did() -> str:
    """did:web of SITE_URL's host, its port written %3A (did:web method, "Create")."""
    netloc = urlsplit(settings.SITE_URL).netloc.rsplit("@", 1)[-1].lower()
    return "did:web:" + quote(netloc, safe="")


def verification_method_id() -> str:
    return agency_did() + "#" + KEY_FRAGMENT


def did_document() -> dict:
    did = agency_did()
    method = verification_method_id()
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": [{
            "id": method,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multikey_encode(public_key_raw(credential_public_key())),
        }],
        "assertionMethod": [method],
    }


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CredentialKeyUnavailable("cannot read VC_KEY_FILE %s: %s" % (path, exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CredentialKeyUnavailable("VC_KEY_FILE %s is not an Ed25519 private key" % path)
    return key


def _development_key(directory: Path) -> Path:
    path = directory / DEV_KEY_NAME
    if path.is_file():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd, temp = tempfile.mkstemp(dir=directory, prefix=DEV_KEY_NAME + ".")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
            logger.warning("Created a development credential key in %s", path)
        except FileExistsError:
            pass  # another process made it first: everyone uses that one
    finally:
        Path(temp).unlink(missing_ok=True)
    return path
