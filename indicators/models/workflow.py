"""The monthly approval workflow: one Submission per (unit, period), evidence files, reminder log.

The rules (which transition is allowed, who may do it, what is locked) live in `indicators/workflow.py`;
these models hold the state and the constraints that keep one row per key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.periods import PERIOD_REGEX


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")
    # Staff reopened an approved period to correct it: the values stay published (nobody
    # un-publishes numbers the Ban Chỉ đạo has already read) but writes are accepted again.
    UNLOCKED = "unlocked", _("Đã mở khóa")


# States whose values are not published: viewers, other units and the public API do not see them.
PENDING_STATES = (SubmissionState.DRAFT, SubmissionState.SUBMITTED, SubmissionState.RETURNED)


class SubmissionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state__in=PENDING_STATES)

    def for_period(self, period):
        return self.filter(period=period)


class Submission(models.Model):
    """A unit's report for one month, as it moves draft → submitted → approved / returned.

    There is no row for values only staff wrote (the Sở TT&TT keys the compiled report itself):
    those count as published. `version` grows with every transition and every write of the unit's
    values for the period, so a form or a client holding an older version can be told it is stale.
    """

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("kỳ"), max_length=7)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    deadline = models.DateField(_("hạn báo cáo"))
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["period", "unit__order", "unit__code"]
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="%(app_label)s_%(class)s_unique_unit_period",
                violation_error_message=_("Đơn vị đã có báo cáo cho kỳ này."),
            ),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_REGEX),
                name="%(app_label)s_%(class)s_period_format",
                violation_error_message=_("Kỳ báo cáo phải có dạng YYYY-MM."),
            ),
        ]
        # The visibility subquery looks rows up by (unit, period) and state; the unique index serves it.
        indexes = [models.Index(fields=["period", "state"], name="indicators_subm_period_state")]

    def __str__(self):
        return f"{self.unit_id}/{self.period}: {self.state}"

    @property
    def key(self) -> str:
        return f"{self.unit.code}/{self.period}"

    @property
    def is_late(self) -> bool:
        """Submitted after the deadline (in local time)."""
        from django.utils import timezone

        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.deadline


def evidence_path(instance, filename):
    # A random name: the original one is kept in `filename` and never used on disk.
    import uuid

    return f"evidence/{instance.period}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    """A PDF or an image attached to one value (indicator, unit, period) as proof.

    Stored under MEDIA_ROOT/evidence/ with a random name and served only through a view that checks
    the reader may see that value (`indicators.workflow.evidence_visible_to`).
    """

    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ"), max_length=7)
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=40)
    size = models.PositiveIntegerField(_("kích thước"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        indexes = [models.Index(fields=["unit", "period"], name="indicators_evid_unit_period")]

    def __str__(self):
        return self.filename


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Nhắc trước hạn")
    OVERDUE = "overdue", _("Nhắc quá hạn")


class Reminder(models.Model):
    """One reminder sent to a unit for a period. The unique constraint makes sending idempotent:
    the task inserts the row first and only mails when the insert created it."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("kỳ"), max_length=7)
    kind = models.CharField(_("loại"), max_length=8, choices=ReminderKind.choices)
    recipients = models.JSONField(_("người nhận"), default=list)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["period", "unit_id", "kind"]
        verbose_name = _("thư nhắc")
        verbose_name_plural = _("thư nhắc")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind"], name="%(app_label)s_%(class)s_unique_unit_period_kind"
            )
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.period}/{self.kind}"
