"""The revocation status list of the agency's credentials (W3C *Bitstring Status List v1.0*):
one bit per register entry at its `status_list_index`, 1 when the entry is revoked.

The list is built from the revoked rows alone (an index on status finds them) and the highest
index given out, so its cost follows the revocations, not the register's size; the signed
credential is kept in the cache under a digest of exactly those facts, so a revocation shows in
the very next answer while an unchanged list is neither compressed nor signed again."""

import base64
import datetime as dt
import gzip
import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Assessment
from . import keys, proof
from .urls import status_list_url

# The specification's minimum (16 KB), so one entry's bit says nothing about how many there are.
MIN_BITS = 131_072
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
CACHE_SECONDS = 300


class StatusUnreadable(Exception):
    """The list cannot be read: the status of a credential is unknown, never "not revoked"."""


def list_length(highest_index) -> int:
    """MIN_BITS, or as many whole MIN_BITS blocks as the highest index needs."""
    needed = (highest_index or 0) + 1
    return max(MIN_BITS, -(-needed // MIN_BITS) * MIN_BITS)


def encode(length: int, set_indexes) -> str:
    """GZIP then base64url without padding, as multibase `u` (section 3.1, "Generate
    Algorithm"); bit 0 is the most significant bit of the first byte."""
    bits = bytearray(length // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The bitstring of an encodedList; StatusUnreadable for anything else."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusUnreadable(_("The status list is not multibase base64url."))
    text = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return gzip.decompress(compressed)
    except (ValueError, OSError, EOFError) as exc:
        raise StatusUnreadable(_("The status list cannot be decompressed.")) from exc


def bit(bitstring: bytes, index: int) -> int:
    return (bitstring[index // 8] >> (7 - index % 8)) & 1


def status_list_facts() -> tuple[int, list[int]]:
    """(length, revoked indexes): two index-only reads whatever the register's size."""
    revoked = sorted(Assessment.objects.filter(status=Assessment.Status.REVOKED)
                     .values_list("status_list_index", flat=True))
    highest = Assessment.objects.aggregate(highest=Max("status_list_index"))["highest"]
    return list_length(highest), revoked


def status_list_credential() -> dict:
    """The signed BitstringStatusListCredential as it stands now."""
    length, revoked = status_list_facts()
    # Everything the signed list depends on: its address, the key, its length and its bits.
    signer = keys.public_key_raw(keys.credential_public_key()).hex()
    facts = "%s:%s:%s:%d:%s" % (status_list_url(), keys.verification_method_id(), signer, length, revoked)
    digest = hashlib.sha256(facts.encode()).hexdigest()
    key = "vc:status-list:" + digest
    credential = cache.get(key)
    if credential is None:
        credential = _signed_list(length, revoked)
        cache.set(key, credential, CACHE_SECONDS)
    return credential


def _signed_list(length, revoked) -> dict:
    url = status_list_url()
    now = timezone.now().replace(microsecond=0)
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.agency_did(),
        "validFrom": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(length, revoked),
        },
    }
    return proof.proof_create(document, private_key=keys.credential_key(),
                              verification_method=keys.verification_method_id(), created=now)


def revoked_bit(index: int) -> int:
    """The bit of `index` in the agency's current list, read back from the signed list itself
    (its proof checked), as any verifier would. StatusUnreadable when it cannot be read or
    the index lies outside it."""
    credential = status_list_credential()
    try:
        proof.proof_verify(credential, public_key=keys.credential_public_key(),
                           expected_method=keys.verification_method_id())
    except proof.ProofInvalid as exc:
        raise StatusUnreadable(_("The status list's own proof does not hold.")) from exc
    bitstring = decode(credential["credentialSubject"]["encodedList"])
    if not 0 <= index < len(bitstring) * 8:
        raise StatusUnreadable(_("The status index lies outside the agency's status list."))
    return bit(bitstring, index)
