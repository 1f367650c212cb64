"""Every assessment issued before periods were kept gets its first period: open, from the day
it became current, at the terms it holds now (earlier terms a renewal overwrote are lost; this
keeps what is known). Safe to run again: an entry that has a period is left alone."""

from django.db import migrations
from django.db.models import Exists, OuterRef

BATCH = 2000


def open_first_periods(apps, schema_editor):
    Assessment = apps.get_model("credentials", "Assessment")
    AssessmentTerms = apps.get_model("credentials", "AssessmentTerms")
    without = (
        Assessment.objects.filter(~Exists(AssessmentTerms.objects.filter(assessment=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "current_from", "level_id", "credits", "transfer_category", "subject_area")
    )
    batch = []
    for pk, current_from, level_id, credits, category, subject in without.iterator(chunk_size=BATCH):
        batch.append(AssessmentTerms(assessment_id=pk, starts_on=current_from, ends_on=None, level_id=level_id,
                                     credits=credits, transfer_category=category, subject_area=subject))
        if len(batch) == BATCH:
            AssessmentTerms.objects.bulk_create(batch)
            batch = []
    AssessmentTerms.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("credentials", "0006_assessment_terms"),
    ]

    operations = [
        # Backwards: 0006 drops the table; nothing to undo here.
        migrations.RunPython(open_first_periods, migrations.RunPython.noop),
    ]
