"""Evidence files are addressed by a random key instead of their sequential id (issue 16 #4)."""

import uuid

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    EvidenceFile = apps.get_model("entry", "EvidenceFile")
    for evidence in EvidenceFile.objects.filter(key__isnull=True).only("pk"):
        EvidenceFile.objects.filter(pk=evidence.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("entry", "0001_move_evidence_and_reminders_from_indicators")]

    operations = [
        migrations.AddField(
            model_name="evidencefile", name="key", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="evidencefile",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="mã tệp"),
        ),
    ]
