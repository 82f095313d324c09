"""Enumerations of the plan, with the Vietnamese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    # §III of the 2023 plan: what the committee itself does (meetings, inspections, the DTI ranking…),
    # organised and reported by the Sở TT&TT as its standing office.
    COMMITTEE = "committee", _("Hoạt động của Ban Chỉ đạo")
    # §IV: the tasks the plan assigns to each member agency.
    ASSIGNED = "assigned", _("Nhiệm vụ được phân công")


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    DONE = "done", _("Hoàn thành")
    BLOCKED = "blocked", _("Gặp vướng mắc")


class ReportState(models.TextChoices):
    """A member agency's quarterly report, as it moves like the monthly data: draft → submitted →
    approved, or returned with a comment and submitted again."""

    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


# States in which the agency may still write its report.
WRITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Nhắc trước hạn")
    OVERDUE = "overdue", _("Nhắc quá hạn")
