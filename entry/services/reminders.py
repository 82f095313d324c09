"""Reminder e-mails to units that have not submitted their month."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.periods import add_months, make_period, period_label
from core.roles import Role
from indicators.models import SubmissionState
from units.models import Unit

from ..models import Reminder, ReminderKind
from .completeness import Timeliness, UnitRow, expected_units, period_overview

S = SubmissionState

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


