"""Assessments as verifiable credentials (issue 18): a credential downloaded from the register
verifies in an independent verifier written here (JCS by the rfc8785 library, Ed25519 by
cryptography, base58 and the bitstring decoded here, the key taken from the published DID
document), passes 1EdTech's OB 3.0 schema, fails after one changed character and shows revoked
in the request after the revocation."""

import base64
import copy
import datetime as dt
import gzip
import hashlib
import json
import re
import threading
from pathlib import Path

import jsonschema
import pytest
import rfc8785
import time_machine
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .register_world import issue, people

pytestmark = pytest.mark.usefixtures("letters_dir")

VECTORS = Path(__file__).parent / "vectors"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@pytest.fixture
def staff(db):
    return people()


# --- an independent verifier -------------------------------------------------------------

def b58decode(text):
    result = bytearray()
    for char in text:
        carry = B58.index(char)
        for i in range(len(result)):
            carry += result[i] * 58
            result[i] = carry & 0xFF
            carry >>= 8
        while carry:
            result.append(carry & 0xFF)
            carry >>= 8
    leading = len(text) - len(text.lstrip("1"))
    return bytes(leading) + bytes(reversed(result))


def published_key(api):
    did = api.get("/.well-known/did.json").json()
    method = did["verificationMethod"][0]
    raw = b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    return did, Ed25519PublicKey.from_public_bytes(raw[2:])


def independently_verified(credential, public_key):
    document = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in credential["proof"].items() if k != "proofValue"}
    assert options["cryptosuite"] == "eddsa-jcs-2022"
    document["@context"] = options["@context"]
    data = hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()
    try:
        public_key.verify(b58decode(credential["proof"]["proofValue"][1:]), data)
    except InvalidSignature:
        return False
    return True


def bit_of(status_list_credential, index):
    encoded = status_list_credential["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    return (bits[index // 8] >> (7 - index % 8)) & 1


def download_from_register_page(client, reference):
    """Follow the register entry page's download link, as a provider would."""
    page = client.get("/register/%s/" % reference).content.decode()
    link = re.search(r'href="([^"]*/credential/\?download=1)"', page)
    assert link, "the register entry page offers no credential download"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


# --- the credential ----------------------------------------------------------------------

def test_a_credential_downloaded_from_the_register_verifies_independently(staff, client, api, settings):
    settings.SITE_URL = "https://agency.example:8443"
    assessment = issue(staff, letter=False)
    credential = download_from_register_page(client, assessment.reference)
    did, key = published_key(api)
    assert did["id"] == "did:web:agency.example%3A8443"
    assert did["verificationMethod"][0]["id"] == did["id"] + "#key-1"
    assert did["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")
    assert did["assertionMethod"] == [did["id"] + "#key-1"]
    assert independently_verified(credential, key)

    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["id"].startswith("https://agency.example:8443/api/v1/assessments/%s/credential/"
                                       % assessment.reference)
    assert credential["issuer"]["id"] == did["id"] and credential["issuer"]["type"] == ["Profile"]
    assert credential["validFrom"] == "2026-03-02T00:00:00-05:00"
    assert "validUntil" not in credential
    subject = credential["credentialSubject"]
    assert subject["type"] == ["EndorsementSubject"]
    assert "OQF-9" in subject["endorsementComment"] and "4 credits" in subject["endorsementComment"]
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(assessment.status_list_index)
    assert status["statusListCredential"] == "https://agency.example:8443/api/v1/status-lists/revocation/"
    proof = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["verificationMethod"] == did["id"] + "#key-1" and proof["proofPurpose"] == "assertionMethod"
    assert proof["@context"] == credential["@context"]


def test_the_credential_passes_1edtechs_ob3_endorsement_schema(staff, api):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    schema = json.loads((VECTORS / "ob_v3p0" / "ob_v3p0_endorsementcredential_schema.json").read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
    assert not errors, [(list(e.path), e.message) for e in errors]
    # The schema is no rubber stamp: a credential without its subject fails it.
    broken = {k: v for k, v in credential.items() if k != "credentialSubject"}
    assert list(validator.iter_errors(broken))


@pytest.mark.parametrize("path, old, new", [
    (("credentialSubject", "endorsementComment"), "OQF-9", "OQF-8"),
    (("validFrom",), "2026-03-02", "2026-03-01"),
    (("name",), ":", ";"),
    (("credentialStatus", "statusListIndex"), None, None),
])
def test_one_changed_character_fails_both_verifiers(staff, api, path, old, new):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    _, key = published_key(api)
    tampered = copy.deepcopy(credential)
    holder = tampered
    for name in path[:-1]:
        holder = holder[name]
    value = holder[path[-1]]
    if old is None:  # the index: one digit more points at another entry's bit
        holder[path[-1]] = value + "1"
    else:
        assert old in value
        holder[path[-1]] = value.replace(old, new, 1)
    assert independently_verified(credential, key)
    assert not independently_verified(tampered, key)
    answer = api.post("/api/v1/verify/credential/", tampered, format="json").json()
    assert answer["verified"] is False and answer["checks"]["proof"] is False
    assert answer["reference"] is None
    assert "signature" in answer["problems"]["proof"]


def test_the_api_verifies_the_credential_check_by_check(staff, api):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    answer = api.post("/api/v1/verify/credential/", credential, format="json")
    assert answer.status_code == 200
    assert answer.json() == {"verified": True, "checks": {"proof": True, "issuer": True, "status": "ok",
                                                          "validity": True},
                             "reference": assessment.reference, "problems": {}}


def test_revocation_sets_the_bit_and_shows_in_the_next_request(staff, api, api_as):
    assessment = issue(staff, letter=False)
    other = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    index = int(credential["credentialStatus"]["statusListIndex"])
    _, key = published_key(api)
    before = api.get("/api/v1/status-lists/revocation/")
    assert "max-age=60" in before["Cache-Control"] and before["Access-Control-Allow-Origin"] == "*"
    assert bit_of(before.json(), index) == 0
    assert api.post("/api/v1/verify/credential/", credential, format="json").json()["checks"]["status"] == "ok"

    revoked = api_as(staff["approver"]).post("/api/v1/assessments/%s/revoke/" % assessment.reference,
                                             {"reason": "Evidence was falsified."}, format="json")
    assert revoked.status_code == 200
    after = api.get("/api/v1/status-lists/revocation/").json()
    assert independently_verified(after, key)
    assert after["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert after["credentialSubject"]["statusPurpose"] == "revocation"
    assert bit_of(after, index) == 1
    assert bit_of(after, other.status_list_index) == 0
    answer = api.post("/api/v1/verify/credential/", credential, format="json").json()
    assert answer["verified"] is False
    assert answer["checks"] == {"proof": True, "issuer": True, "status": "revoked", "validity": True}


def test_each_entry_has_its_own_index_given_once(staff):
    first, second = issue(staff, letter=False), issue(staff, letter=False)
    assert first.status_list_index != second.status_list_index
    first.refresh_from_db()
    index = first.status_list_index
    first.title = "Renamed"
    first.save()
    first.refresh_from_db()
    assert first.status_list_index == index


def test_a_renewal_gives_a_new_credential(staff, api):
    from credentials.services import assessment_renew

    assessment = issue(staff, letter=False)
    first = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    assessment_renew(assessment=assessment, level_id="OQF-10", credits="5", transfer_category="upper_division",
                     subject_area="Data visualisation", recommended_by=staff["assessor"],
                     signed_off_by=staff["approver"])
    second = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    assert first["id"] != second["id"]
    assert "OQF-10" in second["credentialSubject"]["endorsementComment"]
    assert first["credentialStatus"]["statusListIndex"] == second["credentialStatus"]["statusListIndex"]


def test_the_validity_window_follows_the_entry_and_is_checked(staff, api, api_as):
    assessment = issue(staff, letter=False, current_from=dt.date(2026, 1, 5))
    api_as(staff["approver"]).post("/api/v1/assessments/%s/revoke/" % assessment.reference,
                                   {"reason": "Withdrawn."}, format="json")
    credential = api_as(staff["approver"]).get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    assert credential["validFrom"] == "2026-01-05T00:00:00-05:00"
    assert credential["validUntil"].endswith("T23:59:59" + credential["validUntil"][-6:])
    with time_machine.travel(dt.datetime(2040, 1, 1, tzinfo=dt.UTC)):
        answer = api.post("/api/v1/verify/credential/", credential, format="json").json()
    assert answer["checks"]["validity"] is False and "ended" in answer["problems"]["validity"]
    with time_machine.travel(dt.datetime(2025, 1, 1, tzinfo=dt.UTC)):
        answer = api.post("/api/v1/verify/credential/", credential, format="json").json()
    assert answer["checks"]["validity"] is False and "not valid yet" in answer["problems"]["validity"]


def test_entries_the_register_hides_have_no_public_credential(staff, api, api_as):
    assessment = issue(staff, letter=False)
    api_as(staff["approver"]).post("/api/v1/assessments/%s/revoke/" % assessment.reference,
                                   {"reason": "Withdrawn."}, format="json")
    assert api.get("/api/v1/assessments/%s/credential/" % assessment.reference).status_code == 404
    assert api.get("/api/v1/assessments/NOPE-1/credential/").status_code == 404


# --- bad input -----------------------------------------------------------------------------

def post_raw(api, body, content_type="application/json"):
    return api.generic("POST", "/api/v1/verify/credential/", body, content_type=content_type)


@pytest.mark.parametrize("body", [b"not json", b"{", b"\xff\xfe", b"[" * 100_000, b""])
def test_a_body_that_is_not_json_is_a_400(db, api, body):
    response = post_raw(api, body)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


@pytest.mark.parametrize("document", [[], [{"a": 1}], "text", 42, None, {}, {"@context": ["x"], "type": ["X"]},
                                      {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "Badge"}])
def test_json_that_is_not_a_credential_is_a_400(db, api, document):
    response = post_raw(api, json.dumps(document).encode())
    assert response.status_code == 400
    assert "credential" in response.json()["detail"]


def test_a_huge_body_is_refused_unread(db, api):
    response = post_raw(api, b" " * (2 * 1024 * 1024))
    assert response.status_code == 413


def resigned(credential, private_key, **proof_changes):
    """`credential` signed again (by the test, with JCS and cryptography) with another key or
    other proof options."""
    document = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in credential["proof"].items() if k != "proofValue"}
    options.update(proof_changes)
    signature = private_key.sign(hashlib.sha256(rfc8785.dumps(options)).digest()
                                 + hashlib.sha256(rfc8785.dumps(document)).digest())
    number = int.from_bytes(signature, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = B58[digit] + text
    return {**document, "proof": {**options, "proofValue": "z" + text}}


def test_a_credential_signed_by_another_key_fails_the_proof(staff, api):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    forged = resigned(credential, Ed25519PrivateKey.generate())
    answer = api.post("/api/v1/verify/credential/", forged, format="json").json()
    assert answer["verified"] is False and answer["checks"]["proof"] is False
    assert "another key" in answer["problems"]["proof"]
    # Signed by someone else under their own DID: neither the proof nor the issuer is the agency's.
    someone = {**credential, "issuer": {"id": "did:web:elsewhere.example", "type": ["Profile"]}}
    forged = resigned(someone, Ed25519PrivateKey.generate(), verificationMethod="did:web:elsewhere.example#key-1")
    answer = api.post("/api/v1/verify/credential/", forged, format="json").json()
    assert answer["checks"]["proof"] is False and answer["checks"]["issuer"] is False
    assert set(answer["problems"]) == {"proof", "issuer"}


def test_an_unknown_cryptosuite_is_named(staff, api):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    credential["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    answer = api.post("/api/v1/verify/credential/", credential, format="json").json()
    assert answer["checks"]["proof"] is False and "ecdsa-rdfc-2019" in answer["problems"]["proof"]


@pytest.mark.parametrize("change, problem", [
    (lambda s: s.update(statusListIndex="99999999999"), "outside"),
    (lambda s: s.update(statusListIndex="-1"), "not a number"),
    (lambda s: s.update(statusListIndex=7), "not a number"),
    (lambda s: s.update(statusListCredential="https://elsewhere.example/list"), "not the agency's"),
    (lambda s: s.update(type="StatusList2021Entry"), "not a revocation"),
    (lambda s: s.clear(), "not a revocation"),
])
def test_a_status_that_cannot_be_read_is_could_not_check_never_ok(staff, api, change, problem):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    change(credential["credentialStatus"])
    answer = api.post("/api/v1/verify/credential/", credential, format="json")
    assert answer.status_code == 200
    answer = answer.json()
    assert answer["checks"]["status"] == "unknown" and answer["verified"] is False
    assert problem in answer["problems"]["status"] and "could not" in answer["problems"]["status"].lower()


def test_an_unreadable_status_list_is_could_not_check(staff, api, monkeypatch):
    from credentials.vc import status_list

    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    real = status_list.status_list_credential

    def garbled():
        listed = copy.deepcopy(real())
        listed["credentialSubject"]["encodedList"] = "u!!!not-gzip"
        return listed

    monkeypatch.setattr(status_list, "status_list_credential", garbled)
    answer = api.post("/api/v1/verify/credential/", credential, format="json").json()
    assert answer["checks"]["status"] == "unknown"
    assert "could not be checked" in answer["problems"]["status"]


@pytest.mark.parametrize("value", ["z0OIl", "", 5, None, "z" + "1" * 300])
def test_a_proof_value_that_is_not_a_signature_fails_the_proof(staff, api, value):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    credential["proof"]["proofValue"] = value
    answer = api.post("/api/v1/verify/credential/", credential, format="json")
    assert answer.status_code == 200 and answer.json()["checks"]["proof"] is False


def test_a_credential_without_proof_or_with_odd_values_is_answered(staff, api):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    for change in ({"proof": None}, {"proof": [credential["proof"]]}, {"validFrom": "yesterday"},
                   {"issuer": ["x"]}, {"proof": {**credential["proof"], "created": 5}}):
        answer = api.post("/api/v1/verify/credential/", {**credential, **change}, format="json")
        assert answer.status_code == 200, change
        assert answer.json()["verified"] is False


# --- keys -----------------------------------------------------------------------------------

def test_the_development_key_is_made_once_whoever_asks_first(tmp_path):
    from credentials.vc.keys import _development_key

    paths = []
    threads = [threading.Thread(target=lambda: paths.append(_development_key(tmp_path / "vc"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(paths)) == 1
    assert [p.name for p in (tmp_path / "vc").iterdir()] == ["dev-ed25519.pem"]
    key = serialization.load_pem_private_key(paths[0].read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)


def test_a_configured_key_signs_and_the_did_document_publishes_it(staff, api, settings, tmp_path):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "vc.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    settings.VC_KEY_FILE = str(path)
    _, published = published_key(api)
    assert published.public_bytes_raw() == key.public_key().public_bytes_raw()
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    assert independently_verified(credential, key.public_key())


def test_an_unreadable_key_file_is_a_503_not_a_500(staff, api, settings, tmp_path):
    path = tmp_path / "vc.pem"
    path.write_text("not a key")
    settings.VC_KEY_FILE = str(path)
    assert api.get("/.well-known/did.json").status_code == 503
    assessment = issue(staff, letter=False)
    assert api.get("/api/v1/assessments/%s/credential/" % assessment.reference).status_code == 503


def test_the_api_takes_an_uploaded_credential_file_too(staff, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).content
    answer = api.post("/api/v1/verify/credential/",
                      {"file": SimpleUploadedFile("c.json", credential, content_type="application/json")},
                      format="multipart")
    assert answer.status_code == 200 and answer.json()["verified"] is True
    assert api.post("/api/v1/verify/credential/", {}, format="multipart").status_code == 400
    # Any declared type: the body is judged as JSON all the same.
    assert post_raw(api, credential, content_type="text/plain").json()["verified"] is True


# --- the pages -------------------------------------------------------------------------------

def test_the_verify_page_checks_a_pasted_credential(staff, client, api):
    assessment = issue(staff, letter=False)
    text = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).content.decode()
    page = client.post("/verify/", {"check": "credential", "credential": text})
    assert page.status_code == 200
    assert page.context["credential_result"].verdict == "verified"
    assert "VERIFIED" in page.content.decode()
    tampered = client.post("/verify/", {"check": "credential", "credential": text.replace("OQF-9", "OQF-8", 1)})
    assert tampered.context["credential_result"].verdict == "not_authentic"
    assert "NOT AUTHENTIC" in tampered.content.decode()


@pytest.mark.parametrize("data, message", [
    ({}, "Paste a credential"),
    ({"credential": "not json"}, "not JSON"),
    ({"credential": "[1, 2]"}, "not a credential"),
    ({"credential": '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["X"]}'}, "VerifiableCredential"),
])
def test_the_verify_page_says_why_input_is_not_a_credential(db, client, data, message):
    page = client.post("/verify/", {"check": "credential", **data})
    assert page.status_code == 400
    assert message in " ".join(page.context["credential_form"].non_field_errors())
    assert page.context["credential_result"] is None


def test_a_status_that_cannot_be_checked_is_never_shown_as_verified(staff, client, api):
    assessment = issue(staff, letter=False)
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    credential["credentialStatus"]["statusListCredential"] = "https://elsewhere.example/list"
    page = client.post("/verify/", {"check": "credential", "credential": json.dumps(credential)})
    result = page.context["credential_result"]
    # The signature covers the status entry, so the change also breaks the proof: the gravest
    # answer wins; the status row still says it could not check.
    assert result.verdict == "not_authentic" and result.status == "unknown"
    assert "Could not check" in page.content.decode()


def test_an_authentic_credential_whose_list_cannot_be_read_says_could_not_check(staff, client, api, monkeypatch):
    from credentials.vc import status_list

    assessment = issue(staff, letter=False)
    text = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).content.decode()

    def unreadable():
        raise status_list.StatusUnreadable("The status list cannot be read.")

    monkeypatch.setattr(status_list, "revoked_bit", lambda index: unreadable())
    page = client.post("/verify/", {"check": "credential", "credential": text})
    assert page.context["credential_result"].verdict == "could_not_check"
    assert "COULD NOT CHECK" in page.content.decode()
    answer = api.post("/api/v1/verify/credential/", json.loads(text), format="json").json()
    assert answer["verified"] is False and answer["checks"]["status"] == "unknown"


def test_the_cached_list_follows_the_key_and_the_address(staff, api, settings, tmp_path):
    assessment = issue(staff, letter=False)
    api.get("/api/v1/status-lists/revocation/")
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "vc.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    settings.VC_KEY_FILE = str(path)
    assert independently_verified(api.get("/api/v1/status-lists/revocation/").json(), key.public_key())
    settings.SITE_URL = "https://moved.example"
    listed = api.get("/api/v1/status-lists/revocation/").json()
    assert listed["id"] == "https://moved.example/api/v1/status-lists/revocation/"
    credential = api.get("/api/v1/assessments/%s/credential/" % assessment.reference).json()
    assert api.post("/api/v1/verify/credential/", credential, format="json").json()["verified"] is True
