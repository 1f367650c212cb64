"""The public register as CTDL JSON-LD for the Credential Registry: one
ceterms:TransferValueProfile per current or expiring assessment, the micro-credential it values
as a ceterms:LearningOpportunityProfile.

Written as a stream: the rows come through one server-side cursor in chunks and each entry is
serialised as it arrives, so 100,000 entries never sit in memory as one list, and the number
of queries stays the same whatever the register's size."""

import json
import uuid
from decimal import Decimal

from django.conf import settings

from ..models import Assessment, TransferCategory
from ..terms import credits_number
from .urls import register_entry_url

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
# CTIDs are "ce-" and a UUID; a name-based UUID of the reference keeps each entry's CTID the
# same on every export without storing it.
CTID_NAMESPACE = uuid.UUID("6f1c3a52-7a4e-4f0e-9d7b-2f6b0e3c18a5")
CHUNK = 1000
CREDIT_UNIT = "creditUnit:ContinuingEducationUnit"
# How the transfer categories read as CTDL audience levels (audLevel concept scheme).
AUDIENCE_LEVELS = {
    "vocational_certificate": "audLevel:ProfessionalLevel",
    "lower_division": "audLevel:LowerDivisionLevel",
    "upper_division": "audLevel:UpperDivisionLevel",
    "graduate": "audLevel:GraduateLevel",
}


def ctid(reference) -> str:
    return "ce-" + str(uuid.uuid5(CTID_NAMESPACE, "assessment:" + reference))


def agency_id() -> str:
    return settings.SITE_URL + "/#agency"


def _language_map(english, french=""):
    values = {"en": english}
    if french:
        values["fr"] = french
    return values


def agency_node() -> dict:
    return {
        "@id": agency_id(),
        "@type": "ceterms:QACredentialOrganization",
        "ceterms:name": _language_map(settings.AGENCY_NAME),
        "ceterms:subjectWebpage": settings.SITE_URL + "/",
    }


class _Constants:
    """What every entry of one export shares, worked out once (a reverse() and the category
    labels per entry cost more than the rest of its serialisation)."""

    def __init__(self):
        self.entry_url = register_entry_url("REFERENCE").replace("REFERENCE", "%s")
        self.categories = dict(TransferCategory.choices)
        self.agency = [agency_id()]


def transfer_value_profile(assessment, constants=None) -> dict:
    constants = constants or _Constants()
    snapshot = assessment.snapshot or {}
    level = assessment.level
    credits = Decimal(assessment.credits)
    category = str(constants.categories.get(assessment.transfer_category, assessment.transfer_category))
    identifier = ctid(assessment.reference)
    node = {
        "@id": "https://credentialengineregistry.org/resources/" + identifier,
        "@type": "ceterms:TransferValueProfile",
        "ceterms:ctid": identifier,
        "ceterms:name": _language_map(assessment.title, assessment.title_fr),
        "ceterms:description": _language_map(
            "%s credits at %s (%s), %s; register entry %s." % (
                credits_number(credits), level.id, level.name, category, assessment.reference)),
        "ceterms:ownedBy": constants.agency,
        "ceterms:subjectWebpage": constants.entry_url % assessment.reference,
        "ceterms:startDate": assessment.current_from.isoformat(),
        "ceterms:transferValue": [{
            "@type": "ceterms:ValueProfile",
            "ceterms:value": float(credits),
            "ceterms:creditUnitType": [{"@type": "ceterms:CredentialAlignmentObject",
                                        "ceterms:targetNode": CREDIT_UNIT}],
            "ceterms:creditUnitTypeDescription": _language_map(
                "Agency credits: 1 credit is 10 notional learning hours."),
            "ceterms:creditLevelType": [{"@type": "ceterms:CredentialAlignmentObject",
                                         "ceterms:targetNode": AUDIENCE_LEVELS.get(assessment.transfer_category,
                                                                                   "audLevel:ProfessionalLevel"),
                                         "ceterms:targetNodeName": _language_map(category)}],
            "ceterms:description": _language_map("Level %s: %s" % (level.id, level.name)),
        }],
        "ceterms:transferValueFrom": [{
            "@type": "ceterms:LearningOpportunityProfile",
            "ceterms:name": _language_map(snapshot.get("title") or assessment.title,
                                          snapshot.get("title_fr") or assessment.title_fr),
            "ceterms:description": _language_map(snapshot.get("description") or assessment.title,
                                                 snapshot.get("description_fr") or ""),
            "ceterms:offeredBy": [{
                "@type": "ceterms:CredentialOrganization",
                "ceterms:name": _language_map(assessment.provider.name),
            }],
        }],
    }
    url = snapshot.get("url") or ""
    if url.startswith(("https://", "http://")):
        node["ceterms:transferValueFrom"][0]["ceterms:subjectWebpage"] = url
    if assessment.current_until:
        node["ceterms:endDate"] = assessment.current_until.isoformat()
    return node


def register_rows():
    """The public register, oldest first, through one server-side cursor."""
    return (Assessment.objects.filter(status__in=Assessment.PUBLIC_STATUSES)
            .select_related("level", "provider").order_by("id")
            .only("reference", "title", "title_fr", "snapshot", "credits", "transfer_category", "current_from",
                  "current_until", "level__id", "level__name", "provider__name")
            .iterator(chunk_size=CHUNK))


def register_jsonld():
    """The document in pieces of text, ready for a StreamingHttpResponse."""
    yield '{"@context": %s, "@graph": [' % json.dumps(CONTEXT)
    yield json.dumps(agency_node(), ensure_ascii=False)
    constants = _Constants()
    batch = []
    for assessment in register_rows():
        batch.append(",\n" + json.dumps(transfer_value_profile(assessment, constants), ensure_ascii=False))
        if len(batch) >= 100:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
    yield "]}\n"
