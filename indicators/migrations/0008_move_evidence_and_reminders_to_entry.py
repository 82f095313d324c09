"""EvidenceFile and Reminder now belong to the entry app (entry/0001): this removes them from the
indicators app's state only; their tables stay as they are and entry's models use them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("indicators", "0007_period_years_2000_2100")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel("EvidenceFile"), migrations.DeleteModel("Reminder")],
            database_operations=[],
        )
    ]
