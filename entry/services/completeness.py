"""Who has reported a month: every expected unit's submission, deadline and timeliness, and the status
engine's completeness counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from indicators.deadlines import reporting_units, unit_deadline
from indicators.models import Completeness, DataValue, Indicator, Submission
from indicators.status import CompletenessSummary
from units.models import Unit


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    WAITING = "waiting"  # not submitted, deadline not passed
    MISSING = "missing"  # not submitted, deadline passed
    STAFF = "staff"  # no submission, the Sở TT&TT entered the values itself


TIMELINESS_LABELS = {
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Trễ hạn",
    Timeliness.WAITING: "Chưa gửi",
    Timeliness.MISSING: "Quá hạn, chưa gửi",
    Timeliness.STAFF: "Sở TT&TT đã nhập",
}


@dataclass
class UnitRow:
    unit: Unit
    period: str
    deadline: datetime.date
    submission: Submission | None
    value_count: int
    timeliness: str

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else ""

    @property
    def state_label(self) -> str:
        return self.submission.get_state_display() if self.submission else "Chưa có báo cáo"

    @property
    def timeliness_label(self) -> str:
        return TIMELINESS_LABELS[self.timeliness]


def expected_units() -> list[Unit]:
    """The units that must send a monthly report (`indicators.deadlines.reporting_units`)."""
    return reporting_units()


def period_overview(
    period: str, today: datetime.date | None = None, units: list[Unit] | None = None
) -> list[UnitRow]:
    """Every expected unit's submission for ``period``: state, deadline, on time / late / missing.

    Three queries whatever the number of units (indicators, submissions, value counts)."""
    today = today or timezone.localdate()
    if units is None:
        # The units that must report, and any other unit that sent this month anyway (nothing sent is
        # ever hidden from the queue).
        units = expected_units()
        known = {u.pk for u in units}
        units += [
            s.unit
            for s in Submission.objects.filter(period=period).exclude(unit_id__in=known).select_related("unit")
        ]
    all_indicators = list(Indicator.objects.order_by("order", "code"))
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(period=period, unit__in=units).select_related(
            "unit", "submitted_by", "decided_by"
        )
    }
    counts = _value_counts(period, units)
    rows = []
    for unit in units:
        indicators = [i for i in all_indicators if unit.level in (i.reported_by or [])]
        sub = subs.get(unit.pk)
        deadline = sub.deadline if sub else unit_deadline(unit, period, indicators)
        if sub and sub.submitted_at:
            timeliness = (
                Timeliness.LATE if timezone.localdate(sub.submitted_at) > deadline else Timeliness.ON_TIME
            )
        elif sub is None and counts.get(unit.pk):
            timeliness = Timeliness.STAFF
        else:
            timeliness = Timeliness.MISSING if today > deadline else Timeliness.WAITING
        rows.append(UnitRow(unit, period, deadline, sub, counts.get(unit.pk, 0), timeliness))
    return rows


def _value_counts(period: str, units) -> dict[int, int]:
    return dict(
        DataValue.objects.filter(period=period, unit__in=units)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("unit_id", "n")
    )


def engine_completeness(period: str, today: datetime.date | None = None) -> list[dict]:
    """The status engine's completeness counts per indicator group for the period, with the rate."""
    today = today or timezone.localdate()
    rows = []
    for row in Completeness.objects.filter(period=period).summary(today):
        summary = CompletenessSummary(row["expected"], row["reported"], row["late"], row["missing"])
        rows.append({**row, "rate": summary.rate})
    return rows


