import csv
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from credentials.api.serializers import CONTRACT_FIELDS
from credentials.catalogue import TEMPLATE_EXAMPLE
from credentials.models import MicroCredential
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD_ROW = dict(TEMPLATE_EXAMPLE)


def csv_bytes(rows, fields=CONTRACT_FIELDS, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def post(client, content, name="catalogue.csv"):
    return client.post("/api/v1/microcredentials/import/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_the_template_round_trips_into_a_complete_draft(api_as, provider):
    client = api_as(provider)
    template = client.get("/api/v1/microcredentials/import/template.csv")
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().splitlines()[0] == ",".join(CONTRACT_FIELDS)
    response = post(client, template.content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 1
    assert body["microcredentials"][0]["completeness"]["score"] == 100
    microcredential = MicroCredential.objects.get()
    assert microcredential.provider == provider.organisation
    assert microcredential.learning_outcomes == [
        "Identify robot hazards in a work cell", "Apply lockout procedures to a robot cell"]
    assert microcredential.languages == ["en", "fr"]
    assert microcredential.proposed_level_id == "OQF-5"


def test_partial_rows_import_as_drafts_with_their_completeness(api_as, provider):
    rows = [GOOD_ROW, {"title": "Welding Safety Basics"}]
    response = post(api_as(provider), csv_bytes(rows))
    assert response.status_code == 201
    second = response.json()["microcredentials"][1]
    assert second["title"] == "Welding Safety Basics"
    assert "description" in second["completeness"]["missing_required"]


def test_json_catalogues_are_accepted(api_as, provider):
    item = {**GOOD_ROW, "learning_outcomes": ["Identify hazards"], "learning_outcomes_fr": ["Relever les dangers"],
            "assessment_types": ["quiz"],
            "languages": ["en"], "skills": [], "proposed_credits": 4, "learner_effort_hours": 40}
    item = {k: v for k, v in item.items() if v != ""}
    response = post(api_as(provider), json.dumps([item, {"title": "Second"}]).encode(), name="c.json")
    assert response.status_code == 201, response.json()
    assert MicroCredential.objects.count() == 2


def test_one_bad_row_stores_nothing_and_reports_row_field_and_problem(api_as, provider):
    rows = [GOOD_ROW, {**GOOD_ROW, "proposed_credits": "3.3", "languages": "en|klingon"}, GOOD_ROW]
    response = post(api_as(provider), csv_bytes(rows))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Nothing was imported")
    # Row numbers are spreadsheet lines: the header is line 1.
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "proposed_credits"), (3, "languages")]
    assert "steps of 0.5" in body["errors"][0]["problem"]
    assert MicroCredential.objects.count() == 0


def test_a_model_rule_across_fields_also_refuses_the_whole_file(api_as, provider):
    rows = [GOOD_ROW, {**GOOD_ROW, "starts_on": "2027-03-01", "ends_on": "2027-01-01"}]
    response = post(api_as(provider), csv_bytes(rows))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "field": "ends_on", "problem": "The end date must be on or after the start date."}]
    assert not MicroCredential.objects.exists()


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example","Click")', "+SUM(A1)", "@cmd", "-2+3+cmd|' /C calc'!A0"])
def test_formula_injection_cells_are_refused(api_as, provider, cell):
    response = post(api_as(provider), csv_bytes([{**GOOD_ROW, "description": cell}]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "description"
    assert "formula" in response.json()["errors"][0]["problem"]
    assert not MicroCredential.objects.exists()


def test_a_negative_number_is_not_mistaken_for_a_formula(api_as, provider):
    response = post(api_as(provider), csv_bytes([{**GOOD_ROW, "contact_hours": "-1"}]))
    assert response.json()["errors"][0]["problem"] == "Give the contact hours as 0 or more."


def test_a_wrong_encoding_is_explained(api_as, provider):
    response = post(api_as(provider), csv_bytes([{**GOOD_ROW, "title": "Sécurité des robots"}], encoding="cp1252"))
    assert response.status_code == 400
    assert "UTF-8" in response.json()["detail"]


def test_a_file_that_is_not_csv_or_json_is_refused(api_as, provider):
    response = post(api_as(provider), b"%PDF-1.4\x00\x01\x02binary", name="catalogue.csv")
    assert response.status_code == 400
    assert "not a CSV or JSON" in response.json()["detail"]


def test_a_csv_without_the_title_column_is_refused(api_as, provider):
    response = post(api_as(provider), b"name,price\nWelding,100\n")
    assert response.status_code == 400
    assert "title" in response.json()["detail"]


def test_unknown_columns_are_reported(api_as, provider):
    response = post(api_as(provider), csv_bytes([{"title": "A", "colour": "red"}], fields=["title", "colour"]))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 1, "field": "colour", "problem": "This column is not a field we know; use the template's column names."}]


@pytest.mark.parametrize("content", [b"{not json", b'{"title": "x"}', b"[1, 2]"])
def test_malformed_json_is_refused_without_a_500(api_as, provider, content):
    response = post(api_as(provider), content, name="c.json")
    assert response.status_code == 400
    assert not MicroCredential.objects.exists()


def test_a_50000_row_file_is_refused_whole(api_as, provider):
    content = csv_bytes([{"title": "Course %d" % n} for n in range(50_000)], fields=["title"])
    response = post(api_as(provider), content)
    assert response.status_code == 400
    assert "more than 10,000" in response.json()["detail"]
    assert not MicroCredential.objects.exists()


def test_agency_staff_cannot_import_through_the_api(api_as, make_user):
    assert post(api_as(make_user(role="assessor")), csv_bytes([GOOD_ROW])).status_code == 403


def test_the_command_imports_for_a_named_provider(tmp_path, provider, capsys):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([GOOD_ROW, {"title": "Second"}]))
    call_command("import_catalogue", "--provider", "northern lakes college", str(path))
    assert "Imported 2 micro-credentials for Northern Lakes College" in capsys.readouterr().out
    assert MicroCredential.objects.filter(provider=provider.organisation, created_by=None).count() == 2


def test_the_command_reports_problems_and_stores_nothing(tmp_path, provider, capsys):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([GOOD_ROW, {**GOOD_ROW, "proposed_level": "OQF-99"}]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_catalogue", "--provider", "Northern Lakes College", str(path))
    assert "row 3, proposed_level" in capsys.readouterr().err
    assert not MicroCredential.objects.exists()


def test_the_command_refuses_an_unknown_provider(tmp_path):
    OrganisationFactory(name="Lakeshore University", kind="institution")
    with pytest.raises(CommandError, match="No provider organisation"):
        call_command("import_catalogue", "--provider", "Lakeshore University", str(tmp_path / "x.csv"))


@pytest.mark.slow
def test_5000_rows_import_within_a_few_seconds(api_as, provider):
    content = csv_bytes([{**GOOD_ROW, "title": "Course %d" % n} for n in range(5000)])
    started = time.perf_counter()
    response = post(api_as(provider), content)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201
    assert MicroCredential.objects.count() == 5000
    assert elapsed < 20, elapsed


def test_semicolon_separated_csv_from_a_french_canadian_spreadsheet_is_read(api_as, provider):
    content = "\ufefftitle;description;languages\r\nSécurité des robots;Travail sûr, près des robots;fr|en\r\n"
    response = post(api_as(provider), content.encode("utf-8"))
    assert response.status_code == 201, response.json()
    microcredential = MicroCredential.objects.get()
    assert (microcredential.title, microcredential.languages) == ("Sécurité des robots", ["fr", "en"])
    assert microcredential.description == "Travail sûr, près des robots"


@pytest.mark.parametrize("cell", [" =1+1", "\t=1+1", "\u00a0@SUM(A1)", "\r+1"])
def test_a_formula_behind_leading_spaces_or_controls_is_refused(api_as, provider, cell):
    response = post(api_as(provider), csv_bytes([{**GOOD_ROW, "description": cell}]))
    assert response.status_code == 400
    assert [(e["field"], "formula" in e["problem"]) for e in response.json()["errors"]] == [("description", True)]
    assert not MicroCredential.objects.exists()


@pytest.mark.parametrize("field", ["learning_outcomes", "skills"])
def test_a_formula_in_a_list_item_is_refused_in_csv(api_as, provider, field):
    response = post(api_as(provider), csv_bytes([{**GOOD_ROW, field: 'Weld safely|=HYPERLINK("http://x","y")'}]))
    assert response.status_code == 400
    assert [(e["field"], "formula" in e["problem"]) for e in response.json()["errors"]] == [(field, True)]
    assert not MicroCredential.objects.exists()


def test_a_formula_in_a_list_item_is_refused_in_json(api_as, provider):
    item = {"title": "Welding", "skills": ["Weld safely", " -2+3+cmd|' /C calc'!A0"]}
    response = post(api_as(provider), json.dumps([item]).encode(), name="c.json")
    assert response.status_code == 400
    assert [(e["field"], "formula" in e["problem"]) for e in response.json()["errors"]] == [("skills", True)]


def _padding_rows(count):
    return [{**GOOD_ROW, "title": "Padding course %d" % n} for n in range(count)]


@pytest.mark.parametrize("field", ["learning_outcomes", "skills", "title", "description"])
def test_a_nul_past_the_first_4_kb_of_a_csv_is_reported_not_a_500(api_as, provider, field):
    rows = _padding_rows(5) + [{**GOOD_ROW, field: "Weld safely|Cut\x00metal"}]
    content = csv_bytes(rows)
    assert content.index(b"\x00") > 4096
    response = post(api_as(provider), content)
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(7, field)]
    assert "NUL" in response.json()["errors"][0]["problem"]
    assert not MicroCredential.objects.exists()


@pytest.mark.parametrize("field", ["learning_outcomes", "skills"])
def test_a_nul_in_a_json_list_item_past_the_first_4_kb_is_reported_not_a_500(api_as, provider, field):
    items = [{"title": "Padding course %d" % n, "description": "x" * 500} for n in range(10)]
    items.append({"title": "Welding", field: ["Weld safely", "Cut\x00metal"]})
    content = json.dumps(items).encode()  # JSON writes the NUL as the escape \u0000
    response = post(api_as(provider), content, name="c.json")
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(11, field)]
    assert not MicroCredential.objects.exists()


@pytest.mark.parametrize("text", ["Safety \u202eSDRAWKCAB\u202c", "Safety\u2067 x\u2069", "Safety\u200f"])
def test_a_bidi_control_in_a_title_is_refused_in_csv_and_json(api_as, provider, text):
    client = api_as(provider)
    response = post(client, csv_bytes([{**GOOD_ROW, "title": text}]))
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["title"]
    assert "direction" in response.json()["errors"][0]["problem"]
    response = post(client, json.dumps([{"title": text}]).encode(), name="c.json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["title"]
    assert not MicroCredential.objects.exists()


def test_a_plain_negative_number_or_a_hyphenated_word_stays_importable(api_as, provider):
    response = post(api_as(provider), csv_bytes([{**GOOD_ROW, "prerequisites": "Grade-12 mathematics",
                                                   "credential_expiry": "3 years"}]))
    assert response.status_code == 201, response.json()


def test_a_json_catalogue_nested_100000_deep_is_refused_with_a_reason(api_as, provider):
    response = post(api_as(provider), b"[" * 100_000 + b"]" * 100_000, name="c.json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
