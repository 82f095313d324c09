"""On time, late, waiting or missing: the rule every report with a deadline is judged by.

A report is on time when it was submitted on or before its deadline (the last day on time, in local
time), late when submitted after it; not submitted, it is waiting until the deadline has passed and
missing after. The monthly reports and the plan's quarterly reports use the same rule and words.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")
    WAITING = "waiting", _("Chưa gửi")  # not submitted, deadline not passed
    MISSING = "missing", _("Quá hạn, chưa gửi")  # not submitted, deadline passed


def judge(submitted_on: datetime.date | None, deadline: datetime.date, today: datetime.date) -> Timeliness:
    """The timeliness of a report submitted on ``submitted_on`` (None: not submitted) as of ``today``."""
    if submitted_on is not None:
        return Timeliness.LATE if submitted_on > deadline else Timeliness.ON_TIME
    return Timeliness.MISSING if today > deadline else Timeliness.WAITING
