"""Staff review of the quarterly reports: every agency's state, deadline and timeliness for a quarter
(the monthly review list's rules), one agency's report with approve / return."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.periods import next_quarter, previous_quarter, quarter_label
from units.models import Unit

from ..deadlines import report_deadline, synthesis_deadline
from ..forms import DecisionForm
from ..models import PlanSynthesis
from ..services import completeness, status, transitions
from .common import current_quarter, quarter_or_404, require_staff
from .reporting import task_cards


@login_required
def review_list(request, quarter=None):
    require_staff(request.user)
    quarter = quarter_or_404(quarter or request.GET.get("quarter") or current_quarter())
    plan = transitions.plan_of(quarter)
    rows = completeness.quarter_overview(plan, quarter) if plan else []
    return render(
        request,
        "plans/review_list.html",
        {
            "plan": plan,
            "quarter": quarter,
            "rows": rows,
            "counts": completeness.timeliness_counts(rows),
            "deadline": report_deadline(quarter),
            "synthesis_deadline": synthesis_deadline(quarter),
            "published": PlanSynthesis.objects.filter(quarter=quarter).order_by("-version").first(),
            "previous_quarter": previous_quarter(quarter),
            "next_quarter": next_quarter(quarter),
        },
    )


@login_required
def review_detail(request, unit, quarter):
    require_staff(request.user)
    unit = get_object_or_404(Unit, code=unit)
    quarter = quarter_or_404(quarter)
    plan = transitions.plan_of(quarter)
    if plan is None:
        raise Http404(f"Chưa có kế hoạch hoạt động năm {quarter[:4]}.")
    tasks = list(status.tasks_queryset().filter(plan=plan, unit=unit))
    report = transitions.get_report(unit, quarter)
    return render(
        request,
        "plans/review_detail.html",
        {
            "unit": unit,
            "plan": plan,
            "quarter": quarter,
            "report": report,
            "deadline": report.deadline if report else report_deadline(quarter),
            "cards": task_cards(request, tasks, report, quarter) if tasks else [],
            "form": DecisionForm(initial={"version": report.version if report else ""}),
        },
    )


@login_required
@require_POST
def decide(request, unit, quarter, action):
    require_staff(request.user)
    unit = get_object_or_404(Unit, code=unit)
    quarter = quarter_or_404(quarter)
    form = DecisionForm(request.POST)
    form.is_valid()
    version = form.cleaned_data.get("version")
    label = f"{quarter_label(quarter)} của {unit.name}"
    try:
        if action == "approve":
            transitions.approve(unit, quarter, user=request.user, version=version)
            messages.success(request, f"Đã duyệt báo cáo {label}.")
        elif action == "return":
            transitions.return_report(
                unit, quarter, user=request.user, comment=form.cleaned_data.get("comment", ""), version=version
            )
            messages.success(request, f"Đã trả lại báo cáo {label}.")
        else:
            raise Http404()
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("plans:review_detail", unit=unit.code, quarter=quarter)
