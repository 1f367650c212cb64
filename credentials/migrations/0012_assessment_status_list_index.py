"""Each register entry's place in the revocation status list of its verifiable credentials
(issue 18): a sequence numbers the entries from 0, existing ones in table order, new ones at
insert; the column keeps its number for good."""

import credentials.models.register
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0011_french_versions'),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE credentials_status_list_index MINVALUE 0 START 0",
            reverse_sql="DROP SEQUENCE IF EXISTS credentials_status_list_index",
        ),
        migrations.AddField(
            model_name='assessment',
            name='status_list_index',
            field=models.IntegerField(db_default=credentials.models.register.NextStatusListIndex(), editable=False, unique=True),
        ),
        migrations.RunSQL(
            "ALTER SEQUENCE credentials_status_list_index OWNED BY credentials_assessment.status_list_index",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
