from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import PERIOD_REGEX
from core.roles import Role, role_of
from units.models import Unit

from ..choices import Source
from .workflow import PENDING_STATES, Submission


class DataValueQuerySet(models.QuerySet):
    def for_period(self, *periods):
        return self.filter(period__in=periods)

    def between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(period__gte=start)
        if end:
            qs = qs.filter(period__lte=end)
        return qs

    def in_level(self, *levels):
        return self.filter(unit__level__in=levels)

    def visible_to(self, user):
        """What ``user`` may read, in one query (an EXISTS subquery, no Python loop).

        Staff read every value. A reporter reads its own units' values, drafts included, and every
        published value. Viewers read published values only; anonymous users nothing (the public
        API uses `published()`). Published = no Submission for the value's (unit, period) in a
        pending state (draft, submitted, returned): values only staff wrote have no Submission and
        are published on commit.
        """
        role = role_of(user)
        if role == Role.STAFF:
            return self.all()
        if role == Role.REPORTER:
            own = Unit.objects.filter(members=user).values("pk")
            return self.filter(Q(unit__in=own) | ~Exists(_pending_submission()))
        if role == Role.VIEWER:
            return self.published()
        return self.none()

    def writable_by(self, user):
        return self.filter(unit__in=Unit.objects.writable_by(user))

    def published(self):
        """Values whose (unit, period) is not waiting for approval: what viewers and anonymous readers
        of the public API (PUBLIC_API=1) see."""
        return self.filter(~Exists(_pending_submission()))

    def with_draft_flag(self):
        """Annotate ``is_draft``: the value's (unit, period) is still waiting for approval."""
        return self.annotate(is_draft=Exists(_pending_submission()))


def _pending_submission():
    return Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), state__in=PENDING_STATES
    )


class DataValue(models.Model):
    """One number: an indicator's value for a unit in a month.

    Periods are months `YYYY-MM`, also for annual KH57 indicators (the June report gives their
    status as of 2023-06). Percentages are stored on a 0–100 scale. `batch_id` is the import batch
    that last wrote the value: a plain column, not a foreign key, so that `indicators` does not
    depend on `imports` and bulk writes skip a third deferred FK check per row.
    """

    # No separate index: the unique constraint's index leads with indicator_id.
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="values", db_index=False
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="values")
    period = models.CharField(_("kỳ"), max_length=7)
    value = models.DecimalField(_("giá trị"), max_digits=24, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(_("tử số"), max_digits=24, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=24, decimal_places=6, null=True, blank=True)
    tiers = models.JSONField(_("giá trị theo cấp"), null=True, blank=True)
    raw = models.CharField(_("nguyên văn"), max_length=500, blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    batch_id = models.BigIntegerField(_("lô nhập"), null=True, blank=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("ghi chú"), blank=True)
    flags = models.JSONField(_("cảnh báo chất lượng"), default=list, blank=True)
    # Set by the write door (not auto_now): an archived report imported by the system keeps the day
    # it was reported (`record_values(recorded_at=…)`), which the completeness engine reads.
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, editable=False)

    objects = DataValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_id", "unit_id", "period"]
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"],
                name="%(app_label)s_%(class)s_unique_indicator_unit_period",
                violation_error_message=_("Đã có số liệu của chỉ tiêu này cho đơn vị và kỳ này."),
            ),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_REGEX),
                name="%(app_label)s_%(class)s_period_format",
                violation_error_message=_("Kỳ báo cáo phải có dạng YYYY-MM."),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "indicator"], name="indicators_value_period_ind"),
            # The status engine's tier pass reads the few tiered values of the changed periods; without
            # this it filtered every value of those periods (60,000 rows of a month for a handful).
            models.Index(fields=["period"], condition=models.Q(tiers__isnull=False), name="indicators_value_tiered"),
        ]

    def __str__(self):
        return f"{self.indicator_id}/{self.unit_id}/{self.period}: {self.value}"

    @property
    def key(self) -> str:
        """The natural key used in audit entries and URLs: INDICATOR/UNIT/YYYY-MM."""
        return f"{self.indicator.code}/{self.unit.code}/{self.period}"
