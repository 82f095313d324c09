"""The publication state of a unit's month: one Submission per (unit, period).

It lives beside the values because the values' visibility (`DataValue.objects.visible_to`) and the write
door's approval lock read it. The workflow that moves it (submit, approve, return, unlock) is the `entry`
app's; evidence files and reminders are `entry` models.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.periods import PERIOD_REGEX
from core.reviews import ReviewedReport


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


class Submission(ReviewedReport):
    """A unit's report for one month, as it moves draft → submitted → approved / returned.

    There is no row for values only staff wrote (the Sở TT&TT keys the compiled report itself):
    those count as published. `version` grows with every transition and every write of the unit's
    values for the period, so a form or a client holding an older version can be told it is stale.
    """

    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("kỳ"), max_length=7)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )

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
