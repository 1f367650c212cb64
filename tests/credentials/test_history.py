"""Every register-entry change writes its history row, with its actor (or the daily sweep), in
the same transaction; the agency reads the whole history on the entry, the public the changes
and their dates."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from credentials import services
from credentials.models import Assessment, AssessmentEvent
from tests.factories import MicroCredentialFactory, UserFactory

from .register_world import issue, people

pytestmark = pytest.mark.django_db


def _history(assessment):
    return list(AssessmentEvent.objects.filter(assessment=assessment).order_by("at", "id")
                .values_list("action", "from_status", "to_status", "actor_id"))


@pytest.fixture
def staff():
    return people()


def test_issue_and_revoke_each_write_a_row_with_their_actor(staff):
    assessment = issue(staff, letter=False)
    services.assessment_revoke(actor=staff["approver"], assessment=assessment, reason="Not as delivered.",
                               internal_note="Site visit found no practical assessment.")
    approver = staff["approver"].pk
    assert _history(assessment) == [("issue", "", "current", approver), ("revoke", "current", "revoked", approver)]
    assert AssessmentEvent.objects.get(assessment=assessment, action="issue").public_note == (
        "Assessed at OQF-9, 4 credits.")
    revoke = AssessmentEvent.objects.get(assessment=assessment, action="revoke")
    assert (revoke.public_note, revoke.internal_note) == ("Not as delivered.", "Site visit found no practical assessment.")


def test_a_renewal_and_a_reassessment_that_supersedes_write_theirs(staff):
    assessment = issue(staff, letter=False)
    other_approver = UserFactory(role="approver")
    services.assessment_renew(assessment=assessment, level_id="OQF-8", credits="3", transfer_category="lower_division",
                              subject_area="Data", recommended_by=staff["assessor"], signed_off_by=other_approver)
    assert _history(assessment)[-1] == ("renew", "current", "current", other_approver.pk)
    later = issue(staff, letter=False, microcredential=assessment.microcredential, supersedes=assessment,
                  current_from=dt.date(2027, 3, 2))
    assert _history(assessment)[-1] == ("supersede", "current", "superseded", staff["approver"].pk)
    assert later.reference in AssessmentEvent.objects.get(assessment=assessment, action="supersede").public_note


def test_the_sweeps_changes_are_written_in_bulk_with_no_actor(staff, django_assert_num_queries):
    entries = [issue(staff, letter=False) for _ in range(3)]
    ids = [entry.pk for entry in entries]
    # One statement (the UPDATE and the history's INSERT), whatever the number of entries.
    with django_assert_num_queries(1):
        lapsed = services.assessments_lapse(assessment_ids=ids, lapse_after_days=30)
    assert sorted(lapsed) == sorted(ids)
    for entry in entries:
        event = AssessmentEvent.objects.get(assessment=entry, action="lapse")
        assert (event.actor_id, event.from_status, event.to_status) == (None, "current", "lapsed")
        assert "was not filed" in event.public_note
    # A second lapse of the same entries changes and writes nothing.
    assert services.assessments_lapse(assessment_ids=ids, lapse_after_days=30) == []
    assert AssessmentEvent.objects.filter(action="lapse").count() == 3


def test_discontinued_entries_whose_honoured_period_ended_each_get_their_row(staff):
    provider = UserFactory(role="provider")
    entry = issue(staff, letter=False, microcredential=MicroCredentialFactory(created_by=provider))
    services.assessment_discontinue(assessment=entry, on=dt.date(2026, 6, 1), actor=provider)
    assert _history(entry)[-1] == ("discontinue", "current", "expiring", provider.pk)
    entry.refresh_from_db()
    assert services.assessments_discontinued_after_end(as_of=entry.current_until + dt.timedelta(days=1)) == 1
    assert _history(entry)[-1] == ("end", "expiring", "discontinued", None)
    assert services.assessments_discontinued_after_end(as_of=entry.current_until + dt.timedelta(days=2)) == 0


def test_the_agency_sees_who_and_the_internal_note_and_the_public_the_change_and_its_date(staff, client):
    assessment = issue(staff, letter=False)
    services.assessment_revoke(actor=staff["approver"], assessment=assessment, reason="Not as delivered.",
                               internal_note="Site visit found no practical assessment.")
    # The public (and registrars) see revoked entries only through verification; agency staff
    # on the register entry.
    client.force_login(UserFactory(role="assessor"))
    page = client.get("/register/%s/" % assessment.reference).content.decode()
    assert "History" in page and "Revoked" in page and "Avery Approver" in page
    assert "Site visit found no practical assessment." in page
    client.force_login(UserFactory(role="registrar"))
    page = client.get("/register/%s/" % assessment.reference).content.decode()
    assert "History" in page and "Not as delivered." in page
    assert "Site visit found" not in page and "Avery Approver" not in page


@pytest.mark.django_db(transaction=True)
def test_the_history_begins_with_a_row_per_existing_entry_and_its_status_change(staff):
    current, revoked, renewed = issue(staff, letter=False), issue(staff, letter=False), issue(staff, letter=False)
    renewer = UserFactory(role="approver")
    services.assessment_renew(assessment=renewed, level_id="OQF-8", credits="3", transfer_category="lower_division",
                              subject_area="Data", recommended_by=staff["assessor"], signed_off_by=renewer,
                              renewed_on=dt.date(2026, 11, 2))
    Assessment.objects.filter(pk=revoked.pk).update(
        status="revoked", status_reason="Withdrawn.", current_until=dt.date(2026, 9, 1),
        issued_at=dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC))
    AssessmentEvent.objects.all().delete()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("credentials", "0008_assessment_letter_due")])
        executor = MigrationExecutor(connection)
        executor.migrate([("credentials", "0009_assessment_events")])
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert _history(current) == [("issue", "", "current", staff["approver"].pk)]
    assert _history(revoked) == [("issue", "", "current", staff["approver"].pk), ("revoke", "current", "revoked", None)]
    event = AssessmentEvent.objects.get(assessment=revoked, action="revoke")
    assert event.public_note == "Withdrawn." and event.at.date() == dt.date(2026, 9, 1)
    # A renewed entry's issue says the terms it was issued at, not its latest ones.
    rows = list(AssessmentEvent.objects.filter(assessment=renewed).order_by("at", "id")
                .values_list("action", "public_note", "actor_id"))
    assert rows == [("issue", "Assessed at OQF-9, 4 credits.", staff["approver"].pk),
                    ("renew", "Renewed at OQF-8, 3 credits.", renewer.pk)]
