"""The entry app's own records: evidence files attached to values, and the reminder log."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def evidence_path(instance, filename):
    # A random name: the original one is kept in `filename` and never used on disk.
    return f"evidence/{instance.period}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    """A PDF or an image attached to one value (indicator, unit, period) as proof.

    Stored under MEDIA_ROOT/evidence/ with a random name and served only through a view that checks
    the reader may see that value (`entry.services.evidence.evidence_visible_to`).
    """

    # The address of the file (/nhap-so-lieu/minh-chung/<key>/): not a sequential id anyone could count up.
    key = models.UUIDField(_("mã tệp"), default=uuid.uuid4, unique=True, editable=False)
    indicator = models.ForeignKey("indicators.Indicator", verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ"), max_length=7)
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=40)
    size = models.PositiveIntegerField(_("kích thước"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("người tải lên"), on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        db_table = "indicators_evidencefile"  # created by the indicators app before `entry` existed
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

    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("kỳ"), max_length=7)
    kind = models.CharField(_("loại"), max_length=8, choices=ReminderKind.choices)
    recipients = models.JSONField(_("người nhận"), default=list)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["period", "unit_id", "kind"]
        db_table = "indicators_reminder"
        verbose_name = _("thư nhắc")
        verbose_name_plural = _("thư nhắc")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind"], name="indicators_reminder_unique_unit_period_kind"
            )
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.period}/{self.kind}"
