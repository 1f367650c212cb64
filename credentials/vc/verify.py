"""Check a credential the agency is said to have issued: its proof, its issuer, its status in
the agency's revocation list and its validity window, each on its own, as the letter check
does. A status that cannot be read is "unknown" (could not check), never "not revoked"."""

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from . import keys, proof, status_list
from .urls import status_list_url

REFERENCE_IN_ID = re.compile(r"/assessments/([A-Za-z0-9-]{1,20})/credential/")


class NotACredential(Exception):
    """The input is not a verifiable credential at all (400)."""


@dataclass
class CredentialCheck:
    proof: bool = False
    issuer: bool = False
    status: str = "unknown"  # ok | revoked | unknown
    validity: bool = False
    reference: str | None = None
    # Why each failed check failed, in a sentence: {"proof": "...", "status": "..."}.
    problems: dict = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.proof and self.issuer and self.status == "ok" and self.validity

    @property
    def verdict(self) -> str:
        """The one answer a page shows, the gravest first: not_authentic, revoked,
        not_valid_now, could_not_check, or verified."""
        if not (self.proof and self.issuer):
            return "not_authentic"
        if self.status == "revoked":
            return "revoked"
        if not self.validity:
            return "not_valid_now"
        if self.status != "ok":
            return "could_not_check"
        return "verified"


def credential_parse(data) -> dict:
    """The credential in `data` (bytes or text of JSON), shape-checked; NotACredential saying
    why it is not one."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NotACredential(_("This is not JSON text (not UTF-8); a credential is JSON.")) from None
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise NotACredential(_("This is not JSON; a credential is a JSON object.")) from None
    credential_shape_check(document)
    return document


def credential_shape_check(document) -> None:
    """NotACredential unless `document` looks like a VC Data Model 2.0 credential."""
    if not isinstance(document, dict):
        raise NotACredential(_("This JSON is not a credential: a credential is a JSON object."))
    context = document.get("@context")
    if not isinstance(context, list) or not context or context[0] != status_list.VC_CONTEXT:
        raise NotACredential(_("This is not a verifiable credential: its @context does not begin with %(context)s.")
                             % {"context": status_list.VC_CONTEXT})
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise NotACredential(_("This is not a verifiable credential: its type does not include VerifiableCredential."))


def credential_verify(document) -> CredentialCheck:
    credential_shape_check(document)
    check = CredentialCheck()
    try:
        proof.proof_verify(document, public_key=keys.credential_public_key(),
                           expected_method=keys.verification_method_id())
        check.proof = True
    except proof.ProofInvalid as exc:
        check.problems["proof"] = str(exc)
    check.issuer = _issuer_id(document.get("issuer")) == keys.agency_did()
    if not check.issuer:
        check.problems["issuer"] = _("The issuer is not the agency (%(did)s).") % {"did": keys.agency_did()}
    check.status, status_problem = _status(document.get("credentialStatus"))
    if status_problem:
        check.problems["status"] = status_problem
    check.validity, validity_problem = _validity(document)
    if validity_problem:
        check.problems["validity"] = validity_problem
    if check.proof:
        match = REFERENCE_IN_ID.search(str(document.get("id", "")))
        check.reference = match.group(1) if match else None
    return check


def _issuer_id(issuer):
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _status(entry) -> tuple[str, str]:
    if isinstance(entry, list) and len(entry) == 1:
        entry = entry[0]
    if not isinstance(entry, dict):
        return "unknown", _("The credential names no status entry: its revocation status could not be checked.")
    if entry.get("type") != "BitstringStatusListEntry" or entry.get("statusPurpose") != "revocation":
        return "unknown", _("The status entry is not a revocation BitstringStatusListEntry: could not check.")
    if entry.get("statusListCredential") != status_list_url():
        return "unknown", _("The status list is not the agency's: its revocation status could not be checked.")
    raw = entry.get("statusListIndex")
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return "unknown", _("The status index is not a number: could not check.")
    try:
        bit = status_list.revoked_bit(int(raw))
    except status_list.StatusUnreadable as exc:
        return "unknown", _("%(reason)s Its revocation status could not be checked.") % {"reason": exc}
    if bit:
        return "revoked", _("The agency has revoked this assessment.")
    return "ok", ""


def _validity(document) -> tuple[bool, str]:
    now = timezone.now()
    start = _datetime(document.get("validFrom"))
    if start is None:
        return False, _("The credential's validFrom is missing or not a date and time.")
    if now < start:
        return False, _("The credential is not valid yet (from %(start)s).") % {"start": document["validFrom"]}
    if "validUntil" in document:
        end = _datetime(document.get("validUntil"))
        if end is None:
            return False, _("The credential's validUntil is not a date and time.")
        if now > end:
            return False, _("The credential's validity ended on %(end)s.") % {"end": document["validUntil"]}
    return True, ""


def _datetime(value):
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
