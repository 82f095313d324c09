"""When a quarter's reports are due: the member agencies' reports "trước ngày 20 của tháng cuối quý"
and the Sở TT&TT's synthesis "trước ngày 25" (§V of the plan), both settings (PLAN_REPORT_DAY,
PLAN_SYNTHESIS_DAY). Every page, e-mail, API field and count asks these two functions; the rule itself
("before day N of the quarter's last month") is `core.periods.due_before_day`, shared with the KH57
monthly deadline.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from core.periods import due_before_day


def report_deadline(quarter: str) -> datetime.date:
    """The last day a member agency's report for ``quarter`` is on time (2023-Q3 → 19/09/2023)."""
    return due_before_day(quarter, int(getattr(settings, "PLAN_REPORT_DAY", 20)))


def synthesis_deadline(quarter: str) -> datetime.date:
    """The last day the Sở TT&TT's synthesis for ``quarter`` is on time (2023-Q3 → 24/09/2023)."""
    return due_before_day(quarter, int(getattr(settings, "PLAN_SYNTHESIS_DAY", 25)))
