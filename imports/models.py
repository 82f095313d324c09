from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.periods import PERIOD_REGEX


class ImportBatch(models.Model):
    """One uploaded workbook and what became of it: preview, commit, undo.

    The file is kept; a commit re-reads it with the user's corrections and exclusions applied, so
    the preview never has to store every parsed value. `diff` keeps the first cells that would
    change (the preview page shows them); the counts cover every cell.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang xử lý")
        PREVIEW = "preview", _("Chờ xác nhận")
        # Confirmed on the web page; a worker is writing it (imports.tasks.commit_batch_task).
        COMMITTING = "committing", _("Đang nhập")
        REJECTED = "rejected", _("Có lỗi, chưa nhập")
        COMMITTED = "committed", _("Đã nhập")
        UNDONE = "undone", _("Đã hoàn tác")
        FAILED = "failed", _("Không đọc được tệp")
        DRY_RUN = "dry_run", _("Chạy thử")

    class Source(models.TextChoices):
        WEB = "web", _("Trang nhập liệu")
        CLI = "cli", _("Dòng lệnh")
        API = "api", _("API")

    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("mã băm"), max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    period = models.CharField(_("kỳ"), max_length=7, blank=True)
    source = models.CharField(_("kênh"), max_length=4, choices=Source.choices, default=Source.WEB)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    skip_invalid = models.BooleanField(_("bỏ qua ô lỗi"), default=False)
    counts = models.JSONField(_("số lượng"), default=dict, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    skipped = models.JSONField(_("ô bỏ qua"), default=list, blank=True)
    sheets = models.JSONField(_("các sheet"), default=list, blank=True)
    diff = models.JSONField(_("thay đổi"), default=list, blank=True)
    corrections = models.JSONField(_("sửa tay"), default=dict, blank=True)
    exclusions = models.JSONField(_("ô loại trừ"), default=list, blank=True)
    # What each column and row label was taken to be ({"columns": [...], "units": [...]}, the
    # shape of `import_workbook --json`), and the person's answers to its questions (the
    # `--mapping` shape: {"columns": [{sheet, header, indicator}], "units": [{printed, unit}]}).
    mapping = models.JSONField(_("ánh xạ cột và đơn vị"), default=dict, blank=True)
    answers = models.JSONField(_("ánh xạ do người nhập chọn"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    # When the user confirmed (status COMMITTING): a batch still committing long after this was lost
    # with its queue message and is handed back to the user (services.release_stuck_commits).
    commit_requested_at = models.DateTimeField(_("xác nhận nhập lúc"), null=True, blank=True)
    committed_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)
    undone_at = models.DateTimeField(_("hoàn tác lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lô nhập số liệu")
        verbose_name_plural = _("lô nhập số liệu")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period="") | models.Q(period__regex=PERIOD_REGEX),
                name="%(app_label)s_%(class)s_period_format",
                violation_error_message=_("Kỳ báo cáo phải có dạng YYYY-MM."),
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.filename} ({self.get_status_display()})"

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.PREVIEW and (not self.errors or self.skip_invalid)

    @property
    def can_undo(self) -> bool:
        return self.status == self.Status.COMMITTED


class SavedMapping(models.Model):
    """A column and unit mapping a person confirmed, applied again to the same sender's sheets with
    the same header (shown as `saved`).

    The sender is the uploader's unit (a reporter of one unit) or the user (staff, a reporter of
    several units); neither for the system (the command line without --user). The fingerprint is
    the sheet's header with digits blanked (`imports.formats.columns.fingerprint`), so next
    month's "tháng 12" header is this month's "tháng 11" one."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị gửi"), null=True, blank=True, on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_mappings",
    )
    fingerprint = models.CharField(_("dấu vân tay tiêu đề"), max_length=16)
    sheet = models.CharField(_("trang tính"), max_length=200, blank=True)
    # [{"key": folded header, "header": as printed, "indicator": code or null (ignore)}]
    columns = models.JSONField(_("các cột"), default=list, blank=True)
    # [{"key": folded label, "printed": as printed, "unit": code}]
    units = models.JSONField(_("các đơn vị"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("ánh xạ đã lưu")
        verbose_name_plural = _("ánh xạ đã lưu")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit=None) | models.Q(user=None),
                name="%(app_label)s_%(class)s_one_sender",
                violation_error_message=_(
                    "Ánh xạ thuộc về một đơn vị hoặc một người dùng, không phải cả hai."
                ),
            ),
            # one mapping per sender and header (three partial indexes: NULLs are distinct in SQL)
            models.UniqueConstraint(
                fields=["unit", "fingerprint"],
                condition=models.Q(unit__isnull=False),
                name="%(app_label)s_%(class)s_unique_unit_fingerprint",
                violation_error_message=_("Đơn vị này đã có ánh xạ cho tiêu đề này."),
            ),
            models.UniqueConstraint(
                fields=["user", "fingerprint"],
                condition=models.Q(user__isnull=False),
                name="%(app_label)s_%(class)s_unique_user_fingerprint",
                violation_error_message=_("Người dùng này đã có ánh xạ cho tiêu đề này."),
            ),
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(unit__isnull=True, user__isnull=True),
                name="%(app_label)s_%(class)s_unique_system_fingerprint",
                violation_error_message=_("Đã có ánh xạ của hệ thống cho tiêu đề này."),
            ),
        ]

    def __str__(self):
        sender = self.unit or self.user or _("hệ thống")
        return f"{sender} · {self.sheet} ({self.fingerprint})"
