"""An assessment as an Open Badges 3.0 EndorsementCredential: the agency (issuer) endorses the
micro-credential (subject) at the level and credits it decided, signed with eddsa-jcs-2022.

Built from the entry as it stands, so its validity window follows the entry's current dates,
and its id names the letter version: a renewal or a varied decision (a new terms period and a
new letter version) gives a new credential. Providers embed it in the badges they issue, in
`achievement.endorsement`, so a wallet shows the agency's assessment beside the learner's
achievement."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from ..terms import credits_number
from . import keys, proof
from .status_list import VC_CONTEXT
from .urls import credential_url, register_entry_url, status_list_url

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = [VC_CONTEXT, OB_CONTEXT]
AGENCY_ZONE = zoneinfo.ZoneInfo("America/Toronto")


def day_start(day: dt.date) -> str:
    """Midnight of `day` in the agency's time zone, ISO 8601 with its offset."""
    return dt.datetime.combine(day, dt.time(0, 0), AGENCY_ZONE).isoformat()


def day_end(day: dt.date) -> str:
    """The last second of `day` in the agency's time zone: the day itself still counts."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), AGENCY_ZONE).isoformat()


def endorsement_comment(assessment) -> str:
    """The decision in words. English, like every field of the credential: a credential is
    data a wallet stores once, not a page in the reader's language."""
    level = assessment.level
    return (
        "%(agency)s assessed %(title)s, offered by %(provider)s, at level %(level)s (%(level_name)s) "
        "with %(credits)s credits, transfer category: %(category)s, subject area: %(subject)s. "
        "Register entry %(reference)s. Credit actually granted is at the receiving institution's discretion."
    ) % {
        "agency": settings.AGENCY_NAME, "title": assessment.title, "provider": assessment.provider.name,
        "level": level.id, "level_name": level.name, "credits": credits_number(assessment.credits),
        "category": assessment.get_transfer_category_display(), "subject": assessment.subject_area,
        "reference": assessment.reference,
    }


def subject_id(assessment) -> str:
    """The micro-credential's public URL as the provider gave it, else its register entry."""
    url = (assessment.snapshot or {}).get("url") or ""
    return url if url.startswith(("https://", "http://")) else register_entry_url(assessment.reference)


def endorsement_credential(assessment) -> dict:
    """The unsigned credential."""
    status_list = status_list_url()
    index = str(assessment.status_list_index)
    document = {
        "@context": CONTEXT,
        "id": "%s#v%d" % (credential_url(assessment.reference), assessment.letter_version_due),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "%s: %s" % (settings.AGENCY_SHORT_NAME, assessment.title),
        "issuer": {"id": keys.agency_did(), "type": ["Profile"], "name": settings.AGENCY_NAME, "url": settings.SITE_URL},
        "validFrom": day_start(assessment.current_from),
        "credentialSubject": {
            "id": subject_id(assessment),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement_comment(assessment),
        },
        "credentialStatus": {
            "id": "%s#%s" % (status_list, index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index,
            "statusListCredential": status_list,
        },
    }
    if assessment.current_until:
        document["validUntil"] = day_end(assessment.current_until)
    return document


def credential_issue(assessment) -> dict:
    """The signed credential of `assessment`, as of now."""
    return proof.proof_create(
        endorsement_credential(assessment), private_key=keys.credential_key(),
        verification_method=keys.verification_method_id(), created=timezone.now(),
    )
