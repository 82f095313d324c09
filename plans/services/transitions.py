"""A member agency's quarterly report on its tasks, as it moves like a month of data: draft → submitted →
approved, or returned with a comment and submitted again. Staff may also return an approved report
(with a reason) to have it corrected.

Services here never see a request. Every transition writes an AuditEntry (object_type "plan_report",
key ``UNIT/YYYY-Qn``), which also moves the pages' data version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.periods import quarter_label, quarter_year
from core.roles import Role, role_of
from indicators.models import AuditEntry
from units.models import Unit

from ..choices import ReportState
from ..deadlines import report_deadline
from ..models import Plan, PlanTask, QuarterReport, TaskProgress

R = ReportState


class WorkflowError(ValidationError):
    """A transition not allowed from the current state, or a report that refuses writes (409)."""


class StaleVersion(WorkflowError):
    """The caller acted on an older version of the report than the stored one."""


LOCKED_MESSAGE = (
    "Báo cáo {quarter} của {unit} đã được duyệt và khóa; liên hệ Sở TT&TT nếu cần trả lại để sửa."
)
SUBMITTED_MESSAGE = "Báo cáo {quarter} của {unit} đã gửi duyệt; chờ Sở TT&TT duyệt hoặc trả lại để sửa."


def plan_of(quarter: str) -> Plan | None:
    return Plan.objects.filter(year=quarter_year(quarter)).first()


def tasks_of(plan: Plan, unit: Unit) -> list[PlanTask]:
    return list(PlanTask.objects.filter(plan=plan, unit=unit).order_by("order", "id"))


def get_report(unit: Unit, quarter: str, *, lock: bool = False) -> QuarterReport | None:
    qs = QuarterReport.objects.select_related("unit", "plan", "submitted_by", "decided_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.filter(unit=unit, quarter=quarter).first()


def open_report(plan: Plan, unit: Unit, quarter: str, *, user, source: str) -> QuarterReport:
    """The unit's report for the quarter, locked for this transaction; created as a draft (with the
    deadline in force today) on the first write."""
    report = get_report(unit, quarter, lock=True)
    if report is not None:
        return report
    try:
        with transaction.atomic():
            report = QuarterReport.objects.create(
                plan=plan, unit=unit, quarter=quarter, state=R.DRAFT, deadline=report_deadline(quarter)
            )
    except IntegrityError:  # created by a concurrent first write
        return get_report(unit, quarter, lock=True)
    _audit("created", report, user, None, source=source)
    return report


def lock_reason(report: QuarterReport | None, user) -> str:
    """Why this report refuses writes from ``user`` ("" when it accepts them): approved reports are
    locked for everyone; a submitted one for reporters (staff may still correct what they review)."""
    if report is None:
        return ""
    if report.state == R.APPROVED or (report.state == R.SUBMITTED and role_of(user) != Role.STAFF):
        template = LOCKED_MESSAGE if report.state == R.APPROVED else SUBMITTED_MESSAGE
        return template.format(quarter=quarter_label(report.quarter), unit=report.unit.name)
    return ""


def check_writer(user, unit: Unit) -> None:
    if not Unit.objects.writable_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"Bạn không có quyền báo cáo nhiệm vụ của đơn vị '{unit.name}'.")


def _check_staff(user) -> None:
    if role_of(user) != Role.STAFF:
        raise PermissionDenied("Chỉ cán bộ Sở TT&TT được duyệt hoặc trả lại báo cáo.")


def _check_version(report: QuarterReport, version: int | None) -> None:
    if version is not None and int(version) != report.version:
        raise StaleVersion(
            f"Báo cáo {report.label} đã thay đổi (bạn đang xem phiên bản {version}, hiện tại là "
            f"phiên bản {report.version}); hãy tải lại trang."
        )


def _state_error(report: QuarterReport | None, unit: Unit, quarter: str, doing: str) -> WorkflowError:
    state = report.get_state_display().lower() if report else "chưa có báo cáo"
    return WorkflowError(
        f"Không thể {doing} báo cáo {quarter_label(quarter)} của {unit.name}: báo cáo đang ở trạng thái {state}."
    )


def missing_tasks(report: QuarterReport) -> list[str]:
    """The refs of the unit's tasks that have no progress in the report yet."""
    have = set(TaskProgress.objects.filter(report=report).values_list("task_id", flat=True))
    return [t.ref for t in tasks_of(report.plan, report.unit) if t.pk not in have]


def submit(unit: Unit, quarter: str, *, user, version: int | None = None, source: str = "form") -> QuarterReport:
    """draft or returned → submitted. Every task of the unit must have its progress for the quarter."""
    check_writer(user, unit)
    with transaction.atomic():
        report = get_report(unit, quarter, lock=True)
        if report is None or report.state not in (R.DRAFT, R.RETURNED):
            raise _state_error(report, unit, quarter, "gửi")
        _check_version(report, version)
        missing = missing_tasks(report)
        if missing:
            raise WorkflowError(
                f"Chưa báo cáo đủ nhiệm vụ: còn thiếu {len(missing)} nhiệm vụ ({', '.join(missing)})."
            )
        verb = "resubmitted" if report.state == R.RETURNED else "submitted"
        return _move(report, R.SUBMITTED, verb, user, source=source)


def approve(unit: Unit, quarter: str, *, user, version: int | None = None, source: str = "form") -> QuarterReport:
    """submitted → approved: the report is what the Ban Chỉ đạo reads, and locked."""
    _check_staff(user)
    with transaction.atomic():
        report = get_report(unit, quarter, lock=True)
        if report is None or report.state != R.SUBMITTED:
            raise _state_error(report, unit, quarter, "duyệt")
        _check_version(report, version)
        report.comment = ""
        return _move(report, R.APPROVED, "approved", user, source=source, decided=True)


def return_report(
    unit: Unit, quarter: str, *, user, comment: str, version: int | None = None, source: str = "form"
) -> QuarterReport:
    """submitted (or approved) → returned, with the reviewer's comment for the agency."""
    _check_staff(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Hãy ghi rõ lý do trả lại báo cáo."})
    if "\x00" in comment:
        raise ValidationError({"comment": "Chứa ký tự không hợp lệ (NUL)."})
    with transaction.atomic():
        report = get_report(unit, quarter, lock=True)
        if report is None or report.state not in (R.SUBMITTED, R.APPROVED):
            raise _state_error(report, unit, quarter, "trả lại")
        _check_version(report, version)
        report.comment = comment
        return _move(report, R.RETURNED, "returned", user, source=source, decided=True, note=comment)


def _move(report, state, verb, user, *, source, decided=False, note="") -> QuarterReport:
    before = report.state
    report.state = state
    report.version += 1
    now = timezone.now()
    if state == R.SUBMITTED:
        report.submitted_at, report.submitted_by = now, user
        report.decided_at = report.decided_by = None
    if decided:
        report.decided_at, report.decided_by = now, user
    report.save()
    _audit(verb, report, user, before, source=source, note=note)
    return report


def _audit(verb, report, user, before_state, *, source, note="") -> None:
    AuditEntry.objects.create(
        action=f"plans.report.{verb}",
        user=user if getattr(user, "pk", None) else None,
        object_type="plan_report",
        object_key=f"{report.unit.code}/{report.quarter}",
        before={"state": before_state} if before_state else None,
        after={"state": report.state, "version": report.version, "comment": report.comment},
        source=source,
        note=note[:500],
    )
