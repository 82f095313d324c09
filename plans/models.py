"""The Ban Chỉ đạo's annual plan: its tasks per member agency, the agencies' quarterly progress reports
(approved like the monthly data), their evidence, the reminder log and the Sở TT&TT's published
quarterly syntheses."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import MAX_YEAR, MIN_YEAR, QUARTER_REGEX, quarter_label, quarter_year
from core.reviews import ReviewedReport
from core.roles import Role, role_of
from indicators.choices import Pillar
from units.models import Unit

from .choices import ReminderKind, ReportState, TaskKind, TaskState

REF_REGEX = r"^[IVXLC]+(\.[0-9]{1,3}){0,3}$"


class Plan(models.Model):
    """One year's plan of the Ban Chỉ đạo (Kế hoạch hoạt động năm …)."""

    year = models.PositiveSmallIntegerField(
        _("năm"), unique=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    number = models.CharField(_("số hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 25/KH-BCĐ"))
    decided_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kế hoạch hoạt động")
        verbose_name_plural = _("kế hoạch hoạt động")

    def __str__(self):
        return self.title


class PlanTaskQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(plan__year=year)

    def with_latest(self):
        """Annotate each task with its latest approved quarterly report: ``latest_quarter``,
        ``latest_state``, ``latest_percent`` (None when no report of the task is approved yet)."""
        approved = TaskProgress.objects.filter(task=OuterRef("pk"), report__state=ReportState.APPROVED).order_by(
            "-quarter"
        )
        return self.annotate(
            latest_quarter=models.Subquery(approved.values("quarter")[:1]),
            latest_state=models.Subquery(approved.values("state")[:1]),
            latest_percent=models.Subquery(approved.values("percent")[:1]),
        )

    def overdue(self, today):
        """Tasks whose due date has passed and whose latest approved state is not done (needs
        `with_latest`)."""
        return self.filter(Q(due__lt=today) & (Q(latest_state__isnull=True) | ~Q(latest_state=TaskState.DONE)))


class PlanTask(models.Model):
    """A task of the plan, as printed: one bullet of §IV for its agency (a paragraph without bullets is
    one task), or one of the committee's activities of §III (the Sở TT&TT's to report)."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    ref = models.CharField(
        _("số thứ tự"), max_length=20, help_text=_("Mục trong kế hoạch, ví dụ IV.2.2 (mục IV, cơ quan 2, ý 2)")
    )
    section = models.CharField(_("mục"), max_length=20, help_text=_("Mục của kế hoạch, ví dụ IV.2"))
    kind = models.CharField(_("loại"), max_length=10, choices=TaskKind.choices, default=TaskKind.ASSIGNED)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="plan_tasks"
    )
    title = models.CharField(_("tên ngắn"), max_length=200)
    text = models.TextField(_("nội dung (nguyên văn)"))
    due = models.DateField(_("thời hạn"), null=True, blank=True, help_text=_("Ngày cuối cùng còn đúng hạn"))
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("chỉ tiêu phục vụ"), blank=True, related_name="plan_tasks"
    )
    pillar = models.CharField(_("trụ cột"), max_length=3, choices=Pillar.choices, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    objects = PlanTaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "ref"],
                name="%(app_label)s_%(class)s_unique_plan_ref",
                violation_error_message=_("Kế hoạch đã có nhiệm vụ mang số thứ tự này."),
            ),
            models.CheckConstraint(
                condition=Q(ref__regex=REF_REGEX),
                name="%(app_label)s_%(class)s_ref_format",
                violation_error_message=_("Số thứ tự phải có dạng III.1 hoặc IV.2.2."),
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def clean(self):
        if self.unit_id and not Unit.objects.filter(pk=self.unit_id, active=True).exists():
            raise ValidationError({"unit": _("Đơn vị này không còn hoạt động.")})


class QuarterReportQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=ReportState.APPROVED)


class QuarterReport(ReviewedReport):
    """A member agency's report of its tasks for one quarter: the unit of submission and approval.

    One per (unit, quarter). `deadline` is fixed when the report is created (a later change of the
    setting does not move it); `version` grows with every transition and every write, so a page or a
    client holding an older version is told it is stale.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="plan_reports"
    )
    quarter = models.CharField(_("quý"), max_length=7)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    comment = models.TextField(_("ý kiến của Sở TT&TT"), blank=True)

    objects = QuarterReportQuerySet.as_manager()

    class Meta:
        ordering = ["quarter", "unit__order", "unit__code"]
        verbose_name = _("báo cáo quý")
        verbose_name_plural = _("báo cáo quý")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "quarter"],
                name="%(app_label)s_%(class)s_unique_unit_quarter",
                violation_error_message=_("Cơ quan đã có báo cáo cho quý này."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=QUARTER_REGEX),
                name="%(app_label)s_%(class)s_quarter_format",
                violation_error_message=_("Quý phải có dạng YYYY-Qn."),
            ),
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.quarter}: {self.state}"

    def clean(self):
        if self.plan_id and self.quarter and quarter_year(self.quarter) != self.plan.year:
            raise ValidationError({"quarter": _("Quý không thuộc năm của kế hoạch.")})

    @property
    def label(self) -> str:
        return f"{self.unit.name}, {quarter_label(self.quarter)}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and timezone.localdate(self.submitted_at) > self.deadline


class TaskProgressQuerySet(models.QuerySet):
    def published(self):
        """Reports the Sở TT&TT has approved: what the Ban Chỉ đạo reads."""
        return self.filter(report__state=ReportState.APPROVED)

    def visible_to(self, user):
        """Staff read every report; a reporter its own units' reports in any state and the approved
        reports of the others; viewers approved reports; anonymous callers nothing."""
        role = role_of(user)
        if role == Role.STAFF:
            return self.all()
        if role == Role.REPORTER:
            own = Unit.objects.filter(members=user).values("pk")
            return self.filter(Q(report__unit__in=own) | Q(report__state=ReportState.APPROVED))
        if role == Role.VIEWER:
            return self.published()
        return self.none()


class TaskProgress(models.Model):
    """What an agency reports on one task for one quarter. Its approval is its quarter report's state
    (`approval`): the agency submits the quarter's report as a whole and the Sở TT&TT approves or returns
    it as a whole, like a month of data."""

    task = models.ForeignKey(PlanTask, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="progress")
    report = models.ForeignKey(
        QuarterReport, verbose_name=_("báo cáo quý"), on_delete=models.CASCADE, related_name="items"
    )
    quarter = models.CharField(_("quý"), max_length=7)
    state = models.CharField(_("tình trạng"), max_length=12, choices=TaskState.choices)
    percent = models.PositiveSmallIntegerField(
        _("tỷ lệ hoàn thành (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done = models.TextField(_("kết quả thực hiện"), blank=True)
    issues = models.TextField(_("khó khăn, vướng mắc, đề xuất"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        ordering = ["task__order", "quarter"]
        verbose_name = _("tiến độ nhiệm vụ")
        verbose_name_plural = _("tiến độ nhiệm vụ")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "quarter"],
                name="%(app_label)s_%(class)s_unique_task_quarter",
                violation_error_message=_("Nhiệm vụ đã có báo cáo cho quý này."),
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="%(app_label)s_%(class)s_percent_0_100",
                violation_error_message=_("Tỷ lệ hoàn thành phải từ 0 đến 100."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=QUARTER_REGEX),
                name="%(app_label)s_%(class)s_quarter_format",
                violation_error_message=_("Quý phải có dạng YYYY-Qn."),
            ),
        ]

    def __str__(self):
        return f"{self.task_id}/{self.quarter}: {self.state} {self.percent}%"

    @property
    def approval(self) -> str:
        return self.report.state

    def get_approval_display(self) -> str:
        return self.report.get_state_display()


def evidence_path(instance, filename):
    # A random name: the original one is kept in `filename` and never used on disk.
    return f"plan-evidence/{instance.progress.quarter}/{uuid.uuid4().hex}"


class ProgressEvidence(models.Model):
    """A PDF or an image attached to a task's quarterly report, served only through a view that checks
    the reader may see that report."""

    # The address of the file (/ke-hoach/minh-chung/<key>/): not a sequential id anyone could count up.
    key = models.UUIDField(_("mã tệp"), default=uuid.uuid4, unique=True, editable=False)
    progress = models.ForeignKey(
        TaskProgress, verbose_name=_("báo cáo nhiệm vụ"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=40)
    size = models.PositiveIntegerField(_("kích thước"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("minh chứng nhiệm vụ")
        verbose_name_plural = _("minh chứng nhiệm vụ")

    def __str__(self):
        return self.filename


class PlanReminder(models.Model):
    """One reminder sent to an agency for a quarter. The unique constraint makes sending idempotent: the
    task inserts the row first and mails only when the insert created it."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(_("quý"), max_length=7)
    kind = models.CharField(_("loại"), max_length=8, choices=ReminderKind.choices)
    recipients = models.JSONField(_("người nhận"), default=list)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["quarter", "unit_id", "kind"]
        verbose_name = _("thư nhắc báo cáo quý")
        verbose_name_plural = _("thư nhắc báo cáo quý")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "quarter", "kind"], name="%(app_label)s_%(class)s_unique_unit_quarter_kind"
            )
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.quarter}/{self.kind}"


class PlanSynthesis(models.Model):
    """A published version of the Sở TT&TT's quarterly synthesis for the head of the committee.

    `document` is the whole report as it was at publication (the same dict the draft page renders from
    the live data), so the published HTML, DOCX and PDF never change when reports are edited later.
    Publishing again makes a new version; the newest is the one served.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="syntheses")
    quarter = models.CharField(_("quý"), max_length=7)
    version = models.PositiveIntegerField(_("lần phát hành"), default=1)
    number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    document = models.JSONField(_("nội dung đã phát hành"))
    published_at = models.DateTimeField(_("phát hành lúc"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phát hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-quarter", "-version"]
        verbose_name = _("báo cáo tổng hợp quý")
        verbose_name_plural = _("báo cáo tổng hợp quý")
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "version"], name="%(app_label)s_%(class)s_unique_quarter_version"
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=QUARTER_REGEX),
                name="%(app_label)s_%(class)s_quarter_format",
                violation_error_message=_("Quý phải có dạng YYYY-Qn."),
            ),
        ]

    def __str__(self):
        return f"Báo cáo tổng hợp {quarter_label(self.quarter)} (lần {self.version})"
