"""Data Integrity proofs with the eddsa-jcs-2022 cryptosuite, exactly as W3C *Data Integrity
EdDSA Cryptosuites v1.0* specifies (sections 3.3.1-3.3.6): JCS-canonicalise the proof
configuration and the document without its proof, hash each with SHA-256, sign the proof
configuration's hash followed by the document's hash with Ed25519, and write the signature
as base58btc multibase.

The proof carries the document's @context, as the specification's test vectors do, so every
verifier hashes the same proof configuration."""

import datetime as dt
import hashlib

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from .multibase import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"


class ProofInvalid(Exception):
    """Why a proof does not hold, in a sentence a verifier's page can show."""


def _canonical(value) -> bytes:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, RecursionError) as exc:
        raise ProofInvalid(_("The credential cannot be canonicalised (JCS): %(error)s.") % {"error": exc}) from exc


def hash_data(document: dict, proof_config: dict) -> bytes:
    """SHA-256(JCS(proof configuration)) followed by SHA-256(JCS(document)) (section 3.3.4)."""
    return hashlib.sha256(_canonical(proof_config)).digest() + hashlib.sha256(_canonical(document)).digest()


def proof_create(document: dict, *, private_key: Ed25519PrivateKey, verification_method: str,
                 created: dt.datetime, proof_purpose: str = "assertionMethod") -> dict:
    """The document with a `proof` added (the document itself is left as it was)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof_config = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in unsecured:
        proof_config["@context"] = unsecured["@context"]
    signature = private_key.sign(hash_data(unsecured, proof_config))
    return {**unsecured, "proof": {**proof_config, "proofValue": multibase_encode(signature)}}


def proof_verify(secured: dict, *, public_key: Ed25519PublicKey, expected_method: str | None = None) -> dict:
    """Check the one eddsa-jcs-2022 proof of `secured` against `public_key` (section 3.3.2);
    returns the proof options. Raises ProofInvalid naming what failed."""
    proof = secured.get("proof")
    if not isinstance(proof, dict):
        raise ProofInvalid(_("The credential has no proof (or more than one)."))
    if proof.get("type") != PROOF_TYPE:
        raise ProofInvalid(_("The proof is not a DataIntegrityProof."))
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid(_("The proof uses the cryptosuite “%(suite)s”; only eddsa-jcs-2022 is accepted.")
                           % {"suite": str(proof.get("cryptosuite"))[:60]})
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofInvalid(_("The proof's purpose is not assertionMethod."))
    if expected_method is not None and proof.get("verificationMethod") != expected_method:
        raise ProofInvalid(_("The proof was not made with the agency's key."))
    created = proof.get("created")
    if created is not None and not _is_datetime(created):
        raise ProofInvalid(_("The proof's creation time is not a date and time."))
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    if "@context" in options:
        context = options["@context"]
        document_context = unsecured.get("@context")
        context_list = context if isinstance(context, list) else [context]
        document_list = document_context if isinstance(document_context, list) else [document_context]
        if document_list[: len(context_list)] != context_list:
            raise ProofInvalid(_("The proof's @context does not begin the credential's @context."))
        unsecured["@context"] = context
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except ValueError:
        raise ProofInvalid(_("The proof value is not a base58btc multibase signature.")) from None
    if len(signature) != 64:
        raise ProofInvalid(_("The proof value is not an Ed25519 signature (64 bytes)."))
    try:
        public_key.verify(signature, hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofInvalid(_("The signature does not match: the credential was changed or signed with another key.")) from None
    return options


def _is_datetime(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None
