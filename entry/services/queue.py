"""The staff's approval queue of a month, and the month a page opens on.

The queue lists the units that must report (`indicators.deadlines.reporting_units`), waiting for
approval first; its counts are taken before any filter, over the same units the overview counts as
"phải báo cáo". The periods offered are the months that have data or a report, and the months that
are due (up to the month being reported now).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.periods import add_months, make_period
from indicators.models import DataValue, Submission, SubmissionState
from units.models import Level, Unit

from .completeness import TIMELINESS_LABELS, UnitRow, period_overview

S = SubmissionState

# Waiting for approval first, then what the units still have to do, the finished ones last.
STATE_ORDER = {S.SUBMITTED: 0, S.RETURNED: 1, S.DRAFT: 2, "": 3, S.UNLOCKED: 4, S.APPROVED: 5}
NO_REPORT = "none"
STATE_FILTERS = {
    S.SUBMITTED: "Chờ duyệt",
    S.RETURNED: "Bị trả lại",
    S.DRAFT: "Đang nhập",
    NO_REPORT: "Chưa có báo cáo",
    S.APPROVED: "Đã duyệt",
    S.UNLOCKED: "Đã mở khóa",
}
LEVEL_FILTERS = {Level.AGENCY: str(Level.AGENCY.label), Level.DISTRICT: str(Level.DISTRICT.label)}
DUE_MONTHS_SHOWN = 12  # how many due months back the picker offers without data


@dataclass
class Queue:
    period: str
    rows: list[UnitRow]  # filtered, waiting-for-approval first
    total: int  # units that must report (before filters)
    state_counts: list[tuple[str, str, int]]  # (filter key, label, count), before filters
    timeliness_counts: list[tuple[str, int]]


def _state_key(row: UnitRow) -> str:
    return row.submission.state if row.submission else NO_REPORT


def review_queue(period: str, *, state: str = "", level: str = "", today: datetime.date | None = None) -> Queue:
    rows = period_overview(period, today)
    states: dict[str, int] = {}
    timeliness: dict[str, int] = {}
    for r in rows:
        states[_state_key(r)] = states.get(_state_key(r), 0) + 1
        timeliness[r.timeliness] = timeliness.get(r.timeliness, 0) + 1
    shown = [
        r
        for r in rows
        if (not state or _state_key(r) == state) and (not level or r.unit.level == level)
    ]
    shown.sort(key=lambda r: (STATE_ORDER.get(r.state, 3), r.deadline, r.unit.level != Level.AGENCY, r.unit.order, r.unit.code))
    return Queue(
        period=period,
        rows=shown,
        total=len(rows),
        state_counts=[(k, label, states.get(k, 0)) for k, label in STATE_FILTERS.items()],
        timeliness_counts=[(label, timeliness.get(k, 0)) for k, label in TIMELINESS_LABELS.items()],
    )


def period_choices(today: datetime.date) -> list[str]:
    """Months with data or a report, and the due months of the last year up to the month being
    reported now; newest first."""
    current = make_period(today.year, today.month)
    reported = add_months(current, -1)
    due = {add_months(reported, -n) for n in range(DUE_MONTHS_SHOWN)}
    stored = set(DataValue.objects.values_list("period", flat=True).distinct().order_by())
    stored |= set(Submission.objects.values_list("period", flat=True).distinct().order_by())
    return sorted(due | {p for p in stored if p <= current}, reverse=True)


def staff_period(today: datetime.date) -> str:
    """The month the staff's pages open on: the oldest month with a report waiting for approval, else
    the month being reported now."""
    waiting = Submission.objects.filter(state=S.SUBMITTED).order_by("period").values_list("period", flat=True).first()
    return waiting or add_months(make_period(today.year, today.month), -1)


def reporter_period(units: list[Unit], today: datetime.date) -> str:
    """The month that needs a reporter: a returned report, else a draft (the oldest of each), else the
    month before last if it was never sent (overdue), else the month being reported now if not yet
    sent, else the next month to fall due."""
    current = make_period(today.year, today.month)
    reported = add_months(current, -1)
    subs = list(Submission.objects.filter(unit__in=units).values_list("unit_id", "period", "state"))
    for wanted in ((S.RETURNED,), (S.DRAFT, S.UNLOCKED)):
        periods = sorted(p for _u, p, st in subs if st in wanted)
        if periods:
            return periods[0]
    sent: dict[str, set[int]] = {}
    for unit_id, period, st in subs:
        if st in (S.SUBMITTED, S.APPROVED):
            sent.setdefault(period, set()).add(unit_id)
    own = {u.pk for u in units}
    for period in (add_months(reported, -1), reported):
        if not own <= sent.get(period, set()):
            return period
    return current
