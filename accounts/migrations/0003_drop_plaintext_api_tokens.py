"""API tokens moved to django-rest-knox, which stores digests. The table of
rest_framework.authtoken (no longer installed) holds every old token in plain text: dropped,
so no readable key stays at rest. The old tokens stop working; clients ask for a new one."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_language"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
