"""Pages of the monthly entry and review: a unit's form for a period, the staff's table form for one
indicator group, the review list and decisions, history panels and evidence downloads.

Views only route: reading and checking rows is `entry.services.rows`, transitions
`entry.services.transitions`, deadlines `indicators.deadlines`, writes `indicators.services.record_values`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.periods import PeriodError, add_months, parse_period, period_label
from core.roles import Role, role_of
from indicators import deadlines, publication
from indicators.choices import GROUP_LABELS
from indicators.models import DataValue, Indicator, SubmissionState
from units.models import Unit

from .forms import DecisionForm, EvidenceForm, PeriodPickForm, QueueFilterForm
from .services import completeness, transitions
from .services import evidence as evidence_service
from .services import history as history_service
from .services import queue as queue_service
from .services import rows as svc


def _period(text: str) -> str:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise Http404(str(exc)) from None


def _require_staff(user) -> None:
    if role_of(user) != Role.STAFF:
        raise PermissionDenied("Chỉ cán bộ Sở TT&TT được dùng trang này.")


def _writable_unit(user, code: str) -> Unit:
    unit = get_object_or_404(Unit, code=code)
    if not Unit.objects.writable_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("Bạn không có quyền nhập số liệu cho đơn vị này.")
    return unit


@login_required
def entry_home(request):
    """Pick a unit (a reporter's own, any for staff) and a period."""
    units = Unit.objects.writable_by(request.user).order_by("level", "order", "code")
    if role_of(request.user) not in (Role.STAFF, Role.REPORTER):
        raise PermissionDenied("Tài khoản chỉ có quyền xem số liệu.")
    own = list(units[:50]) if role_of(request.user) == Role.REPORTER else []
    # The month that needs the user: a returned report, a draft, the month being reported (issue 17).
    today = timezone.localdate()
    period = queue_service.reporter_period(own, today) if own else queue_service.staff_period(today)
    form = PeriodPickForm(request.GET or None, units=units, initial={"period": period})
    if request.GET and form.is_valid():
        return redirect(
            "entry:unit_form", unit=form.cleaned_data["unit"].code, period=form.cleaned_data["period"]
        )
    rows = completeness.period_overview(period, units=own) if own else []
    groups = sorted(
        {i.group for i in Indicator.objects.all()},
        key=lambda g: list(GROUP_LABELS).index(g) if g in GROUP_LABELS else 99,
    )
    return render(
        request,
        "entry/entry_home.html",
        {
            "form": form,
            "rows": rows,
            "period": period,
            "is_staff": role_of(request.user) == Role.STAFF,
            "groups": [(g, GROUP_LABELS.get(g, g)) for g in groups],
        },
    )


def _context(request, unit, period, rows, outcome=None, extra=None):
    sub = transitions.get_submission(unit, period)
    locked = publication.locked_keys([unit.code], [period], request.user).get((unit.code, period))
    by_group = []
    for row in rows:
        if not by_group or by_group[-1][0] != row.indicator.group:
            by_group.append(
                (row.indicator.group, GROUP_LABELS.get(row.indicator.group, row.indicator.group), [])
            )
        by_group[-1][2].append(row)
    return {
        "unit": unit,
        "period": period,
        "period_label": period_label(period),
        "groups": by_group,
        "rows": rows,
        "submission": sub,
        "deadline": sub.deadline if sub else deadlines.unit_deadline(unit, period),
        "locked": locked,
        "outcome": outcome,
        "can_submit": sub is not None and sub.state in (SubmissionState.DRAFT, SubmissionState.RETURNED),
        "is_staff": role_of(request.user) == Role.STAFF,
        "evidence_form": EvidenceForm(),
        "previous_period": add_months(period, -1),
        "next_period": add_months(period, 1),
        **(extra or {}),
    }


@login_required
def unit_form(request, unit, period):
    """A unit's indicators for a period: last period's value, target, unit of measure, the status the
    value would get; save as draft any time, submit when complete."""
    unit = _writable_unit(request.user, unit)
    period = _period(period)
    indicators = svc.indicators_for(unit)
    rows = svc.build_rows([unit], indicators, period)
    outcome = None
    if request.method == "POST":
        svc.read_post(rows, request.POST)
        outcome = svc.save_rows(rows, period, user=request.user)
        if outcome.saved and request.POST.get("action") == "submit":
            try:
                sub = transitions.get_submission(unit, period)
                transitions.submit(unit, period, user=request.user, version=sub.version if sub else None)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return redirect("entry:unit_form", unit=unit.code, period=period)
            messages.success(
                request, f"Đã gửi báo cáo {period_label(period)} của {unit.name} để Sở TT&TT duyệt."
            )
            return redirect("entry:unit_form", unit=unit.code, period=period)
        if outcome.saved:
            messages.success(request, outcome.message)
            return redirect("entry:unit_form", unit=unit.code, period=period)
    return render(request, "entry/unit_form.html", _context(request, unit, period, rows, outcome))


@login_required
@require_POST
def upload_evidence(request, unit, indicator, period):
    unit = _writable_unit(request.user, unit)
    period = _period(period)
    ind = get_object_or_404(Indicator, code=indicator)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
    else:
        try:
            evidence_service.add_evidence(ind, unit, period, form.cleaned_data["file"], user=request.user)
            messages.success(request, f"Đã thêm minh chứng cho chỉ tiêu {ind.code}.")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return redirect(reverse("entry:unit_form", args=[unit.code, period]) + f"#row-{ind.code}")


@login_required
def evidence_download(request, key):
    """Evidence is served only to users who may see its value (files are outside the static root)."""
    evidence = evidence_service.evidence_visible_to(request.user).filter(key=key).first()
    if evidence is None:
        raise Http404("Không tìm thấy minh chứng")
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(evidence.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def table_form(request, group, period):
    """Staff: one indicator group for every unit that reports it, shaped like the report's table."""
    _require_staff(request.user)
    period = _period(period)
    indicators = list(Indicator.objects.filter(group=group).order_by("order", "code"))
    if not indicators:
        raise Http404("Không có nhóm chỉ tiêu này")
    levels = {lvl for i in indicators for lvl in (i.reported_by or [])}
    units = list(Unit.objects.active().filter(level__in=levels).order_by("level", "order", "code"))
    rows = svc.build_rows(units, indicators, period)
    outcome = None
    if request.method == "POST":
        svc.read_post(rows, request.POST)
        outcome = svc.save_rows(rows, period, user=request.user)
        if outcome.saved:
            messages.success(request, outcome.message)
            return redirect("entry:table_form", group=group, period=period)
    cells = {(r.unit.pk, r.indicator.pk): r for r in rows}
    table = [(u, [cells.get((u.pk, i.pk)) for i in indicators]) for u in units]
    return render(
        request,
        "entry/table_form.html",
        {
            "group": group,
            "group_label": GROUP_LABELS.get(group, group),
            "period": period,
            "period_label": period_label(period),
            "indicators": indicators,
            "table": table,
            "outcome": outcome,
            "rows": rows,
        },
    )


# ---------------------------------------------------------------------------------------- review
@login_required
def review_list(request, period=None):
    """Staff: the approval queue of a month: the units that must report, waiting for approval first,
    with a period picker (months with data or due), filters by state and level, and the counts (before
    filters) the overview also shows; the engine's completeness rates per indicator group."""
    _require_staff(request.user)
    today = timezone.localdate()
    period = _period(period or request.GET.get("period") or queue_service.staff_period(today))
    periods = queue_service.period_choices(today)
    if period not in periods:
        periods = sorted([*periods, period], reverse=True)
    form = QueueFilterForm(
        {"period": period, "state": request.GET.get("state", ""), "level": request.GET.get("level", "")},
        periods=periods,
        states=queue_service.STATE_FILTERS,
        levels=queue_service.LEVEL_FILTERS,
    )
    form.is_valid()
    state = form.cleaned_data.get("state", "")
    level = form.cleaned_data.get("level", "")
    queue = queue_service.review_queue(period, state=state, level=level, today=today)
    return render(
        request,
        "entry/review_list.html",
        {
            "period": period,
            "period_label": period_label(period),
            "form": form,
            "queue": queue,
            "rows": queue.rows,
            "filtered": bool(state or level),
            "counts": queue.timeliness_counts,
            "engine": [
                {**c, "label": GROUP_LABELS.get(c["group"], c["group"])}
                for c in completeness.engine_completeness(period)
            ],
            "previous_period": add_months(period, -1),
            "next_period": add_months(period, 1),
        },
    )


@login_required
def review_detail(request, unit, period):
    """Staff: one unit's month: its values with status, the decision buttons and the history."""
    _require_staff(request.user)
    unit = get_object_or_404(Unit, code=unit)
    period = _period(period)
    rows = svc.build_rows([unit], svc.indicators_for(unit), period)
    history = [history_service.describe(e) for e in history_service.unit_period_history(unit.code, period)]
    sub = transitions.get_submission(unit, period)
    return render(
        request,
        "entry/review_detail.html",
        {
            "unit": unit,
            "period": period,
            "period_label": period_label(period),
            "rows": rows,
            "submission": sub,
            "deadline": sub.deadline if sub else deadlines.unit_deadline(unit, period),
            "history": history,
            "form": DecisionForm(initial={"version": sub.version if sub else ""}),
        },
    )


@login_required
@require_POST
def decide(request, unit, period, action):
    _require_staff(request.user)
    unit = get_object_or_404(Unit, code=unit)
    period = _period(period)
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    version = data.get("version")
    try:
        if action == "approve":
            transitions.approve(unit, period, user=request.user, version=version)
            messages.success(
                request, f"Đã duyệt báo cáo {period_label(period)} của {unit.name}; số liệu đã khóa."
            )
        elif action == "return":
            transitions.return_submission(
                unit, period, user=request.user, comment=data.get("text", ""), version=version
            )
            messages.success(request, f"Đã trả lại báo cáo {period_label(period)} của {unit.name}.")
        elif action == "unlock":
            transitions.unlock(unit, period, user=request.user, reason=data.get("text", ""), version=version)
            messages.success(request, f"Đã mở khóa báo cáo {period_label(period)} của {unit.name}.")
        else:
            raise Http404()
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("entry:review_detail", unit=unit.code, period=period)


@login_required
def value_history(request, indicator, unit, period):
    """The history panel of one value (who, when, channel, before → after), to whoever may see it."""
    ind = get_object_or_404(Indicator, code=indicator)
    unit_obj = get_object_or_404(Unit, code=unit)
    period = _period(period)
    visible = (
        DataValue.objects.visible_to(request.user)
        .filter(indicator=ind, unit=unit_obj, period=period)
        .exists()
    )
    if not visible and not Unit.objects.writable_by(request.user).filter(pk=unit_obj.pk).exists():
        raise Http404("Không tìm thấy số liệu")
    history = [history_service.describe(e) for e in history_service.value_history(ind.code, unit_obj.code, period)]
    return render(
        request,
        "entry/value_history.html",
        {
            "indicator": ind,
            "unit": unit_obj,
            "period": period,
            "period_label": period_label(period),
            "history": history,
        },
    )
