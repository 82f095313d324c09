from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Source


class ValueChangeQuerySet(models.QuerySet):
    def for_value(self, indicator_id: int, unit_id: int, period: str):
        return self.filter(indicator_id=indicator_id, unit_id=unit_id, period=period)

    def for_unit_period(self, unit_id: int, period: str):
        return self.filter(unit_id=unit_id, period=period)

    def update(self, **kwargs):
        raise PermissionError("Value changes are never edited")

    def delete(self):
        raise PermissionError("Value changes are never deleted")


class ValueChange(models.Model):
    """One change of one value, written by the write door (`indicators.services.record_values`) in
    the same transaction as the value itself — on the bulk path in the same statement.

    Narrow and typed (DHIS2's data value audit is the model): the value before and after, and the
    numerator, denominator, tiers and note *only where they changed* — a pair of NULLs means
    "unchanged" (a field changed iff before IS DISTINCT FROM after). `action` says whether the row
    was created, updated or deleted (an undo's "record its absence"). `batch_id` is the import batch
    the write belongs to: its commit (source "import") or its undo (source "undo").

    The chain of a value is its rows in id order: every row's `value_before` is the previous row's
    `value_after`. Rows are never edited or deleted.

    `indicator`, `unit` and `user` are foreign keys without a database constraint (the ORM still
    protects indicators and units that have history): each constraint would cost a deferred check
    per row, ~0.65 s per 200,000 changed values, for ids copied from rows that were just checked.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Tạo mới")
        UPDATED = "updated", _("Sửa")
        DELETED = "deleted", _("Xóa")

    id = models.BigAutoField("ID", primary_key=True)
    batch_id = models.BigIntegerField(_("lô nhập"), null=True, blank=True, db_index=True)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("chỉ tiêu"),
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    period = models.CharField(_("kỳ"), max_length=7)
    action = models.CharField(_("thao tác"), max_length=7, choices=Action.choices)
    value_before = models.DecimalField(
        _("giá trị trước"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    value_after = models.DecimalField(
        _("giá trị sau"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    numerator_before = models.DecimalField(
        _("tử số trước"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    numerator_after = models.DecimalField(
        _("tử số sau"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    denominator_before = models.DecimalField(
        _("mẫu số trước"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    denominator_after = models.DecimalField(
        _("mẫu số sau"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    tiers_before = models.JSONField(_("theo cấp trước"), null=True, blank=True)
    tiers_after = models.JSONField(_("theo cấp sau"), null=True, blank=True)
    # NULL, not "": NULL is "unchanged", "" is a note that was (or became) empty.
    note_before = models.TextField(_("ghi chú trước"), null=True, blank=True)  # noqa: DJ001
    note_after = models.TextField(_("ghi chú sau"), null=True, blank=True)  # noqa: DJ001
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    source = models.CharField(_("kênh"), max_length=8, choices=Source.choices)
    # A default rather than auto_now_add: the migration of the old audit entries keeps their times.
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, editable=False)

    objects = ValueChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("thay đổi số liệu")
        verbose_name_plural = _("nhật ký thay đổi số liệu")
        # One index serves a value's history (unit, period, indicator) and a unit's month (unit,
        # period); undo reads by batch_id. Nothing else looks changes up.
        indexes = [models.Index(fields=["unit", "period", "indicator"], name="indicators_change_key")]

    def __str__(self):
        return f"{self.indicator_id}/{self.unit_id}/{self.period} {self.action} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Value changes are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Value changes are never deleted")

    def changed(self, name: str) -> bool:
        """Whether ``name`` (numerator, denominator, tiers, note) changed in this row."""
        return getattr(self, f"{name}_before") != getattr(self, f"{name}_after")
