"""The overview page's line on the plan (registered with `core.overview` in `PlansConfig.ready()`):
how many of the year's assigned tasks are done, in progress, blocked, not yet reported, overdue."""

from __future__ import annotations

import datetime

from django.db.models import Subquery
from django.urls import reverse

from core.numbers import format_number
from core.overview import OverviewLine
from core.periods import year_of

from ..choices import TaskKind, TaskState
from ..models import Plan, PlanTask
from ..rules import is_overdue


def progress_text(pairs: list[tuple[str | None, datetime.date | None]], today: datetime.date) -> str:
    """"44 nhiệm vụ được phân công: 9 hoàn thành, 31 đang triển khai, …; 4 quá hạn" from the tasks'
    (latest approved state, due date) pairs. Parts with no task are left out."""
    total = len(pairs)
    states = [s for s, _due in pairs]
    parts = [
        f"{format_number(states.count(state))} {label.lower()}"
        for state, label in TaskState.choices
        if states.count(state)
    ]
    unreported = states.count(None)
    if unreported:
        parts.append(f"{format_number(unreported)} chưa có báo cáo được duyệt")
    text = f"{format_number(total)} nhiệm vụ được phân công"
    if parts:
        text += ": " + ", ".join(parts)
    overdue = sum(1 for state, due in pairs if is_overdue(due, state, today))
    if overdue:
        text += f"; {format_number(overdue)} quá hạn"
    return text


def plan_line(user, period: str | None, today: datetime.date) -> OverviewLine | None:
    """The plan of the overview's year (or the latest before it), in one query; None without a plan."""
    year = year_of(period) if period else today.year
    plan_year = Plan.objects.filter(year__lte=year).order_by("-year").values("year")[:1]
    rows = list(
        PlanTask.objects.with_latest()
        .filter(plan__year=Subquery(plan_year), kind=TaskKind.ASSIGNED)
        .values_list("plan__year", "latest_state", "due")
    )
    if not rows:
        return None
    shown = rows[0][0]
    return OverviewLine(
        key="plan",
        title=f"Kế hoạch hoạt động năm {shown} của Ban Chỉ đạo",
        url=reverse("plans:dashboard", args=[shown]),
        text=progress_text([(state, due) for _year, state, due in rows], today),
    )
