"""When a unit's month is due: the one deadline rule every page, e-mail, API field and the status
engine's completeness use.

Per indicator group: ("quarter", 20) = before day 20 of the last month of the period's quarter (the
Ban Chỉ đạo plan: members report "trước ngày 20 của tháng cuối quý"), so the last day on time is the
19th. Groups not listed use REPORTING_DEADLINE_DAY of the following month (that day included).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings

from core.periods import due_before_day, month_of, next_month, quarter_of, year_of
from units.models import Unit

from .choices import Periodicity
from .models import Indicator

DEFAULT_GROUP_DEADLINES = {"KH57": ("quarter", 20)}


def deadline_for(group: str, period: str) -> datetime.date:
    """The last day a unit's ``group`` values for ``period`` are on time."""
    rules = getattr(settings, "REPORTING_DEADLINES", DEFAULT_GROUP_DEADLINES)
    rule = rules.get(group)
    if rule and rule[0] == "quarter":
        return due_before_day(quarter_of(period), int(rule[1]))
    day = int(getattr(settings, "REPORTING_DEADLINE_DAY", 10))
    following = next_month(period)
    return datetime.date(year_of(following), month_of(following), day)


def indicators_for(unit: Unit) -> list[Indicator]:
    """The indicators a unit reports: those whose `reported_by` names the unit's level, report order."""
    return [i for i in Indicator.objects.order_by("order", "code") if unit.level in (i.reported_by or [])]


def required_indicators(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Monthly indicators must be filled before a submission; annual (KH57) ones are optional monthly."""
    return [i for i in indicators if i.periodicity == Periodicity.MONTHLY]


def unit_deadline(unit: Unit, period: str, indicators: list[Indicator] | None = None) -> datetime.date:
    """A unit's deadline for a month: the earliest deadline of the groups it reports."""
    groups = {i.group for i in (indicators if indicators is not None else indicators_for(unit))}
    if not groups:
        return deadline_for("", period)
    return min(deadline_for(g, period) for g in groups)
