from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.numbers import Kind
from core.periods import PERIOD_REGEX
from units.models import Level

from ..choices import (
    GROUP_LABELS,
    Aggregation,
    Comparator,
    Cumulative,
    Direction,
    Measure,
    Periodicity,
    Pillar,
)
from ..status import TargetRule, cumulative_kind

KIND_OF_MEASURE = {Measure.PERCENT: Kind.PERCENT, Measure.COUNT: Kind.COUNT, Measure.AMOUNT_VND: Kind.AMOUNT}


class Indicator(models.Model):
    """An indicator of the KH57 plan or of the monthly report.

    `reported_by` lists the unit levels that report it (e.g. ["agency", "district"]); a province
    indicator is reported once, for the province unit.
    """

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    pillar = models.CharField(_("trụ cột"), max_length=3, choices=Pillar.choices)
    group = models.CharField(_("nhóm"), max_length=20, db_index=True)
    measure = models.CharField(_("đơn vị tính"), max_length=12, choices=Measure.choices)
    periodicity = models.CharField(_("kỳ"), max_length=8, choices=Periodicity.choices)
    reported_by = models.JSONField(_("cấp báo cáo"), default=list)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=14, choices=Aggregation.choices)
    direction = models.CharField(
        _("chiều tốt"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    cumulative = models.CharField(
        _("lũy kế"), max_length=12, choices=Cumulative.choices, blank=True, default=Cumulative.NONE
    )
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_indicators",
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    # How tables head this indicator's column, besides its name ("tỷ lệ hồ sơ giải quyết trực
    # tuyến"): the importer matches unseen headers against these (imports/vocabulary.py), so a new
    # phrasing is a catalogue row, not a developer's change. Windows ("trong tháng", "từ đầu năm")
    # are read from the header separately and need not be repeated here.
    headers = models.JSONField(
        _("cách ghi trong tiêu đề bảng"),
        default=list,
        blank=True,
        help_text=_("Các cách ghi tiêu đề cột của chỉ tiêu trong bảng báo cáo (danh sách JSON)."),
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self):
        return f"{self.code} — {self.name}"

    def clean(self):
        valid_levels = set(Level.values)
        if not isinstance(self.reported_by, list) or not set(self.reported_by) <= valid_levels:
            raise ValidationError({"reported_by": _("Cấp báo cáo không hợp lệ.")})
        if not isinstance(self.headers, list) or not all(
            isinstance(h, str) and h.strip() for h in self.headers
        ):
            raise ValidationError({"headers": _("Cách ghi tiêu đề phải là danh sách các chuỗi không rỗng.")})

    @property
    def period_semantics(self) -> str:
        """What one value covers: the month (``Cumulative.NONE``), the year to date (``ytd``: starts again
        each January) or everything since the start (``since_start``). The catalogue's declaration, else
        the code convention (`indicators.status.cumulative_kind`)."""
        return cumulative_kind(self.code, self.cumulative)

    @property
    def number_kind(self) -> Kind:
        """How a typed or printed value of this indicator is read (`core.numbers.read_number`)."""
        return KIND_OF_MEASURE.get(self.measure, Kind.NUMBER)

    @property
    def group_label(self):
        return GROUP_LABELS.get(self.group, self.group)

    @property
    def is_percent(self):
        return self.measure == Measure.PERCENT


class TargetQuerySet(models.QuerySet):
    def for_year(self, year):
        return self.filter(year=year)


class Target(models.Model):
    """A target for one year, set for a whole level (tiered) or for one unit.

    A unit target beats a level target. `effective_from` (YYYY-MM) is the first period judged
    against it; a value before `deadline` that does not meet it yet is "đang thực hiện".
    """

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    comparator = models.CharField(_("so sánh"), max_length=5, choices=Comparator.choices)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4)
    value_max = models.DecimalField(
        _("giá trị tối đa"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    effective_from = models.CharField(_("áp dụng từ kỳ"), max_length=7, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    source_text = models.CharField(_("nguyên văn"), max_length=300, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__order", "indicator__code", "year", "level", "unit__code"]
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=True) & ~Q(level="")) | (Q(unit__isnull=False) & Q(level="")),
                name="%(app_label)s_%(class)s_level_xor_unit",
                violation_error_message=_(
                    "Chỉ tiêu phải gắn với một cấp hoặc một đơn vị, không phải cả hai."
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "level"],
                condition=Q(unit__isnull=True),
                name="%(app_label)s_%(class)s_unique_level_target",
                violation_error_message=_("Chỉ tiêu này đã có giá trị cho cấp và năm này."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "unit"],
                condition=Q(unit__isnull=False),
                name="%(app_label)s_%(class)s_unique_unit_target",
                violation_error_message=_("Chỉ tiêu này đã có giá trị cho đơn vị và năm này."),
            ),
            models.CheckConstraint(
                condition=Q(effective_from="") | Q(effective_from__regex=PERIOD_REGEX),
                name="%(app_label)s_%(class)s_effective_from_format",
            ),
            models.CheckConstraint(
                condition=~Q(comparator="range") | Q(value_max__isnull=False),
                name="%(app_label)s_%(class)s_range_has_max",
                violation_error_message=_("Chỉ tiêu dạng khoảng phải có giá trị tối đa."),
            ),
        ]

    def __str__(self):
        who = self.unit.code if self.unit_id else self.get_level_display()
        return f"{self.indicator.code} {self.year} {who}: {self.describe()}"

    def as_rule(self) -> TargetRule:
        """The target as the pure rules (`indicators.status`) judge with it: one place that maps a row to
        a `TargetRule`, for the engine, the forms, the API and the báo cáo alike. A level target applies
        to its level; a unit target (blank level) to its unit only."""
        return TargetRule(
            comparator=self.comparator,
            value=self.value,
            value_max=self.value_max,
            year=self.year,
            levels=frozenset([self.level]) if self.level else frozenset(),
            unit=self.unit_id,
            effective_from=self.effective_from or None,
            deadline=self.deadline,
            pk=self.pk,
        )

    def describe(self):
        if self.comparator == Comparator.RANGE:
            return f"{self.value:g}–{self.value_max:g}"
        return f"{self.comparator} {self.value:g}"


class DTIPillar(models.Model):
    """A pillar of the DTI assessment with its maximum points, per level (agency or district)."""

    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["level", "order"]
        verbose_name = _("trụ cột DTI")
        verbose_name_plural = _("trụ cột DTI")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"], name="%(app_label)s_%(class)s_unique_level_code"
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.name}"


class DTIScore(models.Model):
    """A unit's DTI points in one pillar for one year."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="dti_scores")
    year = models.PositiveSmallIntegerField(_("năm"))
    pillar = models.ForeignKey(DTIPillar, verbose_name=_("trụ cột"), on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=2)
    raw = models.CharField(_("nguyên văn"), max_length=50, blank=True)
    batch_id = models.BigIntegerField(_("lô nhập"), null=True, blank=True)

    class Meta:
        ordering = ["year", "unit__order", "pillar__order"]
        verbose_name = _("điểm DTI")
        verbose_name_plural = _("điểm DTI")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "pillar"], name="%(app_label)s_%(class)s_unique_unit_year_pillar"
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.pillar_id}: {self.score}"
