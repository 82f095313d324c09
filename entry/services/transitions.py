"""The monthly report workflow of a unit: draft → submitted → approved, or returned with a comment and
submitted again; staff unlock an approved period with a reason.

Services here never see a request. Every transition writes an AuditEntry (object_type "submission",
key ``UNIT/YYYY-MM``). The lock an approved or submitted month puts on its values is enforced by the
write door itself (`indicators.publication.locked_keys`, asked by `indicators.services.record_values`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.periods import period_label
from core.roles import Role, role_of
from indicators.deadlines import indicators_for, required_indicators
from indicators.models import DataValue, Submission, SubmissionState
from indicators.models.workflow import PENDING_STATES
from indicators.publication import publication_changed, submission_audit
from units.models import Unit

S = SubmissionState


class WorkflowError(ValidationError):
    """A transition that is not allowed from the current state (Vietnamese message)."""


class StaleVersion(WorkflowError):
    """The caller acted on an older version of the submission than the stored one."""



def get_submission(unit: Unit, period: str, *, lock: bool = False) -> Submission | None:
    qs = Submission.objects.select_related("unit")
    if lock:
        qs = qs.select_for_update()
    return qs.filter(unit=unit, period=period).first()


def _check_writer(user, unit: Unit) -> None:
    if not Unit.objects.writable_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"Bạn không có quyền gửi báo cáo của đơn vị '{unit.name}'.")


def _check_staff(user) -> None:
    if role_of(user) != Role.STAFF:
        raise PermissionDenied("Chỉ cán bộ Sở TT&TT được duyệt, trả lại hoặc mở khóa báo cáo.")


def _check_version(sub: Submission, version: int | None) -> None:
    if version is not None and int(version) != sub.version:
        raise StaleVersion(
            f"Báo cáo {sub.unit.name} {period_label(sub.period)} đã thay đổi "
            f"(bạn đang xem phiên bản {version}, hiện tại là phiên bản {sub.version}); hãy tải lại trang."
        )


def _state_error(sub: Submission | None, unit: Unit, period: str, doing: str) -> WorkflowError:
    state = sub.get_state_display().lower() if sub else "chưa có số liệu"
    return WorkflowError(
        f"Không thể {doing} báo cáo {unit.name} {period_label(period)}: báo cáo đang ở trạng thái {state}."
    )


def missing_indicators(unit: Unit, period: str) -> list[str]:
    required = required_indicators(indicators_for(unit))
    have = set(
        DataValue.objects.filter(unit=unit, period=period, indicator__in=required)
        .filter(Q(value__isnull=False) | ~Q(note=""))
        .values_list("indicator__code", flat=True)
    )
    return [i.code for i in required if i.code not in have]


def submit(unit: Unit, period: str, *, user, version: int | None = None, source: str = "form") -> Submission:
    """draft → submitted (a returned report goes through `resubmit`). Every monthly indicator of the unit
    must have a value (or a note saying why not)."""
    _check_writer(user, unit)
    with transaction.atomic():
        sub = get_submission(unit, period, lock=True)
        if sub is not None and sub.state == S.RETURNED:
            return resubmit(unit, period, user=user, version=version, source=source)
        if sub is None or sub.state != S.DRAFT:
            raise _state_error(sub, unit, period, "gửi")
        _check_version(sub, version)
        missing = missing_indicators(unit, period)
        if missing:
            raise WorkflowError(
                f"Chưa nhập đủ số liệu: còn thiếu {len(missing)} chỉ tiêu ({', '.join(missing)})."
            )
        return _move(sub, S.SUBMITTED, "submitted", user, source=source)


def resubmit(
    unit: Unit, period: str, *, user, version: int | None = None, source: str = "form"
) -> Submission:
    """returned → submitted."""
    _check_writer(user, unit)
    with transaction.atomic():
        sub = get_submission(unit, period, lock=True)
        if sub is None or sub.state != S.RETURNED:
            raise _state_error(sub, unit, period, "gửi lại")
        _check_version(sub, version)
        missing = missing_indicators(unit, period)
        if missing:
            raise WorkflowError(
                f"Chưa nhập đủ số liệu: còn thiếu {len(missing)} chỉ tiêu ({', '.join(missing)})."
            )
        return _move(sub, S.SUBMITTED, "resubmitted", user, source=source)


def approve(unit: Unit, period: str, *, user, version: int | None = None, source: str = "form") -> Submission:
    """submitted (or unlocked) → approved: the values are published and locked for every channel."""
    _check_staff(user)
    with transaction.atomic():
        sub = get_submission(unit, period, lock=True)
        if sub is None or sub.state not in (S.SUBMITTED, S.UNLOCKED):
            raise _state_error(sub, unit, period, "duyệt")
        _check_version(sub, version)
        sub.comment = ""
        return _move(sub, S.APPROVED, "approved", user, source=source, decided=True)


def return_submission(
    unit: Unit, period: str, *, user, comment: str, version: int | None = None, source: str = "form"
) -> Submission:
    """submitted → returned, with the reviewer's comment for the reporter."""
    _check_staff(user)
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError("Hãy ghi rõ lý do trả lại báo cáo.")
    with transaction.atomic():
        sub = get_submission(unit, period, lock=True)
        if sub is None or sub.state != S.SUBMITTED:
            raise _state_error(sub, unit, period, "trả lại")
        _check_version(sub, version)
        sub.comment = comment
        return _move(sub, S.RETURNED, "returned", user, source=source, decided=True, note=comment)


def unlock(
    unit: Unit, period: str, *, user, reason: str, version: int | None = None, source: str = "form"
) -> Submission:
    """approved → unlocked: writes are accepted again; the values stay published."""
    _check_staff(user)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Hãy ghi rõ lý do mở khóa.")
    with transaction.atomic():
        sub = get_submission(unit, period, lock=True)
        if sub is None or sub.state != S.APPROVED:
            raise _state_error(sub, unit, period, "mở khóa")
        _check_version(sub, version)
        sub.comment = reason
        return _move(sub, S.UNLOCKED, "unlocked", user, source=source, decided=True, note=reason)


def _move(sub, state, verb, user, *, source, decided=False, note="") -> Submission:
    before = sub.state
    sub.state = state
    sub.version += 1
    now = timezone.now()
    if state == S.SUBMITTED:
        sub.submitted_at, sub.submitted_by = now, user
        sub.decided_at = sub.decided_by = None
    if decided:
        sub.decided_at, sub.decided_by = now, user
    sub.save()
    submission_audit(verb, sub, user, before, source=source, note=note).save()
    if (before in PENDING_STATES) != (state in PENDING_STATES):
        publication_changed(sub.unit_id, sub.period)
    return sub


