import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from config.errors import NotPermitted
from credentials.codes import CROCKFORD, verification_code_new, verification_code_normalise
from credentials.models import Assessment
from credentials.services import reference_next
from tests.factories import AssessmentFactory, UserFactory

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_verification_codes_are_grouped_crockford_base32_and_differ():
    codes = {verification_code_new() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE.match(code) for code in codes)


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("k7qf-3mzp-9wxa-c2hd", "K7QF-3MZP-9WXA-C2HD"),
        (" K7QF 3MZP 9WXA C2HD ", "K7QF-3MZP-9WXA-C2HD"),
        ("K7QF3MZP9WXAC2HD", "K7QF-3MZP-9WXA-C2HD"),
        ("O0IL-1111-2222-3333", "0011-1111-2222-3333"),
        ("K7QF-3MZP-9WXA", None),
        ("K7QF-3MZP-9WXA-C2HU", None),
        ("", None),
        (None, None),
    ],
)
def test_typed_codes_are_normalised_forgivingly(typed, canonical):
    assert verification_code_normalise(typed) == canonical


@given(st.text(alphabet=CROCKFORD, min_size=16, max_size=16))
def test_every_canonical_code_normalises_to_itself(raw):
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    assert verification_code_normalise(code.lower()) == code


@pytest.fixture
def people(db):
    return {"assessor": UserFactory(role="assessor"), "approver": UserFactory(role="approver")}


def issue(people, **changes):
    return AssessmentFactory(**{"recommended_by": people["assessor"], "signed_off_by": people["approver"], **changes})


def test_issuing_enters_the_decision_in_the_register_with_a_snapshot(people):
    assessment = issue(people, review_period_months=24)
    assert assessment.reference == "MCA-2026-00001"
    assert CODE.match(assessment.verification_code)
    assert assessment.status == Assessment.Status.CURRENT
    assert assessment.review_due_date == dt.date(2028, 3, 2)
    assert assessment.snapshot["title"] == assessment.microcredential.title
    assert assessment.snapshot["learner_effort_hours"] == "40"
    assert assessment.snapshot["provider"] == assessment.microcredential.provider.name
    # Later edits by the provider do not change what was assessed.
    assessment.microcredential.title = "Renamed"
    assessment.microcredential.save()
    assessment.refresh_from_db()
    assert assessment.snapshot["title"] != "Renamed"


def test_references_count_up_within_a_year_and_restart_in_the_next(people):
    first = issue(people)
    second = issue(people)
    next_year = issue(people, current_from=dt.date(2027, 1, 4))
    assert (first.reference, second.reference, next_year.reference) == (
        "MCA-2026-00001",
        "MCA-2026-00002",
        "MCA-2027-00001",
    )


def test_the_recommender_can_never_sign_off(people):
    with pytest.raises(NotPermitted):
        issue(people, signed_off_by=people["assessor"])
    assert not Assessment.objects.exists()


def test_the_database_refuses_a_register_entry_without_four_eyes(people):
    assessment = issue(people)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(signed_off_by=people["assessor"])


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"level_id": "OQF-99"}, "level"),
        ({"credits": Decimal("0.25")}, "credits"),
        ({"credits": Decimal("41")}, "credits"),
        ({"credits": "many"}, "credits"),
        ({"transfer_category": "doctoral"}, "transfer_category"),
        ({"review_period_months": 18}, "review_period_months"),
        ({"subject_area": "  "}, "subject_area"),
        # The recommendation's own checks, which the register now shares: a subject area
        # too long for its column, or one carrying a direction mark onto the letter.
        ({"subject_area": "x" * 201}, "subject_area"),
        ({"subject_area": "Data\u200f analytics"}, "subject_area"),
        ({"credits": Decimal("NaN")}, "credits"),
    ],
)
def test_invalid_decisions_are_refused_naming_the_field(people, changes, field):
    with pytest.raises(ValidationError) as caught:
        issue(people, **changes)
    assert field in caught.value.message_dict
    assert not Assessment.objects.exists()


def test_a_reassessment_supersedes_the_earlier_entry(people):
    earlier = issue(people)
    later = issue(people, microcredential=earlier.microcredential, supersedes=earlier, current_from=dt.date(2027, 3, 2))
    earlier.refresh_from_db()
    assert earlier.status == Assessment.Status.SUPERSEDED
    assert earlier.current_until == dt.date(2027, 3, 2)
    assert later.status == Assessment.Status.CURRENT


@pytest.mark.django_db(transaction=True)
def test_simultaneous_issues_never_share_a_reference():
    year = 2031
    results, errors = [], []

    def take():
        try:
            with transaction.atomic():
                results.append(reference_next(prefix="MCA", year=year))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["MCA-2031-%05d" % n for n in range(1, 9)]


def test_a_letter_is_an_entrys_version_with_no_one_value_kind():
    from credentials.models import Letter

    assert {field.name for field in Letter._meta.concrete_fields} == {
        "id", "assessment", "version", "file", "sha256", "size", "issued_at"}
