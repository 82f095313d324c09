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
from units.models import Level, Unit

from .choices import Periodicity
from .models import Indicator

DEFAULT_GROUP_DEADLINES = {"KH57": ("quarter", 20)}

# Who sends a monthly report: the agencies and the districts (26 + 11 in the catalogue, the overview's
# "phải báo cáo" of the monthly groups). The province's own figures are the Sở TT&TT's compilation,
# entered by its staff; communes report through their district; "Không xác định" is the importers'
# placeholder for rows no unit matches. None of them submits a month for approval.
REPORTING_LEVELS = (Level.AGENCY, Level.DISTRICT)


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
    """A unit's deadline for its monthly report: the earliest deadline of the groups the report must
    contain (its monthly indicators). The annual KH57 values a unit may add to a month keep their own
    rule in the KH57 group's completeness; they never pull the month's report before the month's end
    (Đồng Xoài 9/2023 showed "Hạn 19/09/2023" on the form and 10/10/2023 on the unit page, issue 17).
    A unit that reports only annual indicators is due by their rule."""
    indicators = indicators if indicators is not None else indicators_for(unit)
    groups = {i.group for i in required_indicators(indicators)} or {i.group for i in indicators}
    if not groups:
        return deadline_for("", period)
    return min(deadline_for(g, period) for g in groups)


def reporting_units() -> list[Unit]:
    """The units that must send a monthly report: active, at a reporting level, with a monthly
    indicator to report; in the order pages list them. The approval queue, its counts, the submissions
    API and the reminders all start from this list."""
    levels = set()
    for reported_by in Indicator.objects.filter(periodicity=Periodicity.MONTHLY).values_list("reported_by", flat=True):
        levels.update(reported_by or [])
    levels &= set(REPORTING_LEVELS)
    return list(Unit.objects.active().filter(level__in=levels).order_by("level", "order", "code"))
