from django.db import migrations, models


def split_per_person(apps, schema_editor):
    """A row written for several people becomes one row each, in the same status: what was
    sent stays sent, and nothing pending is lost."""
    OutboxMessage = apps.get_model("assessment", "OutboxMessage")
    for message in OutboxMessage.objects.all().order_by("pk"):
        addresses = list(message.recipients or []) or ["unknown@invalid"]
        message.recipient = addresses[0]
        message.save(update_fields=["recipient"])
        for address in addresses[1:]:
            message.pk = None
            message.recipient = address
            message.save()


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0003_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="recipient",
            field=models.EmailField(default="", max_length=254),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="key",
            field=models.CharField(db_index=True, max_length=200),
        ),
        migrations.RunPython(split_per_person, migrations.RunPython.noop),
        migrations.RemoveField(model_name="outboxmessage", name="recipients"),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed"),
                         ("uncertain", "Uncertain (check, then resend)")],
                default="pending", max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.UniqueConstraint(fields=("key", "recipient"), name="outbox_one_message_per_reason_and_person"),
        ),
    ]
