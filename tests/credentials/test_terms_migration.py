"""The data migration that gives every assessment issued before periods were kept its first,
open period: run for real, from the migration before it, on a row made with the historical
model."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import MicroCredentialFactory, UserFactory

BEFORE = ("credentials", "0006_assessment_terms")
AFTER = ("credentials", "0007_assessment_terms_first_periods")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_existing_assessment_gets_one_open_period_at_its_current_terms():
    microcredential = MicroCredentialFactory()
    assessor, approver = UserFactory(role="assessor"), UserFactory(role="approver")
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate([BEFORE])
        Assessment = old.get_model("credentials", "Assessment")
        values = dict(
            microcredential_id=microcredential.pk, provider_id=microcredential.provider_id, title="Old entry",
            level_id="OQF-7", credits=Decimal("2.5"), transfer_category="lower_division", subject_area="Welding",
            review_due_date=dt.date(2026, 1, 10), current_from=dt.date(2025, 1, 10),
            recommended_by_id=assessor.pk, signed_off_by_id=approver.pk,
        )
        renewed = Assessment.objects.create(reference="MCA-2025-00001", verification_code="AAAA-AAAA-AAAA-AAA1",
                                            **values)
        lapsed = Assessment.objects.create(reference="MCA-2025-00002", verification_code="AAAA-AAAA-AAAA-AAA2",
                                           status="lapsed", current_until=dt.date(2026, 2, 9), **values)
        new = migrate([AFTER])
        Terms = new.get_model("credentials", "AssessmentTerms")
        for entry in (renewed, lapsed):
            rows = list(Terms.objects.filter(assessment_id=entry.pk).values_list(
                "starts_on", "ends_on", "level_id", "credits", "transfer_category", "subject_area", "signed_off_by_id"))
            # Open even when the entry is no longer current: periods describe terms, the
            # entry's own dates say when it was current. Who decided is no longer known.
            assert rows == [(dt.date(2025, 1, 10), None, "OQF-7", Decimal("2.5"), "lower_division", "Welding", None)]
        # Running it again (a migration re-applied after a rollback) adds nothing.
        migrate([BEFORE])
        migrate([AFTER])
        assert Terms.objects.filter(assessment_id=renewed.pk).count() == 1
    finally:
        migrate(leaves)
