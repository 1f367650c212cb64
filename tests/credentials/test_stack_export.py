"""The stacking calculator's exports (CSV, PDF summary) and bulk verification by CSV file."""

import csv
import datetime as dt
import io
import subprocess
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credentials import bulk_verification, stack_export, stacking
from credentials.bulk_verification import BulkFileRejected, codes_from_csv
from credentials.models import Assessment
from tests.factories import MicroCredentialFactory, OrganisationFactory, UserFactory
from tests.pdf_text import pdf_text

from .letter_samples import french_catalogue
from .register_world import issue, people

pytestmark = pytest.mark.usefixtures("letters_dir")


@pytest.fixture
def entries(db):
    staff = people()
    current = issue(staff, letter=False, microcredential=MicroCredentialFactory(title="Data visualisation"))
    revoked = issue(staff, letter=False, microcredential=MicroCredentialFactory(title="=HYPERLINK(\"x\")"),
                    level_id="OQF-8", transfer_category="lower_division", credits="2.5")
    Assessment.objects.filter(pk=revoked.pk).update(status="revoked", status_reason="Misrepresented hours.")
    return {"current": current, "revoked": Assessment.objects.get(pk=revoked.pk)}


@pytest.fixture
def registrar(db):
    return UserFactory(role="registrar", name="Robin Registrar",
                       organisation=OrganisationFactory(name="Lakeshore University", kind="institution"))


def parsed(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_stack_csv_has_every_item_in_order_and_cannot_run_formulas(entries):
    current, revoked = entries["current"], entries["revoked"]
    stack = stacking.stack_evaluate([
        {"code": current.verification_code.lower()}, {"code": revoked.verification_code},
        {"code": "AAAA-AAAA-AAAA-AAAA"}, {"code": current.verification_code},
    ])
    rows = parsed(stack_export.stack_csv(stack))
    assert [row["position"] for row in rows] == ["1", "2", "3", "4"]
    assert rows[0]["reference"] == current.reference and rows[0]["counted"] == "yes" and rows[0]["credits"] == "4"
    assert (rows[1]["status"], rows[1]["problem"], rows[1]["credits"]) == ("revoked", "revoked", "2.5")
    assert rows[1]["title"].startswith("'=")
    assert rows[2]["problem"] == "unknown" and rows[3]["problem"] == "repeated"




def test_the_pdf_summary_says_what_was_counted_when_and_by_whom_in_english_then_french(entries, registrar):
    french_catalogue()
    stack = stacking.stack_evaluate([{"code": entries["current"].verification_code},
                                     {"code": entries["revoked"].verification_code}])
    run_at = timezone.make_aware(dt.datetime(2026, 11, 30, 14, 5))
    pdf = stack_export.stack_pdf(stack, run_by=registrar, run_at=run_at)
    assert pdf.startswith(b"%PDF-")
    english, french = pdf_text(pdf, 1), pdf_text(pdf, 2)
    for words in ("Stacking summary", "Run on 30 November 2026 at 14:05 (Toronto time) by Robin Registrar, "
                  "Lakeshore University", "2 items entered, 1 counted.", "OQF-9 – Post-Diploma Certificate",
                  "Upper-division undergraduate", "Data visualisation", "Revoked", "Page 1 of 2"):
        assert words in english, words
    title_fr = entries["current"].title_fr
    for words in ("Sommaire de cumul", "Produit le 30 novembre 2026 à 14 h 05 (heure de Toronto) par Robin "
                  "Registrar, Lakeshore University", "2 éléments saisis, 1 compté.", "OQF-9", title_fr,
                  "1 crédit de l’Agence = 10 heures d’apprentissage théoriques", "Page 2 de 2"):
        assert words in french, words
    assert "Data visualisation" not in french  # the French title, where the entry has one
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:  # a file, not a pipe (tests/pdf_text.py)
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, check=True, timeout=60).stdout.decode()
    assert "Tagged:          yes" in info and "Page size:       612 x 792 pts (letter)" in info


def test_the_page_downloads_the_result_as_csv_or_pdf(entries, registrar, client):
    client.force_login(registrar)
    codes = "%s\n%s 2026-04-01" % (entries["current"].verification_code, entries["revoked"].verification_code)
    page = client.post("/stack/", {"codes": codes}).content.decode()
    assert "Download the PDF summary" in page and "Download as CSV" in page
    as_csv = client.post("/stack/", {"codes": codes, "export": "csv"})
    assert as_csv["Content-Type"].startswith("text/csv") and "attachment" in as_csv["Content-Disposition"]
    assert len(parsed(as_csv.content.decode())) == 2
    as_pdf = client.post("/stack/", {"codes": codes, "export": "pdf"})
    assert as_pdf["Content-Type"] == "application/pdf" and as_pdf.content.startswith(b"%PDF-")


def test_the_api_exports_as_csv_and_pdf(entries, registrar, api_as):
    body = {"items": [{"code": entries["current"].verification_code, "completed_on": "2026-04-01"}]}
    as_csv = api_as(registrar).post("/api/v1/stack/csv/", body, format="json")
    assert as_csv.status_code == 200 and parsed(as_csv.content.decode())[0]["completed_on"] == "2026-04-01"
    as_pdf = api_as(registrar).post("/api/v1/stack/pdf/", body, format="json")
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF-")
    assert api_as(UserFactory(role="provider")).post("/api/v1/stack/csv/", body, format="json").status_code == 403


# Bulk verification: reading the file


def test_codes_are_read_with_or_without_a_header_and_any_usual_separator():
    code = "K7QF-3MZP-9WXA-C2HD"
    assert [i.code for i in codes_from_csv(("%s\n\n%s\n" % (code, code.lower())).encode())] == [code, code.lower()]
    with_header = codes_from_csv(("Completed on;Verification code\r\n2026-01-05;%s\r\n" % code).encode("utf-8-sig"))
    assert (with_header[0].code, with_header[0].completed_on.isoformat(), with_header[0].row) == (code, "2026-01-05", 2)
    tabbed = codes_from_csv(("code\tcompleted_on\n%s\tnot a date\n" % code).encode())
    assert tabbed[0].completed_on is None and tabbed[0].completed_on_text == "not a date"


@pytest.mark.parametrize("data, says", [
    (b"", "no codes"),
    (b"code,completed_on\n", "no codes under it"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is a PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "not a text file"),
    (b"K7QF-3MZP-9WXA-C2HD\x00\n", "not a text file"),
    ("K7QF-3MZP-9WXA-C2HD,Montréal\n".encode("latin-1"), "not UTF-8"),
    (b"K7QF-3MZP-9WXA-C2HD\n" * 1001, "at most 1000"),
    (b"x" * (256 * 1024 + 1), "larger than 256 KB"),
    (b"<html><body>Hello</body></html>\n", "No row of this file starts with a verification code"),
    (b'"K7QF-3MZP-9WXA-C2HD\n' + b"x" * 200_000, "not a CSV"),
])
def test_a_file_that_is_not_a_csv_of_codes_is_refused_whole_with_the_reason(data, says):
    with pytest.raises(BulkFileRejected) as refused:
        codes_from_csv(data)
    assert says in refused.value.message


def test_each_row_gets_its_status_and_problem_in_the_files_order(entries):
    current, revoked = entries["current"], entries["revoked"]
    data = ("code,completed_on\n%s,2026-04-01\n%s,\nnonsense,\n%s,2020-01-01\n%s,31/12/2026\n" % (
        current.verification_code, revoked.verification_code, current.verification_code,
        current.verification_code)).encode()
    rows = parsed(bulk_verification.results_csv(bulk_verification.bulk_verify(codes_from_csv(data))))
    assert [(r["row"], r["status"], r["problem"]) for r in rows] == [
        ("2", "current", ""), ("3", "revoked", "revoked"), ("4", "unknown", "unknown"),
        ("5", "current", "completed_outside_current_dates"), ("6", "current", "invalid_completed_on"),
    ]
    assert rows[0]["reference"] == current.reference and rows[0]["level"] == "OQF-9" and rows[0]["credits"] == "4"
    assert rows[0]["provider"] == current.provider.name and rows[0]["title"] == "Data visualisation"


def upload(data, name="codes.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_api_answers_a_csv_of_results_and_400_for_a_bad_file(entries, registrar, api_as):
    client = api_as(registrar)
    response = client.post("/api/v1/verify/bulk/", {"file": upload(entries["current"].verification_code.encode())},
                           format="multipart")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert parsed(response.content.decode())[0]["status"] == "current"
    bad = client.post("/api/v1/verify/bulk/", {"file": upload(b"\x89PNG\r\n\x1a\n\x00\x00", "codes.png")},
                      format="multipart")
    assert bad.status_code == 400 and "not a text file" in bad.json()["detail"]
    assert client.post("/api/v1/verify/bulk/", {}, format="multipart").status_code == 400
    assert api_as(UserFactory(role="provider")).post(
        "/api/v1/verify/bulk/", {"file": upload(b"x")}, format="multipart").status_code == 403


def test_the_page_shows_the_results_and_downloads_them(entries, registrar, client):
    client.force_login(registrar)
    data = ("%s\n%s\n" % (entries["current"].verification_code, entries["revoked"].verification_code)).encode()
    page = client.post("/stack/bulk-verify/", {"file": upload(data)})
    content = page.content.decode()
    assert page.status_code == 200
    assert "2 codes checked, 1 with a problem" in content and entries["revoked"].reference in content
    codes = page.context["bulk_codes"]
    download = client.post("/stack/bulk-verify/", {"codes": codes, "export": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    assert [row["status"] for row in parsed(download.content.decode())] == ["current", "revoked"]


def test_the_page_explains_a_bad_file_and_never_fails(registrar, client):
    client.force_login(registrar)
    page = client.post("/stack/bulk-verify/", {"file": upload(b"\xff\xfe\x00garbage", "x.csv")})
    assert page.status_code == 400 and "not a text file" in page.content.decode()
    missing = client.post("/stack/bulk-verify/", {})
    assert missing.status_code == 400 and "Choose a CSV file" in missing.content.decode()


@pytest.mark.django_db
def test_totals_by_level_go_in_the_frameworks_order_not_alphabetically(letters_dir):
    staff = people()
    ten = issue(staff, letter=False, level_id="OQF-10")
    nine = issue(staff, letter=False, level_id="OQF-9")
    stack = stacking.stack_evaluate([{"code": ten.verification_code}, {"code": nine.verification_code}])
    assert [level for level, _name, _credits in stack.by_level_named] == ["OQF-9", "OQF-10"]


def test_a_file_over_the_size_limit_is_refused_with_the_reason_by_the_page_and_the_api(registrar, client, api_as):
    too_large = upload(b"ABCD-1234-5678-9012\n" * (256 * 1024 // 20 + 1))
    answer = api_as(registrar).post("/api/v1/verify/bulk/", {"file": too_large}, format="multipart")
    assert answer.status_code == 400 and "larger than 256 KB" in answer.json()["detail"]
    client.force_login(registrar)
    page = client.post("/stack/bulk-verify/", {"file": upload(b"ABCD-1234-5678-9012\n" * (256 * 1024 // 20 + 1))})
    assert page.status_code == 400 and "larger than 256 KB" in page.content.decode()


def test_downloaded_csvs_open_as_utf8_in_spreadsheets(entries, registrar, api_as):
    answer = api_as(registrar).post("/api/v1/verify/bulk/", {"file": upload(entries["current"].verification_code.encode())},
                                    format="multipart")
    assert answer.content.decode().startswith("\ufeffrow,")
