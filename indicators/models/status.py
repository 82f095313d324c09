"""What the status engine computes (indicators/engine/). Never written by hand: every row is derived
from DataValue, Target and the catalogue, and a recompute replaces it."""

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..choices import Status
from ..status import flags_from_bits


class ValueStatus(models.Model):
    """The status of one stored value: the target that applied, đạt / không đạt, progress, the change
    since the same unit's previous report and the quality flags.

    Keyed by the value itself (one row per DataValue). `target_id` is a plain column, not a foreign key:
    the engine rewrites millions of these rows set-based and a second deferred FK check per row would
    cost about as much as the write itself; a target change triggers a recompute anyway.
    """

    data_value = models.OneToOneField(
        "indicators.DataValue", verbose_name=_("số liệu"), on_delete=models.CASCADE, primary_key=True, related_name="status"
    )
    target_id = models.BigIntegerField(_("chỉ tiêu kế hoạch"), null=True, blank=True)
    target_value = models.DecimalField(_("chỉ tiêu"), max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices)
    progress = models.DecimalField(
        _("% so với chỉ tiêu"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    previous_period = models.CharField(_("kỳ so sánh"), max_length=7, blank=True)
    previous_value = models.DecimalField(
        _("số liệu kỳ trước"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    change = models.DecimalField(_("thay đổi"), max_digits=24, decimal_places=6, null=True, blank=True)
    change_pct = models.DecimalField(
        _("thay đổi (%)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    change_text = models.CharField(_("so với kỳ trước"), max_length=40, blank=True)
    increment = models.DecimalField(_("tăng thêm"), max_digits=24, decimal_places=6, null=True, blank=True)
    flags = models.PositiveIntegerField(_("cảnh báo chất lượng"), default=0)
    tiers = models.JSONField(_("trạng thái theo cấp"), null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái số liệu")
        verbose_name_plural = _("trạng thái số liệu")

    def __str__(self):
        return f"{self.data_value_id}: {self.get_status_display()}"

    @property
    def flag_list(self) -> list[str]:
        return flags_from_bits(self.flags)


class SeriesStats(models.Model):
    """The median and median absolute deviation of one (indicator, unit) series, for the outlier flag.

    Written by the full recompute (`engine.recompute_all`, nightly and `recompute_status --all`) from
    every value of the series. The incremental recompute after a write judges the rows it rewrites
    against these numbers instead of re-reading each touched series' whole history: that read was
    nearly all of its cost (9.4 s of the B4b task). Between two full recomputes the statistics therefore
    do not include the values written since, and the outlier flag of a series' older rows is the one the
    last full recompute gave; the nightly job brings both up to date. Only series with at least
    `OUTLIER_MIN_HISTORY` values have a row.

    Foreign keys without database constraints: rows are derived and replaced wholesale, the ORM still
    cascades deletes of a unit or an indicator.
    """

    pk = models.CompositePrimaryKey("indicator", "unit")
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # No index of its own either: the primary key serves the engine's joins; deleting a unit scans 40k rows.
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    # Floats on purpose: PostgreSQL's percentile_cont returns double precision, and the engine casts it
    # to numeric exactly where the former in-query statistics did, so both give the same flags.
    median = models.FloatField(_("trung vị"))
    mad = models.FloatField(_("độ lệch tuyệt đối trung vị"))
    count = models.PositiveIntegerField(_("số giá trị"))

    class Meta:
        verbose_name = _("thống kê chuỗi số liệu")
        verbose_name_plural = _("thống kê chuỗi số liệu")

    def __str__(self):
        return f"{self.indicator_id}/{self.unit_id}: {self.median} ± {self.mad} ({self.count})"


class ProvinceAggregate(models.Model):
    """An indicator's province figure for one period, rolled up from the units by the indicator's
    aggregation rule, beside the total the report printed (the province unit's own value).

    `expected` is how many units must report the indicator that period (the pinned Completeness rows
    of its group at the levels that report it), `covered` how many of them are in the roll-up (a
    published value). A roll-up with covered < expected is partial: readers label it and never print a
    partial sum as the province total (indicators/coverage.py)."""

    indicator = models.ForeignKey("indicators.Indicator", verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="aggregates")
    period = models.CharField(_("kỳ"), max_length=7)
    computed = models.DecimalField(
        _("tổng tính được"), max_digits=28, decimal_places=6, null=True, blank=True
    )
    printed = models.DecimalField(
        _("tổng in trong báo cáo"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    unit_count = models.PositiveIntegerField(_("số đơn vị"), default=0)
    covered = models.PositiveIntegerField(_("số đơn vị phải báo cáo đã có số liệu"), default=0)
    expected = models.PositiveIntegerField(_("số đơn vị phải báo cáo"), default=0)
    mismatch = models.BooleanField(_("không khớp"), default=False)
    message = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator_id", "period"]
        verbose_name = _("tổng hợp toàn tỉnh")
        verbose_name_plural = _("tổng hợp toàn tỉnh")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="%(app_label)s_%(class)s_unique_indicator_period"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id}/{self.period}: {self.computed} (in: {self.printed})"

    @property
    def partial(self) -> bool:
        """Fewer units in the roll-up than must report (unknown coverage, expected = 0, is not partial)."""
        return self.covered < self.expected


class CompletenessQuerySet(models.QuerySet):
    def summary(self, today):
        """Counts per (period, group): expected, reported, late, missing (due date passed, nothing)."""
        return (
            self.values("period", "group")
            .annotate(
                expected=Count("id"),
                reported=Count("id", filter=Q(reported_on__isnull=False)),
                late=Count("id", filter=Q(reported_on__gt=models.F("due_on"))),
                missing=Count("id", filter=Q(reported_on__isnull=True, due_on__lt=today)),
            )
            .order_by("period", "group")
        )


class Completeness(models.Model):
    """One unit expected to report one indicator group for one period.

    The expected units are pinned the first time a period is computed for a group: units created or
    deactivated later do not change that period's denominator, so the rate never exceeds 100 %.
    """

    period = models.CharField(_("kỳ"), max_length=7)
    group = models.CharField(_("nhóm chỉ tiêu"), max_length=20)
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("hạn báo cáo"))
    reported_on = models.DateField(_("ngày báo cáo"), null=True, blank=True)

    objects = CompletenessQuerySet.as_manager()

    class Meta:
        ordering = ["period", "group", "unit_id"]
        verbose_name = _("tình hình báo cáo")
        verbose_name_plural = _("tình hình báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "group", "unit"], name="%(app_label)s_%(class)s_unique_period_group_unit"
            )
        ]

    def __str__(self):
        return f"{self.period}/{self.group}/{self.unit_id}: {self.reported_on or '-'}"

    @property
    def late(self) -> bool:
        return self.reported_on is not None and self.reported_on > self.due_on
