"""The Sở TT&TT's quarterly synthesis for the head of the committee (§V of the plan), as a document dict:
who reported and when, the tasks overdue or blocked first, each agency's tasks with state, percent,
what was done and difficulties, the KH57 indicators each task serves with their latest status, the
committee's own activities and the counts by state and agency. The opening paragraph is generated
from the same data; no number in it is typed.

The draft is composed from the live data each time it is shown; publishing freezes the dict in a
`PlanSynthesis` version, which every later rendering (HTML, DOCX, PDF) reads instead.

Only approved reports count: a task's state for the quarter is its approved report of that quarter,
or of the latest earlier quarter (said so in the table), or "chưa có báo cáo được duyệt".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.numbers import format_measure, format_number
from core.periods import quarter_label, quarter_last_day, quarter_last_month
from core.timeliness import Timeliness
from indicators.choices import Status
from indicators.models import AuditEntry, DataValue

from ..choices import ReportState, TaskKind, TaskState
from ..deadlines import report_deadline, synthesis_deadline
from ..models import Plan, PlanSynthesis, TaskProgress
from ..rules import is_overdue
from .completeness import quarter_overview
from .status import indicator_statuses, tasks_queryset

NO_REPORT = "Chưa có báo cáo được duyệt"
DASH = "–"


@dataclass
class TaskLine:
    task: object
    progress: TaskProgress | None  # the approved report shown (this quarter's or the latest earlier one)
    overdue: bool
    indicators: list

    @property
    def state(self) -> str | None:
        return self.progress.state if self.progress else None

    @property
    def late_or_blocked(self) -> bool:
        return self.overdue or self.state == TaskState.BLOCKED


def as_of(quarter: str, today: datetime.date | None = None) -> datetime.date:
    """The date the synthesis speaks of: today, or the quarter's last day once the quarter is over."""
    return min(today or timezone.localdate(), quarter_last_day(quarter))


def task_lines(plan: Plan, quarter: str, day: datetime.date) -> list[TaskLine]:
    tasks = list(tasks_queryset().filter(plan=plan))
    approved = {}
    for p in (
        TaskProgress.objects.filter(task__plan=plan, quarter__lte=quarter, report__state=ReportState.APPROVED)
        .select_related("report")
        .order_by("task_id", "quarter")
    ):
        approved[p.task_id] = p  # the last one (latest quarter) wins
    statuses = indicator_statuses(
        {i for t in tasks for i in t.indicators.all()}, DataValue.objects.published(), upto=quarter_last_month(quarter)
    )
    lines = []
    for t in tasks:
        p = approved.get(t.pk)
        lines.append(
            TaskLine(t, p, is_overdue(t.due, p.state if p else None, day), [statuses[i.pk] for i in t.indicators.all()])
        )
    return lines


def _counts(lines: list[TaskLine]) -> dict[str, int]:
    out = {state: sum(1 for line in lines if line.state == state) for state in TaskState.values}
    out["none"] = sum(1 for line in lines if line.state is None)
    out["overdue"] = sum(1 for line in lines if line.overdue)
    out["total"] = len(lines)
    return out


def opening(quarter: str, units: dict[str, int], tasks: dict[str, int], committee: dict[str, int]) -> str:
    """The opening paragraph, every number from the counts."""
    n = format_number
    text = f"Trong {quarter_label(quarter)}, {n(units['on_time'])}/{n(units['total'])} cơ quan đã báo cáo đúng hạn"
    extra = []
    if units["late"]:
        extra.append(f"{n(units['late'])} cơ quan báo cáo trễ hạn")
    if units["missing"] + units["waiting"]:
        extra.append(f"{n(units['missing'] + units['waiting'])} cơ quan chưa gửi báo cáo")
    text += (", " + ", ".join(extra) if extra else "") + "; "
    parts = [f"{n(tasks[TaskState.IN_PROGRESS])}/{n(tasks['total'])} nhiệm vụ được phân công đang triển khai"]
    parts.append(f"{n(tasks[TaskState.DONE])} hoàn thành")
    if tasks[TaskState.BLOCKED]:
        parts.append(f"{n(tasks[TaskState.BLOCKED])} gặp vướng mắc")
    if tasks[TaskState.NOT_STARTED]:
        parts.append(f"{n(tasks[TaskState.NOT_STARTED])} chưa triển khai")
    if tasks["none"]:
        parts.append(f"{n(tasks['none'])} chưa có báo cáo được duyệt")
    text += ", ".join(parts)
    text += (
        f"; {n(tasks['overdue'])} nhiệm vụ chậm so với kế hoạch (đã quá thời hạn mà chưa hoàn thành)."
        if tasks["overdue"]
        else "; không có nhiệm vụ nào chậm so với kế hoạch."
    )
    if committee["total"]:
        text += (
            f" Về hoạt động của Ban Chỉ đạo, {n(committee[TaskState.DONE])}/{n(committee['total'])} hoạt động đã "
            f"hoàn thành, {n(committee[TaskState.IN_PROGRESS])} đang triển khai."
        )
    return text


# ---------------------------------------------------------------------------------------- cells
def state_text(line: TaskLine, quarter: str) -> str:
    if line.progress is None:
        return NO_REPORT
    text = str(line.progress.get_state_display())
    if line.progress.quarter != quarter:
        text += f" (theo báo cáo {quarter_label(line.progress.quarter)})"
    if line.overdue:
        text += "; quá hạn"
    return text


def percent_text(line: TaskLine) -> str:
    return f"{line.progress.percent}%" if line.progress else DASH


def due_text(task) -> str:
    return task.due.strftime("%d/%m/%Y") if task.due else DASH


def indicator_text(statuses) -> str:
    parts = []
    for s in statuses:
        if s.period is None:
            parts.append(f"{s.code}: chưa có số liệu")
            continue
        label = Status(s.status).label if s.status in Status.values else ""
        value = format_measure(s.value, s.measure)
        parts.append(f"{s.code}: {value} ({s.period_label}{', ' + label.lower() if label else ''})")
    return "; ".join(parts) or DASH


def _header(*labels) -> list[list[dict]]:
    return [[{"text": t, "colspan": 1, "rowspan": 1} for t in labels]]


def task_table(key: str, lines: list[TaskLine], quarter: str, with_unit: bool = False) -> dict:
    labels = ["Mục", "Nhiệm vụ", *(["Cơ quan"] if with_unit else []), "Thời hạn", "Tình trạng", "Tỷ lệ hoàn thành",
              "Kết quả thực hiện", "Khó khăn, vướng mắc, đề xuất", "Chỉ tiêu KH57 phục vụ"]
    rows = []
    for line in lines:
        t = line.task
        cells = [t.ref, t.title, *([t.unit.display_name] if with_unit else []), due_text(t), state_text(line, quarter),
                 percent_text(line), line.progress.done if line.progress else "",
                 line.progress.issues if line.progress else "", indicator_text(line.indicators)]
        rows.append({"key": t.ref, "cells": [c or DASH for c in cells]})
    align = ["left"] * len(labels)
    align[labels.index("Tỷ lệ hoàn thành")] = "right"
    widths = [7, 20, *([10] if with_unit else []), 9, 12, 7, 17, 15, 15]
    return {"type": "table", "key": key, "columns": labels, "header": _header(*labels), "rows": rows,
            "align": align, "widths": widths, "small": True}


def _first_late(lines: list[TaskLine]) -> list[TaskLine]:
    return sorted(lines, key=lambda line: (not line.late_or_blocked, line.task.order, line.task.pk))


def _report_table(rows) -> dict:
    labels = ["STT", "Cơ quan", "Nhiệm vụ phải báo cáo", "Đã báo cáo", "Trạng thái báo cáo", "Ngày gửi", "Đúng hạn"]
    out = []
    for number, row in enumerate(rows, start=1):
        sent = row.report.submitted_at if row.report else None
        out.append(
            {
                "key": row.unit.code,
                "cells": [str(number), row.unit.name, format_number(row.tasks), format_number(row.filled),
                          str(row.state_label), timezone.localtime(sent).strftime("%d/%m/%Y") if sent else DASH,
                          str(row.timeliness_label)],
            }
        )
    return {"type": "table", "key": "reports", "columns": labels, "header": _header(*labels), "rows": out,
            "align": ["right", "left", "right", "right", "left", "left", "left"], "small": True}


COUNT_COLUMNS = [
    (TaskState.DONE, "Hoàn thành"),
    (TaskState.IN_PROGRESS, "Đang triển khai"),
    (TaskState.BLOCKED, "Gặp vướng mắc"),
    (TaskState.NOT_STARTED, "Chưa triển khai"),
    ("none", NO_REPORT),
    ("overdue", "Quá hạn"),
]


def _count_table(by_unit: list[tuple[object, dict]], total: dict) -> dict:
    labels = ["Cơ quan", "Số nhiệm vụ", *[label for _k, label in COUNT_COLUMNS]]
    rows = [
        {"key": unit.code, "cells": [unit.name, format_number(c["total"]), *[format_number(c[k]) for k, _l in COUNT_COLUMNS]]}
        for unit, c in by_unit
    ]
    rows.append(
        {"key": "total", "total": True,
         "cells": ["Tổng cộng", format_number(total["total"]), *[format_number(total[k]) for k, _l in COUNT_COLUMNS]]}
    )
    return {"type": "table", "key": "counts", "columns": labels, "header": _header(*labels), "rows": rows,
            "align": ["left", *["right"] * (len(labels) - 1)], "small": True}


def _paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def compose_document(plan: Plan, quarter: str, *, today: datetime.date | None = None, number: str = "") -> dict:
    """The synthesis of ``quarter`` as it stands on ``today`` (by default the local date)."""
    day = as_of(quarter, today)
    reports = quarter_overview(plan, quarter, day)
    lines = task_lines(plan, quarter, day)
    assigned = [line for line in lines if line.task.kind == TaskKind.ASSIGNED]
    committee = [line for line in lines if line.task.kind == TaskKind.COMMITTEE]
    units = {t.value: sum(1 for r in reports if r.timeliness == t) for t in Timeliness} | {"total": len(reports)}
    counts = {"units": units, "tasks": _counts(assigned), "committee": _counts(committee)}

    by_unit: dict[int, list[TaskLine]] = {}
    for line in assigned:
        by_unit.setdefault(line.task.unit_id, []).append(line)
    order = [r.unit for r in reports if r.unit.pk in by_unit]
    agency_sections = [
        {
            "number": str(i),
            "key": f"co-quan-{unit.code}",
            "title": unit.name,
            "blocks": [task_table(f"tasks-{unit.code}", _first_late(by_unit[unit.pk]), quarter)],
        }
        for i, unit in enumerate(order, start=1)
    ]
    late = [line for line in assigned + committee if line.late_or_blocked]
    late_blocks = (
        [task_table("late", _first_late(late), quarter, with_unit=True)]
        if late
        else [_paragraph("Không có nhiệm vụ nào quá hạn hoặc gặp vướng mắc.")]
    )
    per_unit_counts = [(unit, _counts(by_unit[unit.pk])) for unit in order]
    deadline = report_deadline(quarter)
    return {
        "kind": "plan_synthesis",
        "year": plan.year,
        "quarter": quarter,
        "quarter_label": quarter_label(quarter),
        "as_of": day.isoformat(),
        "organisation": ["UBND TỈNH BÌNH PHƯỚC", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"],
        "title": "BÁO CÁO",
        "subtitle": (
            f"Tình hình thực hiện {plan.title}{f' ({plan.number})' if plan.number else ''}, {quarter_label(quarter)}"
        ),
        "number": number or "…/BC-STTTT",
        "issue_date_text": f"Bình Phước, ngày {day.day} tháng {day.month} năm {day.year}",
        "recipient": "Kính gửi: Trưởng Ban Chỉ đạo về chuyển đổi số tỉnh",
        "opening": opening(quarter, units, counts["tasks"], counts["committee"]),
        "counts": counts,
        "parts": [
            {
                "kind": "data",
                "title": "Tình hình báo cáo của các cơ quan",
                "sections": [
                    {
                        "number": "1",
                        "key": "bao-cao",
                        "title": f"Các cơ quan gửi báo cáo (hạn gửi: trước ngày {(deadline + datetime.timedelta(days=1)):%d/%m/%Y})",
                        "blocks": [_report_table(reports)],
                    },
                    {"number": "2", "key": "tong-hop", "title": "Nhiệm vụ được phân công theo tình trạng và cơ quan",
                     "blocks": [_count_table(per_unit_counts, counts["tasks"])]},
                ],
            },
            {
                "kind": "data",
                "title": "Nhiệm vụ quá hạn hoặc gặp vướng mắc",
                "sections": [{"number": "1", "key": "cham-tien-do", "title": "Cần Ban Chỉ đạo quan tâm chỉ đạo",
                              "blocks": late_blocks}],
            },
            {"kind": "data", "title": "Kết quả thực hiện nhiệm vụ được phân công", "sections": agency_sections},
            {
                "kind": "data",
                "title": "Hoạt động của Ban Chỉ đạo",
                "sections": [{"number": "1", "key": "ban-chi-dao", "title": "Các hoạt động tại mục III của Kế hoạch",
                              "blocks": [task_table("committee", _first_late(committee), quarter)]}],
            },
        ],
        "closing": (
            "Sở Thông tin và Truyền thông (Cơ quan Thường trực Ban Chỉ đạo) kính báo cáo Trưởng Ban Chỉ đạo xem xét, "
            "chỉ đạo./."
        ),
        "signature": {"organisation": "GIÁM ĐỐC", "title": "", "name": ""},
        "synthesis_deadline": synthesis_deadline(quarter).isoformat(),
    }


def latest_published(quarter: str) -> PlanSynthesis | None:
    return PlanSynthesis.objects.filter(quarter=quarter).order_by("-version").first()


def publish(plan: Plan, quarter: str, *, user, number: str = "") -> PlanSynthesis:
    """Freeze the synthesis as it stands now in a new version (the newest is the one served)."""
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)  # one publication at a time per plan
        version = (PlanSynthesis.objects.filter(quarter=quarter).aggregate(v=Max("version"))["v"] or 0) + 1
        document = compose_document(plan, quarter, number=number.strip())
        synthesis = PlanSynthesis.objects.create(
            plan=plan, quarter=quarter, version=version, number=number.strip(), document=document, published_by=user
        )
        AuditEntry.objects.create(
            action="plans.synthesis.published",
            user=user if getattr(user, "pk", None) else None,
            object_type="plan_synthesis",
            object_key=f"{quarter}/{version}",
            after={"number": synthesis.number, "counts": document["counts"]},
            source="form",
        )
    return synthesis
