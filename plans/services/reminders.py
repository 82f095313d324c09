"""Reminder e-mails to member agencies that have not submitted their quarterly report on the plan:
from REMINDER_DAYS_BEFORE days before the deadline (kind "before") and from the day after it (kind
"overdue"), once each per agency and quarter.

Idempotent the way the monthly reminders are: a PlanReminder row (unit, quarter, kind) is inserted
first under a unique constraint, and the mail goes out only when this run created the row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.periods import previous_quarter, quarter_label, quarter_of_day, quarter_year
from core.roles import Role
from core.timeliness import Timeliness

from ..choices import ReminderKind, ReportState
from ..models import Plan, PlanReminder
from .completeness import UnitRow, quarter_overview, reporting_units

# A beat that missed the day after the deadline still sends the overdue reminder within this window.
OVERDUE_CATCH_UP = datetime.timedelta(days=7)


def reporter_emails(units) -> dict[int, list[str]]:
    """{unit id: sorted e-mail addresses of its active reporters}, one query for every unit."""
    rows = (
        get_user_model()
        .objects.filter(units__in=units, is_active=True, groups__name=Role.REPORTER)
        .exclude(email="")
        .values_list("units", "email")
    )
    out: dict[int, set[str]] = defaultdict(set)
    for unit_id, email in rows:
        out[unit_id].add(email)
    return {unit_id: sorted(emails) for unit_id, emails in out.items()}


def send_reminders(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    days_before = datetime.timedelta(days=int(getattr(settings, "REMINDER_DAYS_BEFORE", 3)))
    sent = {ReminderKind.BEFORE.value: 0, ReminderKind.OVERDUE.value: 0}
    current = quarter_of_day(today)
    for quarter in (previous_quarter(current), current):
        plan = Plan.objects.filter(year=quarter_year(quarter)).first()
        if plan is None:
            continue
        units = reporting_units(plan)
        emails = reporter_emails(units)
        for row in quarter_overview(plan, quarter, today, [u for u in units if u.pk in emails]):
            if row.timeliness not in (Timeliness.WAITING, Timeliness.MISSING):
                continue
            if row.report is not None and row.report.state not in (ReportState.DRAFT, ReportState.RETURNED):
                continue
            if row.deadline - days_before <= today <= row.deadline:
                kind = ReminderKind.BEFORE
            elif row.deadline < today <= row.deadline + OVERDUE_CATCH_UP:
                kind = ReminderKind.OVERDUE
            else:
                continue
            recipients = emails[row.unit.pk]
            try:
                with transaction.atomic():
                    PlanReminder.objects.create(unit=row.unit, quarter=quarter, kind=kind, recipients=recipients)
            except IntegrityError:
                continue  # already reminded
            subject, body = reminder_text(row, kind)
            send_mail(subject, body, None, recipients)
            sent[kind] += 1
    return sent


def reminder_text(row: UnitRow, kind: str) -> tuple[str, str]:
    label = quarter_label(row.quarter)
    deadline = row.deadline.strftime("%d/%m/%Y")
    filled = f"đã nhập {row.filled}/{row.tasks} nhiệm vụ"
    if kind == ReminderKind.BEFORE:
        subject = f"[CĐS Portal] Nhắc báo cáo tiến độ nhiệm vụ {label}: hạn {deadline}"
        lead = (
            f"{row.unit.name} chưa gửi báo cáo tiến độ thực hiện nhiệm vụ được giao tại Kế hoạch hoạt động "
            f"của Ban Chỉ đạo về chuyển đổi số tỉnh, {label} ({filled}); hạn gửi là ngày {deadline}."
        )
    else:
        subject = f"[CĐS Portal] Quá hạn báo cáo tiến độ nhiệm vụ {label}"
        lead = (
            f"{row.unit.name} chưa gửi báo cáo tiến độ thực hiện nhiệm vụ được giao tại Kế hoạch hoạt động "
            f"của Ban Chỉ đạo về chuyển đổi số tỉnh, {label} ({filled}); đã quá hạn ngày {deadline}."
        )
    body = (
        f"{lead}\n\nĐề nghị đăng nhập CĐS Portal, mục Kế hoạch BCĐ → Báo cáo quý, để cập nhật tình trạng, "
        "tỷ lệ hoàn thành, kết quả và khó khăn của từng nhiệm vụ rồi gửi báo cáo.\n\n"
        "Sở Thông tin và Truyền thông tỉnh Bình Phước (Cơ quan Thường trực Ban Chỉ đạo)"
    )
    return subject, body
