"""The monthly báo cáo chuyên đề: a Report per period, its editorial and data sections, the versions
frozen at each publication and the DOCX/PDF files rendered from them."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.documents.sanitize import clean_html
from core.periods import PERIOD_REGEX
from core.roles import Role, role_of

DEFAULT_OPENING = (
    "Sở Thông tin và Truyền thông (TT&TT), Cơ quan Thường trực Ban Chỉ đạo về chuyển đổi số (CĐS) tỉnh, "
    "gửi báo cáo chuyên đề tham khảo phục vụ công tác lãnh đạo, chỉ đạo, điều phối của Ban Chỉ đạo về "
    "CĐS tỉnh và các sở, ban, ngành, địa phương. Cụ thể như sau:"
)


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff read every report, drafts included; viewers and reporters read published ones."""
        role = role_of(user)
        if role == Role.STAFF:
            return self.all()
        if role in (Role.VIEWER, Role.REPORTER):
            return self.filter(status=Report.Status.PUBLISHED)
        return self.none()


class Report(models.Model):
    """The báo cáo chuyên đề of one month. Draft until published; publishing freezes a ReportVersion.

    `narrative` holds the staff's edits of the generated commentary, per data section key; an empty or
    missing entry means "use the draft generated from the data". `row_orders` keeps, per data table, the
    unit codes in the order the report prints them (a new report starts from the previous one's).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã phát hành")

    period = models.CharField(_("kỳ báo cáo"), max_length=7, unique=True)
    number = models.CharField(_("số"), max_length=40)
    issue_date = models.DateField(_("ngày ban hành"))
    data_date = models.DateField(_("số liệu tính đến ngày"))
    apps_date = models.DateField(
        _("số liệu ứng dụng, tổng đài tính đến ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu trùng với ngày số liệu."),
    )
    opening = models.TextField(_("đoạn mở đầu"), default=DEFAULT_OPENING)
    signer_title = models.CharField(_("chức danh người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    narrative = models.JSONField(_("nhận xét đã chỉnh sửa"), default=dict, blank=True)
    row_orders = models.JSONField(_("thứ tự đơn vị trong các bảng"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        verbose_name = _("báo cáo chuyên đề")
        verbose_name_plural = _("báo cáo chuyên đề")
        constraints = [
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_REGEX),
                name="%(app_label)s_%(class)s_period_format",
                violation_error_message=_("Kỳ báo cáo phải có dạng YYYY-MM."),
            ),
        ]

    def __str__(self):
        return f"Báo cáo chuyên đề tháng {self.month_label} ({self.number})"

    @property
    def month_label(self):
        return f"{int(self.period[5:])}/{self.period[:4]}"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()

    def effective_apps_date(self) -> datetime.date:
        return self.apps_date or self.data_date


class ReportSection(models.Model):
    """A part of the report: an editorial section written by staff (rich text, sanitised on save) or
    the data part, generated from the stored values. Titles and order are editable."""

    class Kind(models.TextChoices):
        EDITORIAL = "editorial", _("Bài viết")
        DATA = "data", _("Số liệu")

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.EDITORIAL)
    title = models.CharField(_("tiêu đề"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    body = models.TextField(_("nội dung"), blank=True)

    class Meta:
        ordering = ["report", "order", "pk"]
        verbose_name = _("mục báo cáo")
        verbose_name_plural = _("mục báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(kind="data"),
                name="%(app_label)s_%(class)s_one_data_section",
                violation_error_message=_("Mỗi báo cáo chỉ có một phần số liệu."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitise on every save, whatever path wrote the body (form, admin, service, shell).
        self.body = clean_html(self.body) if self.kind == self.Kind.EDITORIAL else ""
        super().save(*args, **kwargs)


class ReportVersion(models.Model):
    """What was published: the whole document as JSON (front matter, sections, tables, narrative),
    frozen so that later data changes never alter it; `changes` lists the differences with the
    previous version."""

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    snapshot = models.JSONField(_("nội dung đã phát hành"))
    changes = models.JSONField(_("thay đổi so với phiên bản trước"), default=list, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("phát hành lúc"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phát hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("phiên bản báo cáo")
        verbose_name_plural = _("phiên bản báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="%(app_label)s_%(class)s_unique_report_number",
                violation_error_message=_("Phiên bản này đã tồn tại."),
            ),
        ]

    def __str__(self):
        return f"{self.report} — phiên bản {self.number}"


def report_file_path(instance, filename):
    return f"reports/{instance.report.period}/{filename}"


class ReportFile(models.Model):
    """A DOCX or PDF rendered by a Celery task from a published version (or from the draft)."""

    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    report = models.ForeignKey(Report, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="files")
    version = models.ForeignKey(
        ReportVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    format = models.CharField(_("định dạng"), max_length=4, choices=Format.choices)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=300, blank=True)
    file = models.FileField(_("tệp"), upload_to=report_file_path, blank=True)
    size = models.PositiveIntegerField(_("dung lượng"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["report", "-created_at"]
        verbose_name = _("tệp báo cáo")
        verbose_name_plural = _("tệp báo cáo")

    def __str__(self):
        return f"{self.report.period} {self.format} ({self.get_state_display()})"

    @property
    def download_name(self):
        suffix = f"-v{self.version.number}" if self.version_id else "-ban-nhap"
        return f"bao-cao-chuyen-de-{self.report.period}{suffix}.{self.format}"


IMAGE_FOLDER = "reports/images"
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def image_path(instance, filename):
    """A generated name (the uploader's name is kept in `original_name`): a name of any length or
    alphabet, or one that says `.html`, never reaches the file system."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"{IMAGE_FOLDER}/{uuid.uuid4().hex}.{suffix if suffix in IMAGE_TYPES else 'bin'}"


class ReportImage(models.Model):
    """An image uploaded for an editorial section (the editor inserts it as <figure><img>).

    Stored only after Pillow decoded it and it was re-encoded as PNG or JPEG (`reports.images`);
    `content_type` is what it is served as. A row without one predates that check and is served as a
    download, never inline."""

    image = models.ImageField(_("ảnh"), upload_to=image_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu ảnh"), max_length=20, blank=True)
    width = models.PositiveIntegerField(_("chiều rộng (điểm ảnh)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("chiều cao (điểm ảnh)"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ảnh báo cáo")
        verbose_name_plural = _("ảnh báo cáo")

    def __str__(self):
        return self.original_name or self.image.name

    @property
    def verified(self) -> bool:
        return self.content_type in IMAGE_TYPES.values()
