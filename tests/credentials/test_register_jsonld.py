"""The register as CTDL JSON-LD (issue 18): it loads as JSON-LD (pyld expands it to one
TransferValueProfile per public entry), CTIDs are stable, and the stream costs the same
queries whatever the number of entries."""

import json
from pathlib import Path

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from pyld import jsonld

from .register_world import issue, people

pytestmark = pytest.mark.usefixtures("letters_dir")

CTDL = "https://purl.org/ctdl/terms/"
CONTEXT_FILE = Path(__file__).parent / "vectors" / "ctdl" / "context-subset.json"


@pytest.fixture
def staff(db):
    return people()


def local_contexts(url, options=None):
    """pyld's document loader, offline: the CTDL context from the vendored file, nothing else."""
    if url != "https://credreg.net/ctdl/schema/context/json":
        raise jsonld.JsonLdError("unexpected remote document", "jsonld.LoadDocumentError", {"url": url})
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(CONTEXT_FILE.read_text())}


def export(api):
    response = api.get("/api/v1/register.jsonld")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(b"".join(response.streaming_content))


def test_the_export_expands_to_one_transfer_value_profile_per_public_entry(staff, api, api_as):
    shown = [issue(staff, letter=False), issue(staff, letter=False)]
    revoked = issue(staff, letter=False)
    api_as(staff["approver"]).post("/api/v1/assessments/%s/revoke/" % revoked.reference, {"reason": "No."},
                                   format="json")
    document = export(api)
    assert document["@context"] == "https://credreg.net/ctdl/schema/context/json"
    expanded = jsonld.expand(document, {"documentLoader": local_contexts})
    profiles = [node for node in expanded if CTDL + "TransferValueProfile" in node.get("@type", [])]
    assert len(profiles) == len(shown)
    by_ctid = {node[CTDL + "ctid"][0]["@value"]: node for node in profiles}
    for assessment in shown:
        node = next(n for ctid, n in by_ctid.items() if n[CTDL + "subjectWebpage"][0]["@id"].endswith(
            "/register/%s/" % assessment.reference))
        names = {value["@language"]: value["@value"] for value in node[CTDL + "name"]}
        assert names == {"en": assessment.title, "fr": assessment.title_fr}
        assert node[CTDL + "startDate"][0]["@value"] == assessment.current_from.isoformat()
        value = node[CTDL + "transferValue"][0]
        assert float(value[CTDL + "value"][0]["@value"]) == float(assessment.credits)
        source = node[CTDL + "transferValueFrom"][0]
        assert CTDL + "LearningOpportunityProfile" in source["@type"]
        assert source[CTDL + "offeredBy"][0][CTDL + "name"][0]["@value"] == assessment.provider.name
        assert node[CTDL + "ownedBy"][0]["@id"].endswith("/#agency")
    assert all(ctid.startswith("ce-") and len(ctid) == 39 for ctid in by_ctid)


def test_ctids_are_stable_between_exports(staff, api):
    issue(staff, letter=False)
    first = [node.get("ceterms:ctid") for node in export(api)["@graph"]]
    second = [node.get("ceterms:ctid") for node in export(api)["@graph"]]
    assert first == second and first[-1].startswith("ce-")


def test_the_stream_costs_the_same_queries_for_2_and_12_entries(staff, api):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            graph = export(api)["@graph"]
        return len(captured), len(graph)

    for _ in range(2):
        issue(staff, letter=False)
    few, graph_few = queries()
    for _ in range(10):
        issue(staff, letter=False)
    many, graph_many = queries()
    assert graph_many - graph_few == 10
    assert few == many, "the export's queries grow with the entries"
