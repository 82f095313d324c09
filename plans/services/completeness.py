"""Who has reported a quarter: every member agency with tasks in the plan, its report's state, deadline,
timeliness (`core.timeliness`, the monthly reports' rule) and how many of its tasks it has filled."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from core.timeliness import Timeliness, judge
from units.models import Unit

from ..deadlines import report_deadline
from ..models import Plan, PlanTask, QuarterReport, TaskProgress


@dataclass
class UnitRow:
    unit: Unit
    quarter: str
    deadline: datetime.date
    report: QuarterReport | None
    tasks: int
    filled: int
    timeliness: str

    @property
    def state(self) -> str:
        return self.report.state if self.report else ""

    @property
    def state_label(self) -> str:
        return self.report.get_state_display() if self.report else "Chưa có báo cáo"

    @property
    def timeliness_label(self) -> str:
        return Timeliness(self.timeliness).label


def reporting_units(plan: Plan) -> list[Unit]:
    """The units with tasks in the plan, in the plan's order (the order of their first task)."""
    first: dict[int, int] = {}
    for unit_id, order in PlanTask.objects.filter(plan=plan).order_by("order").values_list("unit_id", "order"):
        first.setdefault(unit_id, order)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=first)}
    return [units[pk] for pk in sorted(first, key=first.get)]


def quarter_overview(
    plan: Plan, quarter: str, today: datetime.date | None = None, units: list[Unit] | None = None
) -> list[UnitRow]:
    """Every reporting unit's report for ``quarter``: state, deadline, on time / late / waiting / missing
    and tasks filled. Five queries whatever the number of units."""
    today = today or timezone.localdate()
    units = units if units is not None else reporting_units(plan)
    reports = {
        r.unit_id: r
        for r in QuarterReport.objects.filter(quarter=quarter, unit__in=units).select_related(
            "unit", "submitted_by", "decided_by"
        )
    }
    tasks = dict(
        PlanTask.objects.filter(plan=plan, unit__in=units)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("unit_id", "n")
    )
    filled = dict(
        TaskProgress.objects.filter(quarter=quarter, report__unit__in=units)
        .values("report__unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("report__unit_id", "n")
    )
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        deadline = report.deadline if report else report_deadline(quarter)
        submitted_on = timezone.localdate(report.submitted_at) if report and report.submitted_at else None
        rows.append(
            UnitRow(
                unit, quarter, deadline, report, tasks.get(unit.pk, 0), filled.get(unit.pk, 0),
                judge(submitted_on, deadline, today),
            )
        )
    return rows


def timeliness_counts(rows: list[UnitRow]) -> list[tuple[str, str, int]]:
    """(value, label, count) for every timeliness, in the enum's order."""
    return [(t.value, t.label, sum(1 for r in rows if r.timeliness == t)) for t in Timeliness]
