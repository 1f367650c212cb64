"""The migration that records each entry's due letter version: letters lost before it ran are
due at once, so the first letters sweep after the upgrade produces them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from credentials import services
from credentials.models import Assessment, Letter

from .register_world import issue, people

BEFORE = [("credentials", "0007_assessment_terms_first_periods")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_entries_missing_their_newest_letter_are_due_after_the_upgrade(letters_dir):
    staff = people()
    produced, lost, renewed = issue(staff), issue(staff), issue(staff)
    services.assessment_renew(assessment=renewed, level_id="OQF-9", credits="4", transfer_category="upper_division",
                              subject_area="Data visualisation", recommended_by=staff["assessor"],
                              signed_off_by=staff["approver"])
    # Letters whose task was lost before the upgrade.
    Letter.objects.filter(assessment=lost).delete()
    Letter.objects.filter(assessment=renewed, version=2).delete()
    # Back to before it, then forward to every app's latest migration (this one and any after
    # it), so the tests that follow find the whole schema.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
    finally:
        migrate(latest)
    due = {a.pk: (a.letter_version_due, a.letter_due_since) for a in Assessment.objects.all()}
    assert due[produced.pk] == (1, None)
    assert due[lost.pk] == (1, Assessment.objects.get(pk=lost.pk).issued_at)
    assert due[renewed.pk][0] == 2 and due[renewed.pk][1] is not None
