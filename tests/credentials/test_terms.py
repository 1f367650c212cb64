"""Terms over time (docs/rules.md): an assessment's level, credits, transfer category and subject
area belong to a period; a renewal that changes them closes the open period and opens a new
one, and the stacking calculator counts a completion at the terms of its period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import services as casework
from assessment.clock import agency_date
from assessment.models import Application
from assessment.review import review_sweep
from credentials import bulk_verification, services, stack_export, stacking
from credentials.api.serializers import VerificationSerializer
from credentials.models import Assessment, AssessmentTerms
from credentials.services import assessment_renew
from tests.factories import MicroCredentialFactory, UserFactory

from .register_world import issue, json_round_trip, people

ISSUED = dt.date(2026, 3, 2)  # register_world issues OQF-9, 4 credits, upper division, from this date
RENEWED = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)
NEW_TERMS = dict(level_id="OQF-8", credits=Decimal("3"), transfer_category="vocational_certificate",
                 subject_area="Data visualisation for technicians")


@pytest.fixture
def staff(db):
    return people()


def renew(assessment, on=RENEWED, **terms):
    values = dict(level_id=assessment.level_id, credits=assessment.credits,
                  transfer_category=assessment.transfer_category, subject_area=assessment.subject_area)
    values.update(terms)
    return assessment_renew(
        assessment=assessment, recommended_by=UserFactory(role="assessor"), signed_off_by=UserFactory(role="approver"),
        renewed_on=on, **values,
    )


def periods(assessment):
    return [
        (p.starts_on, p.ends_on, p.level_id, p.credits, p.transfer_category, p.subject_area)
        for p in AssessmentTerms.objects.filter(assessment=assessment).order_by("starts_on")
    ]


def stack(*items, api_as):
    response = api_as(UserFactory(role="registrar")).post("/api/v1/stack/", {"items": list(items)}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


# Issuing and renewing


def test_issuing_opens_the_first_period_at_the_current_terms(staff):
    assessment = issue(staff, letter=False)
    assert periods(assessment) == [
        (ISSUED, None, "OQF-9", Decimal("4.0"), "upper_division", "Data visualisation"),
    ]
    assert assessment.terms.get().signed_off_by == staff["approver"]


def test_a_renewal_with_new_terms_keeps_the_old_period_and_opens_a_new_one(staff):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    assert periods(assessment) == [
        (ISSUED, RENEWED - DAY, "OQF-9", Decimal("4.0"), "upper_division", "Data visualisation"),
        (RENEWED, None, "OQF-8", Decimal("3.0"), "vocational_certificate", "Data visualisation for technicians"),
    ]
    # The entry's own columns are its current terms: the open period's.
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert (assessment.level_id, assessment.credits, assessment.transfer_category, assessment.subject_area) == (
        "OQF-8", Decimal("3.0"), "vocational_certificate", "Data visualisation for technicians")


def test_a_renewal_with_unchanged_terms_keeps_the_open_period(staff):
    assessment = issue(staff, letter=False)
    renew(assessment, subject_area=" Data visualisation ", credits="4.0")
    assert periods(assessment) == [
        (ISSUED, None, "OQF-9", Decimal("4.0"), "upper_division", "Data visualisation"),
    ]
    assert Assessment.objects.get(pk=assessment.pk).review_cycle == 2


def test_a_renewal_refuses_terms_it_cannot_record_naming_each_field(staff):
    assessment = issue(staff, letter=False)
    with pytest.raises(ValidationError) as refused:
        renew(assessment, level_id="OQF-99", transfer_category="doctoral", subject_area=" ")
    assert set(refused.value.message_dict) == {"level", "transfer_category", "subject_area"}
    assert len(periods(assessment)) == 1


def test_a_second_change_on_the_day_a_period_opened_keeps_that_day_under_the_earlier_terms(staff):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    renew(assessment, on=RENEWED, credits=Decimal("5"))
    assert [(start, end, credits) for start, end, _, credits, _, _ in periods(assessment)] == [
        (ISSUED, RENEWED - DAY, Decimal("4.0")), (RENEWED, RENEWED, Decimal("3.0")), (RENEWED + DAY, None, Decimal("5.0")),
    ]


def test_the_review_sign_off_renews_through_the_period_service(staff, django_capture_on_commit_callbacks):
    """assessment/ passes the decided terms on; the periods are credentials' business."""
    provider = UserFactory(role="provider")
    assessment = issue(staff, letter=False, microcredential=MicroCredentialFactory(created_by=provider))
    review_sweep(as_of=assessment.review_due_date - 90 * DAY)
    case = Application.objects.get(reviewed_assessment=assessment, state="draft")
    assessor, approver = UserFactory(role="assessor"), UserFactory(role="approver")
    case = casework.application_submit(actor=provider, application=case, declaration="change", summary="Shorter.")
    case = casework.application_claim(actor=assessor, application=case)
    case = casework.application_recommend(actor=assessor, application=case, data={
        "outcome": "approve", "level": "OQF-8", "credits": "3", "transfer_category": "vocational_certificate",
        "subject_area": "Data visualisation", "rationale": "Shorter now: fewer hours, a lower level.",
    })
    casework.application_sign_off(actor=approver, application=case, comment="Agreed.")
    today = agency_date(timezone.now())
    assert [(start, end, level, credits) for start, end, level, credits, _, _ in periods(assessment)] == [
        (ISSUED, today - DAY, "OQF-9", Decimal("4.0")), (today, None, "OQF-8", Decimal("3.0")),
    ]
    assert assessment.terms.get(ends_on=None).signed_off_by == approver


# The database's own guarantees


def test_the_database_refuses_two_open_periods(staff):
    assessment = issue(staff, letter=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentTerms.objects.create(
            assessment=assessment, starts_on=RENEWED, level_id="OQF-8", credits=Decimal("3"),
            transfer_category="vocational_certificate", subject_area="Other")


def test_the_database_refuses_a_period_that_ends_before_it_starts(staff):
    assessment = issue(staff, letter=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentTerms.objects.filter(assessment=assessment).update(ends_on=ISSUED - DAY)


def test_the_database_refuses_two_periods_starting_the_same_day(staff):
    assessment = issue(staff, letter=False)
    AssessmentTerms.objects.filter(assessment=assessment).update(ends_on=RENEWED)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentTerms.objects.create(
            assessment=assessment, starts_on=ISSUED, level_id="OQF-8", credits=Decimal("3"),
            transfer_category="vocational_certificate", subject_area="Other")


renewals = st.lists(
    st.tuples(
        st.integers(min_value=-30, max_value=800),  # days after the issue (before it too)
        st.sampled_from(["OQF-8", "OQF-9", "OQF-10"]),
        st.sampled_from([Decimal("3"), Decimal("4"), Decimal("4.5")]),
    ),
    max_size=6,
).map(lambda items: sorted(items, key=lambda item: item[0]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(renewals=renewals)
def test_the_periods_never_overlap_and_leave_no_gap_whatever_the_renewals(staff, renewals):
    """The service guarantees that the periods tile the time from the issue on (no gap, no
    overlap), and this proves it; the database's constraints hold the simpler invariants."""
    with transaction.atomic():
        assessment = issue(staff, letter=False)
        for days, level, credits in renewals:
            renew(assessment, on=ISSUED + days * DAY, level_id=level, credits=credits)
            assessment.refresh_from_db()
        rows = list(AssessmentTerms.objects.filter(assessment=assessment).order_by("starts_on"))
        assert rows[0].starts_on == ISSUED
        assert [row.ends_on is None for row in rows] == [False] * (len(rows) - 1) + [True]
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier.starts_on <= earlier.ends_on
            assert later.starts_on == earlier.ends_on + DAY
            # A new period only when the terms changed.
            assert (earlier.level_id, earlier.credits) != (later.level_id, later.credits)
        assert (rows[-1].level_id, rows[-1].credits) == (assessment.level_id, assessment.credits)
        transaction.set_rollback(True)


# Stacking


def test_a_completion_in_the_first_period_counts_at_its_terms_and_one_in_the_second_at_the_new(staff, api_as):
    first = renew(issue(staff, letter=False), **NEW_TERMS)
    second = renew(issue(staff, letter=False), **NEW_TERMS)
    body = stack({"code": first.verification_code, "completed_on": "2026-06-15"},
                 {"code": second.verification_code, "completed_on": "2027-01-15"}, api_as=api_as)
    assert [(i["counted"], i["level"], i["credits"], i["transfer_category"]) for i in body["items"]] == [
        (True, "OQF-9", 4.0, "upper_division"), (True, "OQF-8", 3.0, "vocational_certificate"),
    ]
    assert body["total_credits"] == 7.0
    assert body["by_level"] == {"OQF-9": 4.0, "OQF-8": 3.0}
    assert body["by_transfer_category"] == {"upper_division": 4.0, "vocational_certificate": 3.0}


@pytest.mark.parametrize("completed_on, level, credits", [
    (RENEWED - DAY, "OQF-9", 4.0),  # the old period's last day
    (RENEWED, "OQF-8", 3.0),  # the new period's first day
])
def test_a_completion_on_the_boundary_counts_under_exactly_one_period(staff, api_as, completed_on, level, credits):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    body = stack({"code": assessment.verification_code, "completed_on": completed_on.isoformat()}, api_as=api_as)
    assert [(i["counted"], i["level"], i["credits"]) for i in body["items"]] == [(True, level, credits)]
    assert body["total_credits"] == credits


def test_without_a_completion_date_the_current_terms_count(staff, api_as):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    body = stack({"code": assessment.verification_code}, api_as=api_as)
    assert [(i["counted"], i["level"], i["credits"]) for i in body["items"]] == [(True, "OQF-8", 3.0)]


def test_a_completion_outside_every_period_is_flagged_and_not_counted(staff, api_as):
    assessment = issue(staff, letter=False)
    # A record whose periods do not reach back to the day it became current.
    AssessmentTerms.objects.filter(assessment=assessment).update(starts_on=dt.date(2026, 5, 1))
    body = stack({"code": assessment.verification_code, "completed_on": "2026-04-01"}, api_as=api_as)
    item = body["items"][0]
    assert (item["counted"], item["problem"]) == (False, "completed_outside_terms")
    assert "terms" in item["problem_text"]
    assert body["total_credits"] == 0


def test_a_completion_outside_the_current_dates_is_still_refused(staff, api_as):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    body = stack({"code": assessment.verification_code, "completed_on": "2026-01-15"}, api_as=api_as)
    assert body["items"][0]["problem"] == "completed_outside_current_dates"


def test_the_stack_csv_gives_the_counted_terms_of_the_period(staff):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    result = stacking.stack_evaluate([{"code": assessment.verification_code, "completed_on": dt.date(2026, 6, 15)}])
    row = stack_export.stack_csv(result).splitlines()[1].split(",")
    assert row[6:9] == ["OQF-9", "4", "upper_division"]


def test_bulk_verification_gives_the_terms_of_the_period_of_the_completion(staff):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    items = bulk_verification.codes_from_csv(
        ("code,completed_on\n%s,2026-06-15\n" % assessment.verification_code).encode())
    rows = bulk_verification.results_csv(bulk_verification.bulk_verify(items)).splitlines()
    assert rows[1].split(",")[7:10] == ["OQF-9", "4", "upper_division"]


@pytest.mark.parametrize("count", [1, 6])
def test_stacking_costs_the_same_queries_whatever_the_number_of_items(staff, count):
    entries = [renew(issue(staff, letter=False), **NEW_TERMS) for _ in range(count)]
    items = [{"code": entry.verification_code, "completed_on": dt.date(2026, 6, 15)} for entry in entries]
    level_name = AssessmentTerms.objects.select_related("level").get(assessment=entries[0], ends_on__isnull=False).level.name
    with CaptureQueriesContext(connection) as queries:
        result = stacking.stack_evaluate(items)
        assert result.by_level_named == [("OQF-9", level_name, Decimal("4") * count)]
    assert len(queries) == 2  # the entries, their periods


# What the register and verification show


def test_the_register_entry_gives_every_period_oldest_first(staff, api):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    body = api.get("/api/v1/assessments/%s/" % assessment.reference).json()
    assert body["terms"] == [
        {"from": "2026-03-02", "until": "2026-11-30", "level": "OQF-9", "credits": 4.0,
         "transfer_category": "upper_division", "subject_area": "Data visualisation"},
        {"from": "2026-12-01", "until": None, "level": "OQF-8", "credits": 3.0,
         "transfer_category": "vocational_certificate", "subject_area": "Data visualisation for technicians"},
    ]


def test_the_register_entry_costs_one_query_more_for_its_periods(staff, api):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/assessments/%s/" % assessment.reference).status_code == 200
    assert len(queries) == 3  # the entry, its letters, its periods


def test_verification_by_code_gives_every_period_in_its_one_query(staff, api):
    assessment = issue(staff, letter=False)
    # Each version produced while it is the one due (a version superseded before it was
    # produced never is: it would print the newer terms).
    services.letter_issue(assessment_id=assessment.pk, version=1)
    assessment = renew(assessment, **NEW_TERMS)
    services.letter_issue(assessment_id=assessment.pk, version=2)
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/verify/%s/" % assessment.verification_code).json()
    assert len([q for q in queries.captured_queries if "credentials_" in q["sql"]]) == 1
    assert [(t["from"], t["until"], t["level"], t["credits"]) for t in body["terms"]] == [
        ("2026-03-02", "2026-11-30", "OQF-9", 4.0), ("2026-12-01", None, "OQF-8", 3.0),
    ]
    assert [letter["version"] for letter in body["letters"]] == [1, 2]
    assert body == json_round_trip(VerificationSerializer(Assessment.objects.get(pk=assessment.pk)).data)


def test_the_entry_and_verification_pages_show_the_terms_over_time(staff, client):
    assessment = renew(issue(staff, letter=False), **NEW_TERMS)
    for path in ("/register/%s/" % assessment.reference, "/verify/%s/" % assessment.verification_code):
        page = client.get(path).content.decode()
        assert "Terms over time" in page, path
        assert "2 March 2026" in page and "30 November 2026" in page and "1 December 2026" in page, path
        assert "Vocational certificate" in page and "Upper-division undergraduate" in page, path


def test_a_single_period_needs_no_table(staff, client):
    assessment = issue(staff, letter=False)
    assert "Terms over time" not in client.get("/register/%s/" % assessment.reference).content.decode()
