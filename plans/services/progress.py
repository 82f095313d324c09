"""Writing an agency's progress on its tasks for a quarter (the reporting page and the API), the
evidence attached to it, and who may download that evidence.

Every row of a save is checked first (state, percent, their agreement, the files); only a clean save
writes, in one transaction, under the quarter report's row lock, with one AuditEntry per changed task.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.periods import PeriodError, parse_quarter, quarter_label, quarter_of_day, quarter_year
from core.uploads import evidence_problem, upload_name
from indicators.models import AuditEntry
from units.models import Unit

from ..models import PlanTask, ProgressEvidence, QuarterReport, TaskProgress
from ..rules import check_progress, read_percent, read_state
from .transitions import StaleVersion, WorkflowError, check_writer, lock_reason, open_report

NUL_MESSAGE = "Chứa ký tự không hợp lệ (NUL)."


class ProgressInvalid(ValidationError):
    """Some rows of a save are wrong; ``problems`` maps a task ref ("" for the whole save) to
    {field: message}. Nothing was written."""

    def __init__(self, problems: dict[str, dict[str, str]]):
        self.problems = problems
        super().__init__([m for fields in problems.values() for m in fields.values()])


@dataclass
class ProgressInput:
    task: PlanTask
    state: object = None
    percent: object = None
    done: str = ""
    issues: str = ""
    files: list = field(default_factory=list)


@dataclass
class SaveResult:
    report: QuarterReport
    changed: list[str]  # task refs whose progress changed
    files: int


def read_quarter(raw, task_year: int | None = None, today: datetime.date | None = None) -> str:
    """A quarter a report may be written for: ``YYYY-Qn`` of the plan's year, not in the future."""
    quarter = parse_quarter(raw)
    if task_year is not None and quarter_year(quarter) != task_year:
        label = quarter_label(quarter)
        raise PeriodError(f"{label[:1].upper()}{label[1:]} không thuộc kế hoạch năm {task_year}.")
    today = today or timezone.localdate()
    if quarter > quarter_of_day(today):
        raise PeriodError(
            f"Chưa đến {quarter_label(quarter)}: chỉ báo cáo được quý hiện tại ({quarter_label(quarter_of_day(today))}) "
            "hoặc các quý đã qua."
        )
    return quarter


def _check(item: ProgressInput) -> tuple[dict, dict[str, str]]:
    problems: dict[str, str] = {}
    values = {"done": (item.done or "").strip(), "issues": (item.issues or "").strip()}
    for name in ("done", "issues"):
        if "\x00" in values[name]:
            problems[name] = NUL_MESSAGE
    try:
        values["state"] = read_state(item.state)
    except ValueError as exc:
        problems["state"] = str(exc)
    try:
        values["percent"] = read_percent(item.percent)
    except ValueError as exc:
        problems["percent"] = str(exc)
    if not problems:
        problems.update(check_progress(values["state"], values["percent"]))
    for number, upload in enumerate(item.files, start=1):
        content_type, message = evidence_problem(upload)
        if message:
            problems[f"file{number}"] = message
        values.setdefault("files", []).append((upload, content_type))
    return values, problems


def save_progress(
    unit: Unit,
    quarter: str,
    items: list[ProgressInput],
    *,
    user,
    source: str = "form",
    version: int | None = None,
    today: datetime.date | None = None,
) -> SaveResult:
    """Store the progress of ``items`` (tasks of ``unit``) for ``quarter`` in the unit's quarter report.

    PermissionDenied: the user may not write this unit. ProgressInvalid: a row is wrong (nothing is
    written). WorkflowError: the report is approved (or submitted, for a reporter) or stale."""
    check_writer(user, unit)
    problems: dict[str, dict[str, str]] = {}
    plan_years = {item.task.plan.year for item in items}
    try:
        quarter = read_quarter(quarter, plan_years.pop() if len(plan_years) == 1 else None, today)
    except PeriodError as exc:
        raise ProgressInvalid({"": {"quarter": str(exc)}}) from None
    checked = []
    for item in items:
        if item.task.unit_id != unit.pk:
            raise PermissionDenied(f"Nhiệm vụ {item.task.ref} không phải của đơn vị '{unit.name}'.")
        values, row_problems = _check(item)
        if row_problems:
            problems[item.task.ref] = row_problems
        checked.append((item.task, values))
    if problems:
        raise ProgressInvalid(problems)
    if not checked:
        raise ProgressInvalid({"": {"tasks": "Chưa nhập tình trạng của nhiệm vụ nào."}})
    with transaction.atomic():
        report = open_report(checked[0][0].plan, unit, quarter, user=user, source=source)
        reason = lock_reason(report, user)
        if reason:
            raise WorkflowError(reason)
        if version is not None and int(version) != report.version:
            raise StaleVersion(
                f"Báo cáo {report.label} đã thay đổi (bạn đang xem phiên bản {version}, hiện tại là "
                f"phiên bản {report.version}); hãy tải lại trang."
            )
        stored = {p.task_id: p for p in TaskProgress.objects.filter(report=report)}
        changed, files = [], 0
        for task, values in checked:
            if _write(report, task, stored.get(task.pk), values, user, source):
                changed.append(task.ref)
            for upload, content_type in values.get("files", []):
                _attach(stored.get(task.pk) or TaskProgress.objects.get(report=report, task=task), upload, content_type, user)
                files += 1
        if changed or files:
            report.version += 1
            report.save(update_fields=["version", "updated_at"])
    return SaveResult(report, changed, files)


FIELDS = ("state", "percent", "done", "issues")


def _write(report, task, progress, values, user, source) -> bool:
    after = {k: values[k] for k in FIELDS}
    before = {k: getattr(progress, k) for k in FIELDS} if progress else None
    if before == after:
        return False
    if progress is None:
        progress = TaskProgress(task=task, report=report, quarter=report.quarter)
    for k, v in after.items():
        setattr(progress, k, v)
    progress.author = user if getattr(user, "pk", None) else None
    progress.save()
    AuditEntry.objects.create(
        action="plans.progress.saved",
        user=progress.author,
        object_type="plan_progress",
        object_key=f"{task.plan.year}/{task.ref}/{report.quarter}",
        before=before,
        after=after,
        source=source,
    )
    return True


def _attach(progress: TaskProgress, upload, content_type: str, user) -> ProgressEvidence:
    name = upload_name(upload)
    evidence = ProgressEvidence(
        progress=progress,
        filename=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    AuditEntry.objects.create(
        action="plans.evidence.added",
        user=evidence.uploaded_by,
        object_type="plan_progress",
        object_key=f"{progress.task.plan.year}/{progress.task.ref}/{progress.quarter}",
        after={"file": name, "content_type": content_type, "size": upload.size},
        source="form",
    )
    return evidence


def remove_evidence(evidence: ProgressEvidence, *, user) -> None:
    """Delete an attachment of a report that still accepts writes from this user."""
    report = evidence.progress.report
    check_writer(user, report.unit)
    with transaction.atomic():
        locked = QuarterReport.objects.select_for_update().get(pk=report.pk)
        reason = lock_reason(locked, user)
        if reason:
            raise WorkflowError(reason)
        AuditEntry.objects.create(
            action="plans.evidence.removed",
            user=user if getattr(user, "pk", None) else None,
            object_type="plan_progress",
            object_key=f"{evidence.progress.task.plan.year}/{evidence.progress.task.ref}/{evidence.progress.quarter}",
            before={"file": evidence.filename, "size": evidence.size},
            source="form",
        )
        stored = evidence.file.name
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.storage.delete(stored))
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])


def evidence_visible_to(user):
    """Evidence the user may download: that of reports the user may read (`TaskProgress.visible_to`)."""
    return ProgressEvidence.objects.filter(progress__in=TaskProgress.objects.visible_to(user))
