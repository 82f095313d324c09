"""The plan's dashboard `/ke-hoach/<year>/` (tasks by agency and state, overdue first, filters by
agency, state and pillar) and a task's page with its history of quarterly reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from indicators.models import DataValue

from ..choices import TaskKind, TaskState
from ..filtersets import PlanTaskFilterSet
from ..forms import DashboardFilterForm
from ..models import Plan, TaskProgress
from ..services import completeness, status
from ..services.overview import progress_text
from .common import current_quarter, is_staff, plan_or_404


@login_required
def home(request):
    """The plan of this year (or the latest one), or a page saying there is none yet."""
    today = timezone.localdate()
    plan = Plan.objects.filter(year__lte=today.year).order_by("-year").first() or Plan.objects.order_by("year").first()
    if plan is None:
        return render(request, "plans/plan_none.html", {"is_staff": is_staff(request.user)})
    return redirect("plans:dashboard", year=plan.year)


@login_required
def dashboard(request, year):
    plan = plan_or_404(year)
    today = timezone.localdate()
    base = status.tasks_queryset().filter(plan=plan)
    data = request.GET.copy()
    data.pop("year", None)
    filters = PlanTaskFilterSet(data, queryset=base, today=today)
    every = status.task_rows(base, today)
    rows = status.task_rows(filters.qs if filters.is_valid() else base, today, DataValue.objects.visible_to(request.user))
    units = completeness.reporting_units(plan)
    quarter = current_quarter()
    return render(
        request,
        "plans/plan_dashboard.html",
        {
            "plan": plan,
            "rows": rows,
            "filtered": bool(data) and filters.is_valid(),
            "filter_errors": [] if filters.is_valid() else [e for errs in filters.errors.values() for e in errs],
            "form": DashboardFilterForm(data or None, units=units),
            "summary": progress_text(
                [(r.task.latest_state, r.task.due) for r in status.assigned(every)], today
            ),
            "committee": status.state_counts(status.committee(every)),
            "committee_total": len(status.committee(every)),
            "agencies": status.by_agency(status.assigned(every)),
            "states": TaskState.choices,
            "quarter": quarter if int(quarter[:4]) == plan.year else f"{plan.year}-Q4",
            "years": list(Plan.objects.order_by("-year").values_list("year", flat=True)),
            "today": today,
            "committee_kind": TaskKind.COMMITTEE,
        },
    )


@login_required
def task_detail(request, year, ref):
    task = get_object_or_404(status.tasks_queryset(), plan__year=year, ref=ref)
    today = timezone.localdate()
    row = status.task_rows([task], today, DataValue.objects.visible_to(request.user))[0]
    return render(
        request,
        "plans/task_detail.html",
        {
            "row": row,
            "task": task,
            "history": status.history(task, TaskProgress.objects.visible_to(request.user)),
        },
    )
