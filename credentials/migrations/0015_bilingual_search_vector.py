"""The register's search vector in English and French, computed by PostgreSQL (a stored
generated column) from both titles, the provider, the subject, the learning
outcomes and the descriptions of the snapshot; and an index in the register's order (newest
first), so a page of a long list or of a common word's matches reads only its rows.

The column is dropped and added again (PostgreSQL cannot turn a column into a generated one):
adding it computes every row's vector, and the GIN index is rebuilt over the new vectors."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.expressions
from django.db import migrations, models

SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english'::regconfig, title), 'A')"
    " || setweight(to_tsvector('french'::regconfig, title_fr), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(snapshot ->> 'provider', '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, subject_area || ' '"
    " || coalesce(snapshot ->> 'learning_outcomes', '')), 'C')"
    " || setweight(to_tsvector('french'::regconfig, coalesce(snapshot ->> 'learning_outcomes_fr', '')), 'C')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(snapshot ->> 'description', '')), 'D')"
    " || setweight(to_tsvector('french'::regconfig, coalesce(snapshot ->> 'description_fr', '')), 'D')"
)


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0014_reference_data_french_typography'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='assessment', name='assessment_search_gin'),
        migrations.RemoveField(model_name='assessment', name='search_vector'),
        migrations.AddField(
            model_name='assessment',
            name='search_vector',
            field=models.GeneratedField(
                db_persist=True, expression=django.db.models.expressions.RawSQL(SEARCH_VECTOR_SQL, ()),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='assessment_search_gin'),
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(models.OrderBy(models.F('issued_at'), descending=True),
                               models.OrderBy(models.F('id'), descending=True), name='assessment_newest_first'),
        ),
    ]
