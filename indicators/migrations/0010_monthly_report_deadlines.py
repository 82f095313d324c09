"""Monthly reports created before issue 17 could carry the KH57 quarter deadline (before the 20th of the
quarter's last month: "Hạn 19/09/2023" for 9/2023, before the month had ended) instead of the monthly
rule the unit page, the overview and the reminders use. Move those deadlines to the monthly rule
(REPORTING_DEADLINE_DAY of the following month); a deadline already after the month is left alone."""

import datetime

from django.conf import settings
from django.db import migrations


def _following_month_start(period: str) -> datetime.date:
    year, month = int(period[:4]), int(period[5:7])
    return datetime.date(year + month // 12, month % 12 + 1, 1)


def forwards(apps, schema_editor):
    Submission = apps.get_model("indicators", "Submission")
    day = int(getattr(settings, "REPORTING_DEADLINE_DAY", 10))
    for sub in Submission.objects.only("id", "period", "deadline").iterator():
        start = _following_month_start(sub.period)
        if sub.deadline < start:
            Submission.objects.filter(pk=sub.pk).update(deadline=start.replace(day=day))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_value_change_log")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
