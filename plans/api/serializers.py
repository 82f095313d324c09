"""JSON of the plan API. Codes, not ids, for units and indicators; a task is addressed by its id.

The `*_item` functions build the answers; the Serializer classes describe them for the OpenAPI schema
(Swagger) and are not used to render.
"""

from __future__ import annotations

from rest_framework import serializers

from ..choices import ReportState, TaskState
from ..models import PlanTask, TaskProgress
from ..services.completeness import UnitRow


def latest_item(task: PlanTask) -> dict | None:
    if task.latest_state is None:
        return None
    return {"quarter": task.latest_quarter, "state": task.latest_state, "percent": task.latest_percent}


def task_item(task: PlanTask) -> dict:
    """A list item: exactly the fields the issue names (other systems rely on them)."""
    return {
        "id": task.pk,
        "year": task.plan.year,
        "unit": task.unit.code,
        "title": task.title,
        "text": task.text,
        "due": task.due.isoformat() if task.due else None,
        "indicators": [i.code for i in task.indicators.all()],
        "latest": latest_item(task),
    }


def progress_item(progress: TaskProgress) -> dict:
    report = progress.report
    return {
        "quarter": progress.quarter,
        "state": progress.state,
        "state_label": progress.get_state_display(),
        "percent": progress.percent,
        "done": progress.done,
        "issues": progress.issues,
        "approval": report.state,
        "approval_label": report.get_state_display(),
        "author": progress.author.username if progress.author else None,
        "updated_at": progress.updated_at.isoformat(),
        "evidence": [{"key": str(e.key), "filename": e.filename, "content_type": e.content_type, "size": e.size}
                     for e in progress.evidence.all()],
    }


def report_item(row: UnitRow) -> dict:
    report = row.report
    return {
        "unit": row.unit.code,
        "unit_name": row.unit.name,
        "quarter": row.quarter,
        "state": report.state if report else None,
        "state_label": row.state_label,
        "deadline": row.deadline.isoformat(),
        "timeliness": row.timeliness,
        "timeliness_label": row.timeliness_label,
        "submitted_at": report.submitted_at.isoformat() if report and report.submitted_at else None,
        "submitted_by": report.submitted_by.username if report and report.submitted_by else None,
        "decided_at": report.decided_at.isoformat() if report and report.decided_at else None,
        "decided_by": report.decided_by.username if report and report.decided_by else None,
        "comment": report.comment if report else "",
        "version": report.version if report else None,
        "tasks": row.tasks,
        "filled": row.filled,
    }


# ------------------------------------------------------------------------------ schema (OpenAPI)
class PlanTaskLatestSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text="YYYY-Qn")
    state = serializers.ChoiceField(choices=TaskState.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)


class PlanTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    unit = serializers.CharField(help_text="mã cơ quan thực hiện")
    title = serializers.CharField()
    text = serializers.CharField(help_text="nội dung nhiệm vụ như in trong kế hoạch")
    due = serializers.DateField(allow_null=True, help_text="thời hạn (ngày cuối cùng còn đúng hạn)")
    indicators = serializers.ListField(child=serializers.CharField(), help_text="mã các chỉ tiêu KH57 phục vụ")
    latest = PlanTaskLatestSerializer(allow_null=True, help_text="báo cáo quý gần nhất đã được Sở TT&TT duyệt")


class PlanTaskPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PlanTaskSerializer(many=True)


class PlanEvidenceSerializer(serializers.Serializer):
    key = serializers.UUIDField(help_text="tải về: /ke-hoach/minh-chung/<key>/ (cho người được xem báo cáo)")
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class PlanProgressSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    state = serializers.ChoiceField(choices=TaskState.choices)
    state_label = serializers.CharField()
    percent = serializers.IntegerField()
    done = serializers.CharField()
    issues = serializers.CharField()
    approval = serializers.ChoiceField(choices=ReportState.choices, help_text="trạng thái duyệt của báo cáo quý")
    approval_label = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()
    evidence = PlanEvidenceSerializer(many=True)


class PlanTaskDetailSerializer(PlanTaskSerializer):
    ref = serializers.CharField(help_text="số thứ tự trong kế hoạch, ví dụ IV.2.2")
    section = serializers.CharField()
    kind = serializers.CharField(help_text="committee (mục III) hoặc assigned (mục IV)")
    pillar = serializers.CharField()
    unit_name = serializers.CharField()
    overdue = serializers.BooleanField()
    history = PlanProgressSerializer(many=True, help_text="các báo cáo quý bạn được xem, quý mới nhất trước")


class PlanProgressInputSerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text="YYYY-Qn, ví dụ 2023-Q3")
    state = serializers.ChoiceField(choices=TaskState.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    done = serializers.CharField(required=False, help_text="kết quả thực hiện")
    issues = serializers.CharField(required=False, help_text="khó khăn, vướng mắc, đề xuất")
    version = serializers.IntegerField(required=False, help_text="phiên bản báo cáo quý bạn đã xem (409 nếu cũ)")


class PlanProgressAnswerSerializer(PlanProgressSerializer):
    task = serializers.IntegerField()
    report_version = serializers.IntegerField()


class PlanReportSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    quarter = serializers.CharField()
    state = serializers.CharField(allow_null=True, help_text="draft, submitted, returned, approved")
    state_label = serializers.CharField()
    deadline = serializers.DateField()
    timeliness = serializers.CharField(help_text="on_time, late, waiting, missing")
    timeliness_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    comment = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    tasks = serializers.IntegerField(help_text="số nhiệm vụ của cơ quan trong kế hoạch")
    filled = serializers.IntegerField(help_text="số nhiệm vụ đã có báo cáo trong quý")


class PlanReportListSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    count = serializers.IntegerField()
    results = PlanReportSerializer(many=True)


class PlanTransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="phiên bản bạn đã xem (409 nếu cũ)")
    comment = serializers.CharField(required=False, help_text="Lý do trả lại (bắt buộc khi trả lại báo cáo)")


class PlanErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
