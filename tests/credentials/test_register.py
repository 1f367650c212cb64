"""The register, its letters, verification, revocation and stacking, through the API."""

import datetime as dt
import hashlib
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from credentials import services
from credentials.letters.keys import SigningKeyUnavailable, certificate_fingerprint, signing_certificate_pem
from credentials.letters.verify import letter_signature_check
from credentials.models import Assessment, Letter
from credentials.tasks import letter_issue
from tests.factories import MicroCredentialFactory, OrganisationFactory, UserFactory

from .register_world import issue, json_round_trip, people

pytestmark = pytest.mark.usefixtures("letters_dir")


@pytest.fixture
def staff(db):
    return people()


def letter_bytes(letter):
    with letter.file.open("rb") as f:
        return f.read()


# Letters


def test_sign_off_produces_one_signed_letter_whose_hash_is_recorded(staff):
    assessment = issue(staff)
    letters = list(assessment.letters.all())
    assert [letter.version for letter in letters] == [1]
    data = letter_bytes(letters[0])
    assert letters[0].sha256 == hashlib.sha256(data).hexdigest()
    assert letters[0].size == len(data)
    check = letter_signature_check(data)
    assert check.signature_valid, check.problem


def test_the_letter_task_run_twice_keeps_one_version(staff):
    assessment = issue(staff)
    first = assessment.letters.get()
    letter_issue.delay(assessment.pk, 1)
    assert services.letter_issue(assessment_id=assessment.pk, version=1) == first
    assert assessment.letters.count() == 1


def test_a_missing_signing_key_leaves_the_letter_pending_never_a_broken_file(staff, settings, api_as, caplog):
    settings.SIGNING_KEY_FILE = "/nonexistent/key.pem"
    settings.SIGNING_CERT_FILE = "/nonexistent/cert.pem"
    with pytest.raises(SigningKeyUnavailable):
        services.letter_issue(assessment_id=issue(staff, letter=False).pk)
    assessment = issue(staff)  # the eager task logs and gives up; a worker would retry
    assert not Letter.objects.exists()
    assert "not signed, will retry" in caplog.text
    response = api_as(assessment.microcredential.created_by).get("/api/v1/assessments/%s/letter/" % assessment.reference)
    assert response.status_code == 409
    assert response.json()["state"] == "pending"


def test_the_served_letter_is_the_recorded_one(staff, api_as):
    assessment = issue(staff)
    response = api_as(assessment.microcredential.created_by).get("/api/v1/assessments/%s/letter/" % assessment.reference)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == assessment.letters.get().sha256


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_produces_the_letter_once_sign_off_commits(celery_worker, letters_dir):
    staff = people()
    microcredential = MicroCredentialFactory()
    with transaction.atomic():
        assessment = services.assessment_issue(
            microcredential=microcredential, level_id="OQF-9", credits=Decimal("4"),
            transfer_category="upper_division", subject_area="Data visualisation",
            recommended_by=staff["assessor"], signed_off_by=staff["approver"],
        )
        assert not Letter.objects.exists()
    letter_issue.delay(assessment.pk, 1)  # a duplicate delivery, as a retried publish would make
    deadline = time.monotonic() + 60
    while Letter.objects.filter(assessment=assessment).count() < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert Letter.objects.filter(assessment=assessment).count() == 1


# The register


def test_anonymous_visitors_see_current_and_expiring_entries_only(staff, api):
    current = issue(staff, letter=False)
    expiring = issue(staff, letter=False)
    lapsed = issue(staff, letter=False)
    Assessment.objects.filter(pk=expiring.pk).update(status="expiring")
    Assessment.objects.filter(pk=lapsed.pk).update(status="lapsed")
    references = {row["reference"] for row in api.get("/api/v1/assessments/").json()["results"]}
    assert references == {current.reference, expiring.reference}
    assert api.get("/api/v1/assessments/%s/" % lapsed.reference).status_code == 404


def test_registrars_and_the_agency_see_every_entry_and_providers_their_own(staff, api_as):
    own = issue(staff, letter=False)
    Assessment.objects.filter(pk=own.pk).update(status="lapsed")
    foreign_provider = UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))
    foreign = issue(staff, letter=False, microcredential=MicroCredentialFactory(created_by=foreign_provider))
    Assessment.objects.filter(pk=foreign.pk).update(status="revoked")
    for role in ("registrar", "assessor", "approver", "admin"):
        assert api_as(UserFactory(role=role)).get("/api/v1/assessments/").json()["count"] == 2, role
    provider = own.microcredential.created_by
    rows = api_as(provider).get("/api/v1/assessments/").json()["results"]
    assert [row["reference"] for row in rows] == [own.reference]


def test_the_verification_code_shows_to_its_provider_registrars_and_the_agency_only(staff, api, api_as):
    assessment = issue(staff)
    path = "/api/v1/assessments/%s/" % assessment.reference
    other = UserFactory(role="provider", organisation=OrganisationFactory(name="Maple Leaf Skills Institute"))
    assert api.get(path).json()["verification_code"] is None
    assert api_as(other).get(path).json()["verification_code"] is None
    for user in (assessment.microcredential.created_by, UserFactory(role="registrar"), UserFactory(role="assessor")):
        assert api_as(user).get(path).json()["verification_code"] == assessment.verification_code
    body = api.get(path).json()
    assert set(body) >= {"reference", "verification_code", "status", "title", "provider", "level", "credits",
                         "transfer_category", "subject_area", "current_from", "current_until",
                         "review_due_date", "letters"}
    assert body["letters"][0]["version"] == 1
    assert body["letters"][0]["url"] is None  # the letter prints the code (test_letter_access.py)
    assert body["credits"] == 4.0


def test_the_register_filters_as_the_contract_names(staff, api):
    a = issue(staff, letter=False, level_id="OQF-5", transfer_category="lower_division")
    b = issue(staff, letter=False)
    rows = api.get("/api/v1/assessments/", {"level": "OQF-5"}).json()["results"]
    assert [row["reference"] for row in rows] == [a.reference]
    rows = api.get("/api/v1/assessments/", {"transfer_category": "upper_division"}).json()["results"]
    assert [row["reference"] for row in rows] == [b.reference]
    assert api.get("/api/v1/assessments/", {"provider": a.provider_id}).json()["count"] == 2
    assert api.get("/api/v1/assessments/", {"provider": "x"}).json()["count"] == 0
    assert api.get("/api/v1/assessments/", {"field_of_study": "0613"}).json()["count"] == 2
    assert api.get("/api/v1/assessments/", {"status": "revoked"}).json()["count"] == 0


def test_register_search_ranks_an_exact_title_first(staff, api):
    mention = issue(staff, letter=False, microcredential=MicroCredentialFactory(
        title="Warehouse Operations", learning_outcomes=["Apply supply chain analytics to stock levels"]))
    exact = issue(staff, letter=False, microcredential=MicroCredentialFactory(title="Supply Chain Analytics"))
    issue(staff, letter=False, microcredential=MicroCredentialFactory(title="Pastry Arts"))
    rows = api.get("/api/v1/assessments/", {"q": "supply chain analytics"}).json()["results"]
    assert [row["reference"] for row in rows] == [exact.reference, mention.reference]
    by_provider = api.get("/api/v1/assessments/", {"q": "Northern Lakes"}).json()["count"]
    assert by_provider == 3


def test_a_french_word_in_another_inflection_finds_the_entry_by_its_french_title_or_description(staff, api):
    """French words are indexed with French stemming: the singular finds the plural, the
    masculine the feminine, in the French title and in the French description."""
    by_title = issue(staff, letter=False, microcredential=MicroCredentialFactory(
        title="Forest Site Management", title_fr="Gestion des chantiers forestiers"))
    by_description = issue(staff, letter=False, microcredential=MicroCredentialFactory(
        title="Harvest Planning", description_fr="Planifier les récoltes saisonnières avec les équipes."))
    issue(staff, letter=False, microcredential=MicroCredentialFactory(title="Pastry Arts", title_fr="Arts de la pâtisserie"))

    def found(q):
        return [row["reference"] for row in api.get("/api/v1/assessments/", {"q": q}).json()["results"]]

    assert found("chantier forestier") == [by_title.reference]
    assert found("récolte saisonnière") == [by_description.reference]
    assert found("saisonniers") == [by_description.reference]
    # English words keep English stemming.
    assert found("managing forests") == [by_title.reference]


def test_a_reference_typed_in_the_search_finds_its_entry(staff, api):
    entries = [issue(staff, letter=False) for _ in range(3)]
    body = api.get("/api/v1/assessments/", {"q": entries[1].reference.lower()}).json()
    assert [row["reference"] for row in body["results"]] == [entries[1].reference]
    assert body["count"] == 1 and body["count_is_estimate"] is False


def test_above_the_exact_count_the_register_answers_the_databases_estimate(staff, api, monkeypatch):
    """Counting every match of a common word over a million entries would cost more than the
    page: above selectors.REGISTER_EXACT_COUNT the count is the planner's estimate, and says so."""
    from credentials import selectors

    for _ in range(4):
        issue(staff, letter=False)
    assert api.get("/api/v1/assessments/", {"q": "visualisation"}).json()["count_is_estimate"] is False
    monkeypatch.setattr(selectors, "REGISTER_EXACT_COUNT", 2)
    with transaction.atomic():
        connection.cursor().execute("ANALYZE credentials_assessment")
    body = api.get("/api/v1/assessments/", {"q": "visualisation", "page_size": 2}).json()
    assert body["count_is_estimate"] is True
    assert body["count"] >= 3
    assert len(body["results"]) == 2 and body["next"]
    # Pages the estimate promises past the last match are past the end: 404, as ever.
    assert api.get("/api/v1/assessments/", {"q": "visualisation", "page_size": 2, "page": 3}).status_code == 404
    assert api.get("/register/", {"q": "visualisation"}).status_code == 200


def test_a_search_costs_the_same_queries_whether_its_count_is_exact_or_estimated(staff, api, monkeypatch):
    from credentials import selectors

    for _ in range(3):
        issue(staff)

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/assessments/", {"q": "visualisation", **params}).status_code == 200
        return len(captured)

    exact = queries(page_size=1)
    monkeypatch.setattr(selectors, "REGISTER_EXACT_COUNT", 1)
    assert exact == queries(page_size=3) == 3  # count (or estimate), page, letters


def test_the_register_list_costs_the_same_queries_whatever_the_page_size(staff, api):
    for _ in range(3):
        issue(staff)

    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/assessments/", {"page_size": page_size}).status_code == 200
        return len(captured)

    small = queries(1)
    assert small == queries(3) == 3  # count, page, letters


# Verification


def test_verify_by_code_forgives_case_and_spaces(staff, api):
    assessment = issue(staff)
    typed = assessment.verification_code.lower().replace("-", " ")
    response = api.get("/api/v1/verify/%s/" % typed)
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == assessment.reference
    assert body["status"] == "current"
    assert body["letters"][0]["sha256"] == assessment.letters.get().sha256


def test_verify_by_code_answers_what_the_documented_serializer_would_in_one_query(staff, api):
    """The endpoint writes its answer out by hand (it is the busiest of all); the schema's
    serializer over the model must give the very same body."""
    from credentials.api.serializers import VerificationSerializer

    assessment = issue(staff)
    services.letter_issue(assessment_id=assessment.pk, version=2)
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/verify/%s/" % assessment.verification_code).json()
    assert len([q for q in queries.captured_queries if "credentials_" in q["sql"]]) == 1
    expected = VerificationSerializer(Assessment.objects.get(pk=assessment.pk)).data
    assert body == json_round_trip(expected)
    assert [letter["version"] for letter in body["letters"]] == [1, 2]
    assert body["credits"] == 4.0 and body["current_from"] == "2026-03-02" and body["status_reason"] is None


def test_unknown_and_malformed_codes_answer_the_same_404(staff, api):
    unknown = api.get("/api/v1/verify/AAAA-AAAA-AAAA-AAAA/")
    malformed = api.get("/api/v1/verify/nonsense/")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.json() == malformed.json()


def upload(api, data, name="letter.pdf"):
    return api.post("/api/v1/verify/letter/", {"file": SimpleUploadedFile(name, data, "application/pdf")},
                    format="multipart")


def test_a_current_letter_verifies_as_authentic(staff, api):
    assessment = issue(staff)
    body = upload(api, letter_bytes(assessment.letters.get())).json()
    assert body == {"authentic": True, "signature_valid": True, "reference": assessment.reference, "version": 1,
                    "status": "current", "superseded": False, "problem": None}


def test_an_old_letter_version_is_authentic_but_superseded(staff, api):
    assessment = issue(staff)
    old = letter_bytes(assessment.letters.get())
    services.letter_issue(assessment_id=assessment.pk, version=2)
    body = upload(api, old).json()
    assert (body["authentic"], body["version"], body["superseded"]) == (True, 1, True)
    newest = upload(api, letter_bytes(assessment.letters.get(version=2))).json()
    assert (newest["authentic"], newest["superseded"]) == (True, False)


def test_a_letter_of_a_superseded_assessment_says_so(staff, api):
    old = issue(staff)
    issue(staff, supersedes=old, current_from=dt.date(2026, 9, 1))
    body = upload(api, letter_bytes(old.letters.get())).json()
    assert (body["authentic"], body["status"], body["superseded"]) == (True, "superseded", True)


def test_a_tampered_letter_is_not_authentic(staff, api):
    data = bytearray(letter_bytes(issue(staff).letters.get()))
    data[len(data) // 3] ^= 0x01
    body = upload(api, bytes(data)).json()
    assert body["authentic"] is False
    assert body["reference"] is None


@pytest.mark.parametrize("data", [b"", b"\x00\xff garbage" * 50, b"%PDF-1.7\n%%EOF"])
def test_files_that_are_not_letters_get_an_answer_not_an_error(db, api, data):
    response = upload(api, data)
    assert response.status_code == 200
    assert response.json()["authentic"] is False
    assert response.json()["problem"]


def test_a_missing_file_is_a_400(db, api):
    assert api.post("/api/v1/verify/letter/", {}, format="multipart").status_code == 400


def test_the_certificate_is_published(letters_dir, db, api):
    response = api.get("/api/v1/verify/certificate.pem")
    assert response.status_code == 200
    assert response.content == signing_certificate_pem()
    assert certificate_fingerprint().count(":") == 31


def test_anonymous_verification_is_throttled(staff, api, settings):
    settings.THROTTLE_ANON = "3/minute"
    code = issue(staff, letter=False).verification_code
    statuses = [api.get("/api/v1/verify/%s/" % code).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# Revocation


def test_an_approver_revokes_and_every_surface_shows_it_at_once(staff, api, api_as):
    assessment = issue(staff, letter=False)
    response = api_as(staff["approver"]).post(
        "/api/v1/assessments/%s/revoke/" % assessment.reference, {"reason": "The provider misrepresented the hours."})
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["current_until"] is not None
    assert api.get("/api/v1/assessments/").json()["count"] == 0
    verified = api.get("/api/v1/verify/%s/" % assessment.verification_code).json()
    assert verified["status"] == "revoked"
    assert verified["status_reason"] == "The provider misrepresented the hours."
    assert verified["current_until"] == response.json()["current_until"]
    again = api_as(staff["approver"]).post("/api/v1/assessments/%s/revoke/" % assessment.reference, {"reason": "x"})
    assert again.status_code == 409
    assert again.json()["state"] == "revoked"


def test_a_revoked_expiring_entry_ends_today_not_at_its_honoured_end(staff, api_as):
    from django.utils import timezone

    assessment = issue(staff, letter=False)
    honoured_until = timezone.localdate() + dt.timedelta(days=400)
    Assessment.objects.filter(pk=assessment.pk).update(status="expiring", current_until=honoured_until)
    response = api_as(staff["approver"]).post(
        "/api/v1/assessments/%s/revoke/" % assessment.reference, {"reason": "Taught without its assessment."})
    assert response.status_code == 200
    assert response.json()["current_until"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("role", ["assessor", "registrar", "admin", "provider"])
def test_only_approvers_revoke(staff, api_as, role):
    assessment = issue(staff, letter=False)
    response = api_as(UserFactory(role=role)).post(
        "/api/v1/assessments/%s/revoke/" % assessment.reference, {"reason": "no"})
    assert response.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == "current"


def test_a_revocation_needs_a_reason(staff, api_as):
    assessment = issue(staff, letter=False)
    response = api_as(staff["approver"]).post("/api/v1/assessments/%s/revoke/" % assessment.reference, {"reason": ""})
    assert response.status_code == 400


# Stacking


def test_stacking_flags_every_problem_counts_the_rest_and_keeps_the_order(staff, api_as):
    current = issue(staff, letter=False, credits=Decimal("4"))
    lower = issue(staff, letter=False, credits=Decimal("2.5"), level_id="OQF-5", transfer_category="lower_division")
    revoked = issue(staff, letter=False)
    lapsed = issue(staff, letter=False, credits=Decimal("3"))
    Assessment.objects.filter(pk=revoked.pk).update(status="revoked", current_until=dt.date(2026, 6, 1))
    Assessment.objects.filter(pk=lapsed.pk).update(status="lapsed", current_until=dt.date(2027, 3, 2))
    items = [
        {"code": current.verification_code.lower()},
        {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
        {"code": revoked.verification_code, "completed_on": "2026-04-01"},
        {"code": lapsed.verification_code, "completed_on": "2026-05-01"},  # completed while current: counts
        {"code": lapsed.verification_code},  # repeated
        {"code": lower.verification_code, "completed_on": "2026-01-15"},  # before it was current
        {"code": lower.verification_code},  # repeated
    ]
    response = api_as(UserFactory(role="registrar")).post("/api/v1/stack/", {"items": items}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [(i["counted"], i["problem"]) for i in body["items"]] == [
        (True, None), (False, "unknown"), (False, "revoked"), (True, None), (False, "repeated"),
        (False, "completed_outside_current_dates"), (False, "repeated"),
    ]
    assert [i["reference"] for i in body["items"]][:2] == [current.reference, None]
    assert body["total_credits"] == 7
    assert body["by_level"] == {"OQF-9": 7}
    assert body["by_transfer_category"] == {"upper_division": 7}


def test_a_lapsed_entry_without_a_completion_date_does_not_count(staff, api_as):
    lapsed = issue(staff, letter=False)
    Assessment.objects.filter(pk=lapsed.pk).update(status="lapsed", current_until=dt.date(2027, 3, 2))
    body = api_as(UserFactory(role="assessor")).post(
        "/api/v1/stack/", {"items": [{"code": lapsed.verification_code}]}, format="json").json()
    assert body["items"][0]["problem"] == "not_current"
    assert body["total_credits"] == 0


@pytest.mark.parametrize("role, status", [("provider", 403), ("registrar", 400), ("approver", 400)])
def test_stacking_is_for_registrars_and_the_agency(db, api_as, role, status):
    assert api_as(UserFactory(role=role)).post("/api/v1/stack/", {"items": []}, format="json").status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=data%00viz", "provider=1%00", "status=current%00"])
def test_a_nul_character_in_a_register_filter_is_a_400_not_a_server_error(client, query):
    response = client.get("/api/v1/assessments/?" + query)
    assert response.status_code == 400
    assert "NUL" in str(response.json())
    page = client.get("/register/?" + query)
    assert page.status_code == 400
    assert "A NUL character is in" in page.content.decode()
