"""The W3C specification's own eddsa-jcs-2022 example (vectors/README.md) verifies and is
reproduced by the project's proof code: key, document, proof options and expected proofValue."""

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credentials.vc import proof
from credentials.vc.multibase import multibase_decode, multikey_decode, multikey_encode

VECTORS = Path(__file__).parent / "vectors" / "eddsa-jcs-2022"


def vector(name):
    text = (VECTORS / name).read_text()
    return json.loads(text) if name.endswith(".json") else text.strip()


def vector_keys():
    pair = vector("keyPair.json")
    public = Ed25519PublicKey.from_public_bytes(multikey_decode(pair["publicKeyMultibase"]))
    private_bytes = multibase_decode(pair["privateKeyMultibase"])
    # Multicodec ed25519-priv (0x1300) as a varint: 0x80 0x26, then the 32-byte seed.
    assert private_bytes[:2] == b"\x80\x26"
    private = Ed25519PrivateKey.from_private_bytes(private_bytes[2:])
    return private, public


def test_public_multikey_round_trips():
    pair = vector("keyPair.json")
    private, public = vector_keys()
    assert multikey_encode(public.public_bytes_raw()) == pair["publicKeyMultibase"]
    assert private.public_key().public_bytes_raw() == public.public_bytes_raw()


def test_canonical_forms_and_hashes_match_the_specification():
    config = vector("proofConfigJCS.json")
    document = vector("unsigned.json")
    assert rfc8785.dumps(config).decode() == vector("proofCanonJCS.txt")
    assert rfc8785.dumps(document).decode() == vector("canonDocJCS.txt")
    assert hashlib.sha256(rfc8785.dumps(config)).hexdigest() == vector("proofHashJCS.txt")
    assert hashlib.sha256(rfc8785.dumps(document)).hexdigest() == vector("docHashJCS.txt")
    assert proof.hash_data(document, config).hex() == vector("combinedHashJCS.txt")


def test_signing_the_example_gives_the_expected_proof_value():
    private, _ = vector_keys()
    config = vector("proofConfigJCS.json")
    signed = proof.proof_create(
        vector("unsigned.json"), private_key=private, verification_method=config["verificationMethod"],
        created=dt.datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
    )
    assert signed["proof"]["proofValue"] == vector("sigBTC58JCS.txt")
    assert multibase_decode(signed["proof"]["proofValue"]).hex() == vector("sigHexJCS.txt")
    assert signed == vector("signedJCS.json")


def test_the_signed_example_verifies():
    _, public = vector_keys()
    options = proof.proof_verify(vector("signedJCS.json"), public_key=public)
    assert options["cryptosuite"] == "eddsa-jcs-2022"


@pytest.mark.parametrize("change", [
    lambda doc: doc.update(name="Alumni Credentia1"),
    lambda doc: doc["credentialSubject"].update(alumniOf="The School of Exampler"),
    lambda doc: doc["proof"].update(created="2023-02-24T23:36:39Z"),
    lambda doc: doc.update({"@context": doc["@context"][:1]}),
])
def test_one_changed_character_fails(change):
    _, public = vector_keys()
    signed = vector("signedJCS.json")
    change(signed)
    with pytest.raises(proof.ProofInvalid):
        proof.proof_verify(signed, public_key=public)


def test_another_key_fails():
    signed = vector("signedJCS.json")
    with pytest.raises(proof.ProofInvalid, match="another key"):
        proof.proof_verify(signed, public_key=Ed25519PrivateKey.generate().public_key())
