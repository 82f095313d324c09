"""Pure rules of the status engine: which target applies, đạt / không đạt, the change since the previous
report worded as the printed reports word it, cumulative increments, province roll-ups, quality flags and
completeness.

Nothing here touches the database. `indicators/engine/` runs the same rules set-based in SQL; the tests
of the engine compare its rows with these functions, so this module is the specification.

Numbers are `Decimal` (percentages on a 0–100 scale, as `DataValue.value` stores them); floats and ints
are accepted and converted through `str()` so 92.9 stays 92.9.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.numbers import format_number
from core.periods import is_january, last_day, months_between, next_month, same_year, year_of

from .choices import Aggregation, Comparator, Cumulative, Direction, Measure, QualityFlag, Status

HUNDRED = Decimal(100)

# Modified z-score outlier rule (Iglewicz & Hoaglin, 1993): M = 0.6745 (x − median) / MAD over the
# unit's own series for the indicator; |M| > 3.5 is their recommended cut-off. Fewer than 6 values is not
# a history, and a series whose MAD is 0 (e.g. a unit at 100 % every month) has no spread to judge by, so
# neither is ever flagged: a single 92,9 % among eleven 100 % months is a fact, not an outlier.
OUTLIER_THRESHOLD = Decimal("3.5")
OUTLIER_MIN_HISTORY = 6
MODIFIED_Z_FACTOR = Decimal("0.6745")

# Rounding allowed between what a report prints and what we compute: percentages are printed with at
# most two decimals but often as whole numbers ("99%"), counts as integers. Half a printed unit.
PERCENT_TOLERANCE = Decimal("0.5")
COUNT_TOLERANCE = Decimal("0.5")

# Levels of a tiered indicator (CQS-WORK-ONLINE), in the order reports print the values.
TIER_LEVELS = ("province", "district", "commune")


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


# --------------------------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class TargetRule:
    """A target as the rules need it (the engine builds these from `Target` rows).

    ``levels`` are the unit levels the target applies to (``agency|district`` in the catalogue is two
    levels); ``unit`` is set instead when the target is for one unit only. ``effective_from`` is a period;
    ``deadline`` a date ("trước tháng 9/2023" is stored as 2023-09-30).
    """

    comparator: str
    value: Decimal
    value_max: Decimal | None = None
    year: int | None = None
    levels: frozenset[str] = frozenset()
    unit: object = None
    effective_from: str | None = None
    deadline: datetime.date | None = None
    pk: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "value", to_decimal(self.value))
        object.__setattr__(self, "value_max", to_decimal(self.value_max))
        if isinstance(self.levels, str):
            object.__setattr__(
                self, "levels", frozenset(self.levels.split("|")) if self.levels else frozenset()
            )
        else:
            object.__setattr__(self, "levels", frozenset(self.levels))


def choose_target(targets: Iterable[TargetRule], *, period: str, unit=None, level: str | None = None):
    """The target that applies to a value of ``unit`` (at ``level``) for ``period``, or None.

    Only targets of the period's year that are already effective count. A target set for the unit itself
    beats a target for its level; among several of the same kind the most recently effective one wins.
    """
    year = year_of(period)
    applicable = [
        t
        for t in targets
        if (t.year is None or t.year == year) and (not t.effective_from or t.effective_from <= period)
    ]
    own = [t for t in applicable if t.unit is not None and unit is not None and t.unit == unit]
    if own:
        return max(own, key=lambda t: t.effective_from or "")
    by_level = [t for t in applicable if t.unit is None and level in t.levels]
    if by_level:
        return max(by_level, key=lambda t: t.effective_from or "")
    return None


# ---------------------------------------------------------------------------------------------- status
@dataclass(frozen=True)
class Evaluation:
    status: str
    progress: Decimal | None = None
    target: TargetRule | None = None


def is_met(value, target: TargetRule) -> bool:
    value = to_decimal(value)
    comparator = target.comparator
    if comparator == Comparator.GTE:
        return value >= target.value
    if comparator == Comparator.GT:
        return value > target.value
    if comparator == Comparator.LTE:
        return value <= target.value
    if comparator == Comparator.LT:
        return value < target.value
    if comparator == Comparator.RANGE:
        # Met from the lower bound, inclusive, up to the upper bound, inclusive ("20-30%").
        upper = target.value_max
        return value >= target.value and (upper is None or value <= upper)
    raise ValueError(f"unknown comparator {comparator!r}")


def progress_of(value, target: TargetRule, direction: str = Direction.UP) -> Decimal | None:
    """Value as a percent of the target, two decimals; for lower-is-better indicators target / value.

    A lower-is-better value of 0 has fully reached any non-negative target (100 %); a target of 0 for a
    higher-is-better indicator has no meaningful ratio (None).
    """
    value = to_decimal(value)
    if value is None or target is None:
        return None
    if direction == Direction.DOWN:
        if value <= 0:
            return HUNDRED if target.value >= 0 else None
        ratio = target.value / value * HUNDRED
    else:
        if target.value == 0:
            return None
        ratio = value / target.value * HUNDRED
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluate(value, target: TargetRule | None, *, period: str | None = None, direction: str = Direction.UP):
    """Status and progress of one value against the target that applies to it.

    No value → chưa có số liệu; no target → chưa có chỉ tiêu. A value that misses a target whose deadline
    falls after the end of the value's month is "đang thực hiện", not "không đạt": the June figure of a
    "before 09/2023" target is work in progress, the September figure is judged.
    """
    value = to_decimal(value)
    if value is None:
        return Evaluation(Status.NO_DATA, None, target)
    if target is None:
        return Evaluation(Status.NO_TARGET, None, None)
    progress = progress_of(value, target, direction)
    if is_met(value, target):
        return Evaluation(Status.MET, progress, target)
    if target.deadline and period and last_day(period) < target.deadline:
        return Evaluation(Status.IN_PROGRESS, progress, target)
    return Evaluation(Status.NOT_MET, progress, target)


@dataclass(frozen=True)
class TieredEvaluation:
    status: str
    levels: dict = field(default_factory=dict)  # level -> Evaluation
    progress: Decimal | None = None


# When levels disagree, the worst one decides the overall status.
_OVERALL_ORDER = (Status.NOT_MET, Status.IN_PROGRESS, Status.NO_DATA, Status.MET)


def evaluate_tiers(
    tiers: Mapping[str, object] | None,
    targets: Iterable[TargetRule],
    *,
    period: str,
    direction: str = Direction.UP,
) -> TieredEvaluation:
    """A tiered indicator: one value and one target per level; overall đạt only if every level is met.

    ``tiers`` is the JSON stored on the province's value, e.g. ``{"province": 95, "district": 92,
    "commune": 70}``. A level with a target but no value leaves the overall at "chưa có số liệu" unless
    another level already failed.
    """
    tiers = tiers or {}
    targets = list(targets)
    per_level = {}
    for level in TIER_LEVELS + tuple(sorted(set(tiers) - set(TIER_LEVELS))):
        target = choose_target(targets, period=period, level=level)
        if target is None and level not in tiers:
            continue
        per_level[level] = evaluate(tiers.get(level), target, period=period, direction=direction)
    judged = [e for e in per_level.values() if e.status != Status.NO_TARGET]
    if not judged:
        status = Status.NO_TARGET if tiers else Status.NO_DATA
        return TieredEvaluation(status, per_level, None)
    statuses = {e.status for e in judged}
    overall = next(s for s in _OVERALL_ORDER if s in statuses)
    progresses = [e.progress for e in judged if e.progress is not None]
    return TieredEvaluation(overall, per_level, min(progresses) if progresses else None)


# ---------------------------------------------------------------------------- change since last report
def _places(decimals: int) -> int | None:
    """`core.numbers.format_number` places for "at most `decimals`, no trailing zeros"."""
    return None if decimals == 2 else decimals


def change_text(change, measure: str) -> str:
    """The printed wording: percent indicators in percentage points (``Tăng 0,9%``, ``Giảm 7,1%``,
    ``Tăng 0,05%``, ``Tăng 10%``, ``Bằng``); counts and amounts as whole numbers (``Tăng 1.336``).
    """
    change = to_decimal(change)
    if change is None:
        return ""
    decimals = 2 if measure == Measure.PERCENT else 0
    rounded = change.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "Bằng"
    word = "Tăng" if rounded > 0 else "Giảm"
    suffix = "%" if measure == Measure.PERCENT else ""
    return f"{word} {format_number(abs(rounded), _places(decimals))}{suffix}"


def cumulative_kind(code: str, declared: str = "") -> str:
    """The catalogue's declaration wins; otherwise the code convention: ``-YTD`` resets each January,
    ``-CUM`` never does."""
    if declared:
        return declared
    if code.endswith("-YTD"):
        return Cumulative.YEAR_TO_DATE
    if code.endswith("-CUM"):
        return Cumulative.SINCE_START
    return Cumulative.NONE


def restarts(cumulative: str, previous_period: str | None, period: str) -> bool:
    """A year-to-date series starts again in January: across a year boundary (or with no earlier value in
    a January) a smaller value is not a drop and the increment is the value itself. The one place this
    rule is written in Python; the engine's SQL states the same (`indicators/engine/`)."""
    if cumulative != Cumulative.YEAR_TO_DATE:
        return False
    if previous_period is None:
        return is_january(period)
    return not same_year(previous_period, period)


@dataclass(frozen=True)
class Change:
    previous_period: str | None = None
    previous_value: Decimal | None = None
    change: Decimal | None = None  # percentage points for percent indicators
    change_pct: Decimal | None = None  # relative change in %, counts and amounts only
    change_text: str = ""
    increment: Decimal | None = None  # counts and amounts: what was added since the previous report
    cumulative_drop: bool = False


def compare_with_previous(
    value,
    previous_value,
    *,
    period: str,
    previous_period: str | None,
    measure: str,
    cumulative: str = Cumulative.NONE,
) -> Change:
    """Compare a value with the same unit's most recent earlier value (the caller finds it: reports are
    irregular, so August compares with July and November with October, whatever lies between).

    A year-to-date count restarts in January: across a year boundary (or with no earlier value in a
    January) its increment is the value itself and a smaller value is not a drop.
    """
    value, previous_value = to_decimal(value), to_decimal(previous_value)
    if value is None:
        return Change()
    restarted = restarts(cumulative, previous_period, period)
    increment = None
    if measure != Measure.PERCENT:
        if restarted:
            increment = value
        elif previous_value is not None:
            increment = value - previous_value
    if previous_value is None:
        return Change(increment=increment)
    delta = value - previous_value
    change_pct = None
    if measure != Measure.PERCENT and previous_value != 0:
        change_pct = (delta / previous_value * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    drop = cumulative in (Cumulative.YEAR_TO_DATE, Cumulative.SINCE_START) and not restarted and delta < 0
    return Change(
        previous_period=previous_period,
        previous_value=previous_value,
        change=delta,
        change_pct=change_pct,
        change_text=change_text(delta, measure),
        increment=increment,
        cumulative_drop=drop,
    )


def monthly_increments(series: Mapping[str, object], cumulative: str) -> dict[str, Decimal | None]:
    """Per-month increment of a cumulative series ``{period: value}``: YTD(m) − YTD(m−1), with the
    January value itself for year-to-date series. A month whose previous month is missing gets None
    (the gap hides how the change splits over the months)."""
    out = {}
    for period in sorted(series):
        value = to_decimal(series[period])
        previous = next((p for p in series if next_month(p) == period), None)
        if value is None:
            out[period] = None
        elif restarts(cumulative, None, period):
            out[period] = value
        elif previous is not None and series[previous] is not None:
            out[period] = value - to_decimal(series[previous])
        else:
            out[period] = None
    return out


# ------------------------------------------------------------------------------------ province roll-up
def aggregate(rows: Iterable[Mapping[str, object]], aggregation: str) -> Decimal | None:
    """Roll units' values up to the province. ``rows`` carry ``value`` and, for ratios, ``numerator`` and
    ``denominator``. Ratio of sums needs every row's numerator and denominator (a partial ratio would be
    wrong, not approximate)."""
    rows = [r for r in rows if to_decimal(r.get("value")) is not None]
    if not rows or aggregation == Aggregation.NONE:
        return None
    values = [to_decimal(r["value"]) for r in rows]
    if aggregation == Aggregation.SUM:
        return sum(values, Decimal(0))
    if aggregation == Aggregation.MEAN:
        return sum(values, Decimal(0)) / len(values)
    if aggregation == Aggregation.RATIO_OF_SUMS:
        nums = [to_decimal(r.get("numerator")) for r in rows]
        dens = [to_decimal(r.get("denominator")) for r in rows]
        if any(n is None for n in nums) or any(d is None for d in dens):
            return None
        total = sum(dens, Decimal(0))
        return sum(nums, Decimal(0)) / total * HUNDRED if total else None
    raise ValueError(f"unknown aggregation {aggregation!r}")


def tolerance_for(measure: str) -> Decimal:
    return PERCENT_TOLERANCE if measure == Measure.PERCENT else COUNT_TOLERANCE


def total_mismatch(computed, printed, measure: str) -> bool:
    computed, printed = to_decimal(computed), to_decimal(printed)
    if computed is None or printed is None:
        return False
    return abs(computed - printed) > tolerance_for(measure)


def mismatch_message(computed, printed, measure: str) -> str:
    decimals = 2 if measure == Measure.PERCENT else 0
    suffix = "%" if measure == Measure.PERCENT else ""
    return (
        f"Tổng in trong báo cáo {format_number(printed, _places(decimals))}{suffix} khác tổng tính từ các đơn vị "
        f"{format_number(computed, _places(decimals))}{suffix}"
    )


# --------------------------------------------------------------------------------------- quality flags
def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def modified_z_score(value, history: Iterable[object]) -> Decimal | None:
    """0.6745 (x − median) / MAD over ``history`` (the unit's series, the value included), or None when
    the history is too short or has no spread."""
    values = [to_decimal(v) for v in history if v is not None]
    if len(values) < OUTLIER_MIN_HISTORY:
        return None
    median = _median(values)
    mad = _median([abs(v - median) for v in values])
    if mad == 0:
        return None
    return MODIFIED_Z_FACTOR * (to_decimal(value) - median) / mad


def is_outlier(value, history: Iterable[object]) -> bool:
    score = modified_z_score(value, history)
    return score is not None and abs(score) > OUTLIER_THRESHOLD


def ratio_mismatch(value, numerator, denominator) -> bool:
    """Numerator / denominator that do not give the printed percent (beyond printing rounding)."""
    value, numerator, denominator = to_decimal(value), to_decimal(numerator), to_decimal(denominator)
    if value is None or numerator is None or not denominator:
        return False
    return abs(numerator / denominator * HUNDRED - value) > PERCENT_TOLERANCE


def quality_flags(
    value,
    *,
    measure: str,
    change: Change | None = None,
    history: Iterable[object] = (),
    numerator=None,
    denominator=None,
) -> list[str]:
    """Every quality flag of one value, in `QualityFlag` order."""
    value = to_decimal(value)
    if value is None:
        return []
    flags = set()
    if measure == Measure.PERCENT and not (0 <= value <= HUNDRED):
        flags.add(QualityFlag.PERCENT_OUT_OF_RANGE)
    if measure != Measure.PERCENT and value < 0:
        flags.add(QualityFlag.NEGATIVE)
    if change is not None and change.cumulative_drop:
        flags.add(QualityFlag.CUMULATIVE_DROP)
    if is_outlier(value, history):
        flags.add(QualityFlag.OUTLIER)
    if measure == Measure.PERCENT and ratio_mismatch(value, numerator, denominator):
        flags.add(QualityFlag.RATIO_MISMATCH)
    return [f for f in QualityFlag if f in flags]


def flag_bits(flags: Iterable[str]) -> int:
    """Flags as the bit mask the status table stores (SQL can OR them set-based on both databases)."""
    bits = 0
    for flag in flags:
        bits |= FLAG_BITS[flag]
    return bits


def flags_from_bits(bits: int | None) -> list[str]:
    return [flag for flag in QualityFlag if (bits or 0) & FLAG_BITS[flag]]


FLAG_BITS = {flag: 1 << i for i, flag in enumerate(QualityFlag)}


# ---------------------------------------------------------------------------------------- completeness
class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"


def timeliness(reported_on: datetime.date | None, due: datetime.date, today: datetime.date) -> str:
    """On time, late, missing or still pending against ``due``, the last day on time (the workflow's
    deadline rule, `indicators.workflow.deadline_for`, is the one place that decides it)."""
    if reported_on is None:
        return Timeliness.MISSING if today > due else Timeliness.PENDING
    return Timeliness.ON_TIME if reported_on <= due else Timeliness.LATE


@dataclass(frozen=True)
class CompletenessSummary:
    expected: int
    reported: int
    late: int
    missing: int

    @property
    def rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.reported) / self.expected * HUNDRED).quantize(Decimal("0.1"), ROUND_HALF_UP)


def completeness(
    expected: Iterable[object],
    reported_on: Mapping[object, datetime.date],
    due: datetime.date,
    today: datetime.date,
) -> tuple[dict, CompletenessSummary]:
    """Timeliness of every expected unit and the counts. Units that reported without being expected are
    ignored, so the rate never exceeds 100 %."""
    expected = list(dict.fromkeys(expected))
    states = {unit: timeliness(reported_on.get(unit), due, today) for unit in expected}
    reported = sum(1 for s in states.values() if s in (Timeliness.ON_TIME, Timeliness.LATE))
    late = sum(1 for s in states.values() if s == Timeliness.LATE)
    missing = sum(1 for s in states.values() if s == Timeliness.MISSING)
    return states, CompletenessSummary(len(expected), reported, late, missing)


def months_since(previous_period: str | None, period: str) -> int | None:
    return months_between(previous_period, period) if previous_period else None
