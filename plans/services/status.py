"""Reading the plan's state: each task with its latest approved report and whether it is overdue, the
KH57 indicators it serves with their latest status, its history of quarterly reports, and counts by
state and agency. Used by the dashboard, the API, the synthesis and the overview line."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from core.periods import period_label
from indicators.models import Indicator
from units.models import Level

from ..choices import TaskKind, TaskState
from ..models import PlanTask, TaskProgress
from ..rules import deadlines_in_text, is_overdue, printed_phrase

STATE_ORDER = [TaskState.BLOCKED, TaskState.NOT_STARTED, TaskState.IN_PROGRESS, TaskState.DONE]


def tasks_queryset() -> QuerySet:
    """Tasks with their latest approved report (`with_latest`), unit, plan and indicators, one query
    plus one for the indicators."""
    return (
        PlanTask.objects.with_latest()
        .select_related("unit", "plan")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order", "code")))
        .order_by("plan__year", "order", "id")
    )


@dataclass
class IndicatorStatus:
    code: str
    name: str
    measure: str
    period: str | None = None
    value: object = None
    target: object = None
    status: str = ""

    @property
    def period_label(self) -> str:
        return period_label(self.period) if self.period else ""


def indicator_statuses(indicators, values: QuerySet, upto: str | None = None) -> dict[int, IndicatorStatus]:
    """The province's latest value (at or before ``upto``) of each indicator among ``values`` (a
    DataValue queryset already narrowed to what the reader may see) with its status. One query."""
    by_id = {i.pk: i for i in indicators}
    out = {pk: IndicatorStatus(i.code, i.name, i.measure) for pk, i in by_id.items()}
    if not by_id:
        return out
    rows = values.filter(indicator_id__in=by_id, unit__level=Level.PROVINCE)
    if upto:
        rows = rows.filter(period__lte=upto)
    for row in rows.order_by("indicator_id", "-period").values(
        "indicator_id", "period", "value", "status__status", "status__target_value"
    ):
        item = out[row["indicator_id"]]
        if item.period is None:
            item.period, item.value = row["period"], row["value"]
            item.status, item.target = row["status__status"] or "", row["status__target_value"]
    return out


@dataclass
class TaskRow:
    task: PlanTask
    overdue: bool
    indicators: list[IndicatorStatus] = field(default_factory=list)

    @property
    def latest_state(self) -> str | None:
        return self.task.latest_state

    @property
    def latest_state_label(self) -> str:
        return TaskState(self.task.latest_state).label if self.task.latest_state else "Chưa có báo cáo được duyệt"

    @property
    def due_phrase(self) -> str:
        """The deadline as the plan prints it ("trước tháng 9/2023"), when the text prints one."""
        found = deadlines_in_text(self.task.text)
        return printed_phrase(self.task.text, found[0][1]) if found else ""


def task_rows(tasks, today: datetime.date, values: QuerySet | None = None, upto: str | None = None) -> list[TaskRow]:
    """Rows for ``tasks`` (from `tasks_queryset`), overdue first, then in the plan's order."""
    tasks = list(tasks)
    statuses = {}
    if values is not None:
        statuses = indicator_statuses({i for t in tasks for i in t.indicators.all()}, values, upto)
    rows = [
        TaskRow(
            t,
            is_overdue(t.due, t.latest_state, today),
            [statuses[i.pk] for i in t.indicators.all()] if statuses else [],
        )
        for t in tasks
    ]
    rows.sort(key=lambda r: (not r.overdue, r.task.plan.year, r.task.order, r.task.pk))
    return rows


def state_counts(rows: list[TaskRow]) -> dict[str, int]:
    """Tasks per latest approved state ("none": none approved yet) and overdue ones ("overdue")."""
    counts = Counter(r.task.latest_state or "none" for r in rows)
    counts["overdue"] = sum(1 for r in rows if r.overdue)
    return {key: counts.get(key, 0) for key in [*TaskState.values, "none", "overdue"]}


def by_agency(rows: list[TaskRow]) -> list[dict]:
    """One line per agency in the plan's order: its tasks' counts by latest approved state."""
    agencies: dict[int, dict] = {}
    for row in rows:
        unit = row.task.unit
        entry = agencies.setdefault(unit.pk, {"unit": unit, "order": row.task.order, "rows": []})
        entry["order"] = min(entry["order"], row.task.order)
        entry["rows"].append(row)
    out = []
    for entry in sorted(agencies.values(), key=lambda e: e["order"]):
        counts = state_counts(entry["rows"])
        out.append({"unit": entry["unit"], "total": len(entry["rows"]), "counts": counts, "rows": entry["rows"]})
    return out


def assigned(rows: list[TaskRow]) -> list[TaskRow]:
    return [r for r in rows if r.task.kind == TaskKind.ASSIGNED]


def committee(rows: list[TaskRow]) -> list[TaskRow]:
    return [r for r in rows if r.task.kind == TaskKind.COMMITTEE]


def history(task: PlanTask, visible: QuerySet) -> list[TaskProgress]:
    """The task's quarterly reports the reader may see, newest quarter first, with their evidence."""
    return list(
        visible.filter(task=task)
        .select_related("report", "author", "report__decided_by")
        .prefetch_related("evidence")
        .order_by("-quarter")
    )
