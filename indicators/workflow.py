"""The monthly report workflow of a unit: draft → submitted → approved, or returned with a comment and
submitted again; staff unlock an approved period with a reason. Deadlines, completeness, evidence
files, reminders and the Vietnamese history of a value or a unit's month.

Services here never see a request. Every transition writes an AuditEntry (object_type "submission",
key ``UNIT/YYYY-MM``). Locks are enforced where values are written: `indicators.services.record_values`
(forms, API) and the intake's analysis (`imports.services.analyse`) both ask `locked_keys()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.periods import add_months, make_period, month_of, next_month, period_label, year_of
from core.roles import Role, role_of
from units.models import Unit

from .choices import Periodicity
from .models import (
    AuditEntry,
    Completeness,
    DataValue,
    EvidenceFile,
    Indicator,
    Reminder,
    ReminderKind,
    Submission,
    SubmissionState,
)
from .models.workflow import PENDING_STATES

S = SubmissionState


class WorkflowError(ValidationError):
    """A transition that is not allowed from the current state (Vietnamese message)."""


class StaleVersion(WorkflowError):
    """The caller acted on an older version of the submission than the stored one."""


# ------------------------------------------------------------------------------------------ deadlines
# Per indicator group: ("quarter", 20) = before day 20 of the last month of the period's quarter (the
# Ban Chỉ đạo plan: members report "trước ngày 20 của tháng cuối quý"), so the last day on time is
# the 19th. Groups not listed use REPORTING_DEADLINE_DAY of the following month (that day included).
DEFAULT_GROUP_DEADLINES = {"KH57": ("quarter", 20)}


def deadline_for(group: str, period: str) -> datetime.date:
    """The last day a unit's ``group`` values for ``period`` are on time."""
    rules = getattr(settings, "REPORTING_DEADLINES", DEFAULT_GROUP_DEADLINES)
    rule = rules.get(group)
    if rule and rule[0] == "quarter":
        last_month = make_period(year_of(period), ((month_of(period) - 1) // 3 + 1) * 3)
        return datetime.date(year_of(last_month), month_of(last_month), int(rule[1])) - datetime.timedelta(
            days=1
        )
    day = int(getattr(settings, "REPORTING_DEADLINE_DAY", 10))
    following = next_month(period)
    return datetime.date(year_of(following), month_of(following), day)


def indicators_for(unit: Unit) -> list[Indicator]:
    """The indicators a unit reports: those whose `reported_by` names the unit's level, report order."""
    return [i for i in Indicator.objects.order_by("order", "code") if unit.level in (i.reported_by or [])]


def required_indicators(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Monthly indicators must be filled before a submission; annual (KH57) ones are optional monthly."""
    return [i for i in indicators if i.periodicity == Periodicity.MONTHLY]


def unit_deadline(unit: Unit, period: str, indicators: list[Indicator] | None = None) -> datetime.date:
    """A unit's deadline for a month: the earliest deadline of the groups it reports."""
    groups = {i.group for i in (indicators if indicators is not None else indicators_for(unit))}
    if not groups:
        return deadline_for("", period)
    return min(deadline_for(g, period) for g in groups)


# ---------------------------------------------------------------------------------------- locks
LOCKED_MESSAGE = "Số liệu {period} của {unit} đã được duyệt và khóa; liên hệ Sở TT&TT để mở khóa nếu cần sửa."
SUBMITTED_MESSAGE = "Số liệu {period} của {unit} đã gửi duyệt; chờ Sở TT&TT duyệt hoặc trả lại để sửa."


def locked_keys(unit_codes: Iterable[str], periods: Iterable[str], user=None) -> dict[tuple[str, str], str]:
    """{(unit code, period): Vietnamese reason} of the keys that refuse writes, in one query.

    Approved periods are locked for everyone and every channel. A period waiting for approval
    (submitted) is also locked for reporters, so staff review exactly what was sent; staff may still
    correct it.
    """
    unit_codes, periods = set(unit_codes), set(periods)
    if not unit_codes or not periods:
        return {}
    states = [S.APPROVED]
    if role_of(user) != Role.STAFF:
        states.append(S.SUBMITTED)
    rows = Submission.objects.filter(
        unit__code__in=unit_codes, period__in=periods, state__in=states
    ).values_list("unit__code", "unit__name", "period", "state")
    out = {}
    for code, name, period, state in rows:
        template = LOCKED_MESSAGE if state == S.APPROVED else SUBMITTED_MESSAGE
        out[(code, period)] = template.format(period=period_label(period), unit=name)
    return out


def values_written(user, unit_periods: Iterable[tuple[int, str]], *, source: str) -> None:
    """Called inside every write's transaction with the (unit id, period) pairs it changed.

    A reporter's write creates (or keeps) a draft Submission, so the values wait for approval; an
    unlocked period written by a reporter goes back to draft. Staff writes leave the state alone
    (no Submission = published). Every write bumps the version so stale forms can be detected.
    """
    pairs = set(unit_periods)
    if not pairs:
        return
    reporter = role_of(user) == Role.REPORTER
    existing = {
        (s.unit_id, s.period): s
        for s in Submission.objects.select_for_update().filter(
            unit_id__in={u for u, _ in pairs}, period__in={p for _, p in pairs}
        )
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in={u for u, _ in pairs})} if reporter else {}
    audit = []
    for unit_id, period in sorted(pairs):
        sub = existing.get((unit_id, period))
        if sub is None:
            if not reporter:
                continue
            sub = Submission.objects.create(
                unit_id=unit_id, period=period, state=S.DRAFT, deadline=unit_deadline(units[unit_id], period)
            )
            audit.append(_audit("created", sub, user, None, source=source))
            # Values staff had published for this month are now part of a draft.
            publication_changed(unit_id, period)
            continue
        before = sub.state
        if reporter and sub.state == S.UNLOCKED:
            sub.state = S.DRAFT
            audit.append(_audit("reopened", sub, user, before, source=source))
            publication_changed(unit_id, period)
        sub.version += 1
        sub.save(update_fields=["state", "version", "updated_at"])
    AuditEntry.objects.bulk_create(audit)


# ---------------------------------------------------------------------------------------- transitions
def _key(sub: Submission) -> str:
    return f"{sub.unit.code}/{sub.period}"


def _audit(
    verb: str, sub: Submission, user, before_state, *, source: str = "form", note: str = ""
) -> AuditEntry:
    return AuditEntry(
        action=f"indicators.submission.{verb}",
        user=user if user is not None and getattr(user, "pk", None) else None,
        object_type="submission",
        object_key=_key(sub),
        before={"state": before_state} if before_state else None,
        after={"state": sub.state, "version": sub.version, "comment": sub.comment},
        source=source,
        note=note[:500],
    )


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
    _audit(verb, sub, user, before, source=source, note=note).save()
    if (before in PENDING_STATES) != (state in PENDING_STATES):
        publication_changed(sub.unit_id, sub.period)
    return sub


def publication_changed(unit_id: int, period: str) -> None:
    """A unit's month became published (approved) or unpublished (reopened as a draft): the province
    roll-ups of its indicators change for every reader, so recompute them after commit."""
    from .services import values_changed

    indicator_ids = DataValue.objects.filter(unit_id=unit_id, period=period).values_list(
        "indicator_id", flat=True
    )
    values_changed({(indicator_id, unit_id): period for indicator_id in indicator_ids})


# ------------------------------------------------------------------------------------ completeness
class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    WAITING = "waiting"  # not submitted, deadline not passed
    MISSING = "missing"  # not submitted, deadline passed
    STAFF = "staff"  # no submission, the Sở TT&TT entered the values itself


TIMELINESS_LABELS = {
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Trễ hạn",
    Timeliness.WAITING: "Chưa gửi",
    Timeliness.MISSING: "Quá hạn, chưa gửi",
    Timeliness.STAFF: "Sở TT&TT đã nhập",
}


@dataclass
class UnitRow:
    unit: Unit
    period: str
    deadline: datetime.date
    submission: Submission | None
    value_count: int
    timeliness: str

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else ""

    @property
    def state_label(self) -> str:
        return self.submission.get_state_display() if self.submission else "Chưa có báo cáo"

    @property
    def timeliness_label(self) -> str:
        return TIMELINESS_LABELS[self.timeliness]


def expected_units() -> list[Unit]:
    """Active units whose level reports at least one indicator."""
    levels = set()
    for reported_by in Indicator.objects.values_list("reported_by", flat=True):
        levels.update(reported_by or [])
    return list(Unit.objects.active().filter(level__in=levels).order_by("level", "order", "code"))


def period_overview(
    period: str, today: datetime.date | None = None, units: list[Unit] | None = None
) -> list[UnitRow]:
    """Every expected unit's submission for ``period``: state, deadline, on time / late / missing.

    Three queries whatever the number of units (indicators, submissions, value counts)."""
    today = today or timezone.localdate()
    units = units if units is not None else expected_units()
    all_indicators = list(Indicator.objects.order_by("order", "code"))
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(period=period, unit__in=units).select_related(
            "unit", "submitted_by", "decided_by"
        )
    }
    counts = _value_counts(period, units)
    rows = []
    for unit in units:
        indicators = [i for i in all_indicators if unit.level in (i.reported_by or [])]
        sub = subs.get(unit.pk)
        deadline = sub.deadline if sub else unit_deadline(unit, period, indicators)
        if sub and sub.submitted_at:
            timeliness = (
                Timeliness.LATE if timezone.localdate(sub.submitted_at) > deadline else Timeliness.ON_TIME
            )
        elif sub is None and counts.get(unit.pk):
            timeliness = Timeliness.STAFF
        else:
            timeliness = Timeliness.MISSING if today > deadline else Timeliness.WAITING
        rows.append(UnitRow(unit, period, deadline, sub, counts.get(unit.pk, 0), timeliness))
    return rows


def _value_counts(period: str, units) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        DataValue.objects.filter(period=period, unit__in=units)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("unit_id", "n")
    )


def engine_completeness(period: str, today: datetime.date | None = None) -> list[dict]:
    """The status engine's completeness counts per indicator group for the period, with the rate."""
    from .status import CompletenessSummary

    today = today or timezone.localdate()
    rows = []
    for row in Completeness.objects.filter(period=period).summary(today):
        summary = CompletenessSummary(row["expected"], row["reported"], row["late"], row["missing"])
        rows.append({**row, "rate": summary.rate})
    return rows


# ---------------------------------------------------------------------------------------- reminders
def reporters_of(unit: Unit) -> list[str]:
    return sorted(
        {u.email for u in unit.members.filter(is_active=True, groups__name=Role.REPORTER).exclude(email="")}
    )


# The overdue reminder goes out the day after the deadline; a beat that missed that day still sends it
# within this window, but months long past are not nagged about every time the task runs.
OVERDUE_CATCH_UP = datetime.timedelta(days=7)


def send_reminders(today: datetime.date | None = None) -> dict:
    """E-mail the reporters of units that have not submitted: from REMINDER_DAYS_BEFORE days before the
    deadline (kind "before") and from the day after it (kind "overdue"), once each.

    Idempotent: a Reminder row (unit, period, kind) is inserted first, under a unique constraint, and
    the mail goes out only when this run created the row; a second run, or a concurrent one, sends
    nothing. A beat missed for a day still catches up (OVERDUE_CATCH_UP).
    """
    from django.core.mail import send_mail

    today = today or timezone.localdate()
    days_before = int(getattr(settings, "REMINDER_DAYS_BEFORE", 3))
    current = make_period(today.year, today.month)
    sent = {"before": 0, "overdue": 0}
    units = [u for u in expected_units() if u.members.exists()]
    for period in (add_months(current, -2), add_months(current, -1), current):
        for row in period_overview(period, today, units):
            if row.timeliness not in (Timeliness.WAITING, Timeliness.MISSING):
                continue
            if row.submission is not None and row.submission.state not in (S.DRAFT, S.RETURNED):
                continue
            if row.deadline - datetime.timedelta(days=days_before) <= today <= row.deadline:
                kind = ReminderKind.BEFORE
            elif row.deadline < today <= row.deadline + OVERDUE_CATCH_UP:
                kind = ReminderKind.OVERDUE
            else:
                continue
            recipients = reporters_of(row.unit)
            if not recipients:
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.create(unit=row.unit, period=period, kind=kind, recipients=recipients)
            except IntegrityError:
                continue  # already reminded
            subject, body = reminder_text(row, kind)
            send_mail(subject, body, None, recipients)
            sent[kind] += 1
    return sent


def reminder_text(row: UnitRow, kind: str) -> tuple[str, str]:
    label = period_label(row.period)
    deadline = row.deadline.strftime("%d/%m/%Y")
    if kind == ReminderKind.BEFORE:
        subject = f"[CĐS Portal] Nhắc báo cáo số liệu {label}: hạn {deadline}"
        lead = f"Đơn vị {row.unit.name} chưa gửi báo cáo số liệu chuyển đổi số {label}; hạn gửi là ngày {deadline}."
    else:
        subject = f"[CĐS Portal] Quá hạn báo cáo số liệu {label}"
        lead = f"Đơn vị {row.unit.name} chưa gửi báo cáo số liệu chuyển đổi số {label}; đã quá hạn ngày {deadline}."
    body = (
        f"{lead}\n\nĐề nghị đăng nhập CĐS Portal, mục Nhập số liệu, để nhập và gửi báo cáo.\n\n"
        "Sở Thông tin và Truyền thông tỉnh Bình Phước"
    )
    return subject, body


# ---------------------------------------------------------------------------------------- evidence
EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def sniff_type(head: bytes) -> str | None:
    """The content type from the first bytes, whatever the file's name or declared type says."""
    for content_type, signatures in EVIDENCE_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_MB", 5)) * 1024 * 1024


def add_evidence(indicator: Indicator, unit: Unit, period: str, upload, *, user) -> EvidenceFile:
    """Store a PDF/PNG/JPEG as evidence of one value. Checks the writer, the lock, size and content."""
    if not Unit.objects.writable_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"Bạn không có quyền nhập số liệu cho đơn vị '{unit.name}'.")
    reason = locked_keys([unit.code], [period], user).get((unit.code, period))
    if reason:
        raise WorkflowError(reason)
    name = (getattr(upload, "name", "") or "tep").rsplit("/", 1)[-1][:200]
    size = upload.size
    if size > evidence_max_bytes():
        raise ValidationError(
            f'Tệp "{name}" quá lớn ({size / 1024 / 1024:.1f} MB); tối đa {evidence_max_bytes() // (1024 * 1024)} MB.'.replace(
                ".", ",", 1
            )
        )
    upload.seek(0)
    content_type = sniff_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            f'Tệp "{name}" không phải PDF, PNG hay JPEG; chỉ nhận minh chứng dạng PDF hoặc ảnh.'
        )
    with transaction.atomic():
        evidence = EvidenceFile(
            indicator=indicator,
            unit=unit,
            period=period,
            filename=name,
            content_type=content_type,
            size=size,
            uploaded_by=user,
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()
        AuditEntry.objects.create(
            action="indicators.evidence.added",
            user=user,
            object_type="datavalue",
            object_key=f"{indicator.code}/{unit.code}/{period}",
            after={"file": name, "content_type": content_type, "size": size},
            source="form",
        )
    return evidence


def evidence_visible_to(user):
    """EvidenceFile rows the user may download: those of values the user may see (same rule as
    `DataValue.visible_to`, one query)."""
    from django.db.models import Exists, OuterRef

    role = role_of(user)
    if role == Role.STAFF:
        return EvidenceFile.objects.all()
    pending = Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), state__in=PENDING_STATES
    )
    if role == Role.REPORTER:
        own = Unit.objects.filter(members=user).values("pk")
        return EvidenceFile.objects.filter(Q(unit__in=own) | ~Exists(pending))
    if role == Role.VIEWER:
        return EvidenceFile.objects.filter(~Exists(pending))
    return EvidenceFile.objects.none()


# ---------------------------------------------------------------------------------------- history
ACTION_LABELS = {
    "created": "Tạo mới",
    "updated": "Sửa",
    "deleted": "Xóa",
    "submitted": "Gửi duyệt",
    "resubmitted": "Gửi lại",
    "approved": "Duyệt",
    "returned": "Trả lại",
    "unlocked": "Mở khóa",
    "reopened": "Nhập lại sau khi mở khóa",
    "added": "Thêm minh chứng",
    "undone": "Hoàn tác lô nhập",
    "restored": "Hoàn tác lô nhập",
    "committed": "Nhập lô Excel",
}
SOURCE_LABELS = {"form": "biểu mẫu", "import": "nhập Excel", "api": "API", "undo": "hoàn tác"}


def describe(entry: AuditEntry) -> dict:
    verb = entry.action.rsplit(".", 1)[-1]
    if entry.object_type == "submission":
        what = "Báo cáo"
    elif ".evidence." in entry.action:
        what = "Minh chứng"
    else:
        what = "Số liệu"
    before = (
        (entry.before or {}).get("value")
        if entry.object_type == "datavalue"
        else (entry.before or {}).get("state")
    )
    after = (
        (entry.after or {}).get("value")
        if entry.object_type == "datavalue"
        else (entry.after or {}).get("state")
    )
    if entry.object_type == "submission":
        before = SubmissionState(before).label if before in S.values else before
        after = SubmissionState(after).label if after in S.values else after
    if ".evidence." in entry.action:
        after = (entry.after or {}).get("file")
    return {
        "at": entry.created_at,
        "user": (entry.user.get_full_name() or entry.user.username) if entry.user else "hệ thống",
        "action": f"{ACTION_LABELS.get(verb, verb)} {what.lower()}",
        "key": entry.object_key,
        "source": SOURCE_LABELS.get(entry.source, entry.source),
        "before": before,
        "after": after,
        "note": entry.note,
        "batch_id": entry.batch_id,
    }


def value_history(indicator_code: str, unit_code: str, period: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.for_object("datavalue", f"{indicator_code}/{unit_code}/{period}").select_related(
            "user"
        )
    )


def unit_period_history(unit_code: str, period: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            Q(object_type="submission", object_key=f"{unit_code}/{period}")
            | Q(object_type="datavalue", object_key__endswith=f"/{unit_code}/{period}")
        ).select_related("user")
    )
