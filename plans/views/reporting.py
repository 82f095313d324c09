"""A member agency's quarterly report: the agency's tasks for the quarter with last quarter's report,
state, percent, what was done, difficulties and evidence per task; save as a draft any time, submit by
the deadline. Evidence is downloaded only by those who may read its report."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.periods import previous_quarter, quarter_label
from core.roles import Role, role_of
from indicators.models import DataValue
from units.models import Unit

from ..choices import WRITABLE_STATES
from ..deadlines import report_deadline
from ..forms import FILE_ACCEPT, TASK_STATE_CHOICES, PickForm, read_report_post
from ..models import PlanTask, TaskProgress
from ..rules import is_overdue
from ..services import completeness, progress, status, transitions
from .common import current_quarter, quarter_or_404, require_writer_role, writable_unit


@login_required
def report_home(request):
    """Pick an agency (a reporter's own, any for staff) and a quarter; a reporter sees its reports."""
    require_writer_role(request.user)
    quarter = current_quarter()
    plan = transitions.plan_of(quarter)
    # Any agency with tasks in some plan: a past year's quarter can still be reported or corrected.
    choices = (
        Unit.objects.writable_by(request.user)
        .filter(pk__in=PlanTask.objects.values("unit_id"))
        .order_by("order", "code")
    )
    form = PickForm(request.GET or None, units=choices, initial={"quarter": quarter})
    if request.GET and form.is_valid():
        return redirect("plans:report_form", unit=form.cleaned_data["unit"].code, quarter=form.cleaned_data["quarter"])
    own_rows = []
    if plan and role_of(request.user) == Role.REPORTER:
        mine = set(choices.values_list("pk", flat=True))
        own_rows = completeness.quarter_overview(
            plan, quarter, units=[u for u in completeness.reporting_units(plan) if u.pk in mine]
        )
    return render(
        request,
        "plans/report_home.html",
        {
            "form": form,
            "plan": plan,
            "quarter": quarter,
            "rows": own_rows,
            "deadline": report_deadline(quarter),
            "has_units": choices.exists(),
        },
    )


def task_cards(request, tasks, report, quarter, raw=None, problems=None):
    """One card per task: the task, its indicators' status, last quarter's report, this quarter's."""
    today = timezone.localdate()
    visible = TaskProgress.objects.visible_to(request.user).select_related("report").prefetch_related("evidence")
    previous = {p.task_id: p for p in visible.filter(task__in=tasks, quarter=previous_quarter(quarter))}
    current = {p.task_id: p for p in visible.filter(task__in=tasks, quarter=quarter)} if report else {}
    rows = status.task_rows(tasks, today, DataValue.objects.visible_to(request.user), upto=None)
    rows.sort(key=lambda r: (r.task.order, r.task.pk))
    cards = []
    for row in rows:
        t = row.task
        now = current.get(t.pk)
        values = (raw or {}).get(t.pk) or (
            {"state": now.state, "percent": str(now.percent), "done": now.done, "issues": now.issues}
            if now
            else {"state": "", "percent": "", "done": "", "issues": ""}
        )
        cards.append(
            {
                "row": row,
                "task": t,
                "prefix": f"t{t.pk}",
                "previous": previous.get(t.pk),
                "current": now,
                "values": values,
                "errors": (problems or {}).get(t.ref, {}),
                "overdue": is_overdue(t.due, t.latest_state, today),
            }
        )
    return cards


@login_required
def report_form(request, unit, quarter):
    unit = writable_unit(request.user, unit)
    quarter = quarter_or_404(quarter)
    plan = transitions.plan_of(quarter)
    if plan is None:
        raise Http404(f"Chưa có kế hoạch hoạt động năm {quarter[:4]}.")
    tasks = list(status.tasks_queryset().filter(plan=plan, unit=unit))
    report = transitions.get_report(unit, quarter)
    raw = problems = None
    if request.method == "POST" and tasks:
        inputs, raw = read_report_post(tasks, request.POST, request.FILES)
        version = request.POST.get("version") or None
        try:
            if inputs:
                result = progress.save_progress(
                    unit, quarter, inputs, user=request.user, version=int(version) if version else None
                )
                report = result.report
                saved = f"Đã lưu {len(result.changed)} nhiệm vụ" + (f" và {result.files} minh chứng" if result.files else "")
            else:
                saved = ""
            if request.POST.get("action") == "submit":
                transitions.submit(unit, quarter, user=request.user)
                messages.success(request, f"Đã gửi báo cáo {quarter_label(quarter)} của {unit.name} để Sở TT&TT duyệt.")
            elif saved:
                messages.success(request, saved + ".")
            else:
                messages.info(request, "Chưa nhập nội dung nào.")
            return redirect("plans:report_form", unit=unit.code, quarter=quarter)
        except progress.ProgressInvalid as exc:
            problems = exc.problems
            report = transitions.get_report(unit, quarter)
        except ValidationError as exc:  # WorkflowError (locked, stale, incomplete) or a return
            messages.error(request, exc.messages[0])
            return redirect("plans:report_form", unit=unit.code, quarter=quarter)
    lock = transitions.lock_reason(report, request.user)
    not_yet = quarter > current_quarter()
    return render(
        request,
        "plans/report_form.html",
        {
            "unit": unit,
            "plan": plan,
            "quarter": quarter,
            "report": report,
            "deadline": report.deadline if report else report_deadline(quarter),
            "cards": task_cards(request, tasks, report, quarter, raw, problems),
            "general_errors": (problems or {}).get("", {}),
            "problems": problems,
            "locked": lock,
            "not_yet": not_yet,
            "editable_form": not lock and not not_yet,
            "can_submit": report is None or report.state in WRITABLE_STATES,
            "state_choices": TASK_STATE_CHOICES,
            "accept": FILE_ACCEPT,
            "previous_quarter": previous_quarter(quarter),
        },
    )


@login_required
def evidence_download(request, key):
    evidence = progress.evidence_visible_to(request.user).filter(key=key).first()
    if evidence is None:
        raise Http404("Không tìm thấy minh chứng")
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(evidence.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_delete(request, key):
    evidence = (
        progress.evidence_visible_to(request.user)
        .select_related("progress__report__unit", "progress__task__plan")
        .filter(key=key)
        .first()
    )
    if evidence is None:
        raise Http404("Không tìm thấy minh chứng")
    report = evidence.progress.report
    name = evidence.filename
    try:
        progress.remove_evidence(evidence, user=request.user)
        messages.success(request, f'Đã xóa minh chứng "{name}".')
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(
        reverse("plans:report_form", args=[report.unit.code, report.quarter]) + f"#task-{evidence.progress.task.ref}"
    )
