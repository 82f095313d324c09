"""Province figures with their coverage: how many of the units that must report are in a figure.

A month is reported unit by unit and approved unit by unit, so for days or weeks the province roll-up of
the newest month stands on a few units. Every reader (dashboards, API, báo cáo) follows the same rules:

- a roll-up says how many of the units that must report it are in it (`ProvinceAggregate.covered` /
  `expected`, written by the status engine): "1/37 đơn vị đã báo cáo";
- a partial *sum* (counts, amounts) is never shown as the province total: it is withheld, with the
  coverage; a partial mean or ratio is shown with the coverage beside it;
- a change since the previous report compares like with like: when either month is partial, both
  months are rolled up again over the units that reported in both ("so với cùng 1 đơn vị"), or no change
  is shown, with the reason;
- the readers' default month is the latest whose published coverage reaches
  `settings.PROVINCE_COVERAGE_THRESHOLD` (80 % by default); newer, partial months stay one click away.

The province's own value (the total the report printed) is the province's figure whatever the coverage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from core.numbers import format_number
from core.periods import parse_period, period_label
from units.models import Level

from .choices import Aggregation
from .models import Completeness, DataValue, ProvinceAggregate, Submission
from .models.workflow import PENDING_STATES
from .status import aggregate, change_text

# The units a month's coverage counts: the agencies and districts (the bucket "Không xác định" is not a
# unit, the province reports its own totals, communes report through their districts).
MONTH_LEVELS = (Level.AGENCY, Level.DISTRICT)
ANNUAL_GROUPS = ("KH57",)


@dataclass(frozen=True)
class Coverage:
    covered: int
    expected: int

    @property
    def known(self) -> bool:
        return self.expected > 0

    @property
    def partial(self) -> bool:
        return self.covered < self.expected

    @property
    def ratio(self) -> Decimal | None:
        return Decimal(self.covered) / self.expected if self.expected else None

    def reaches(self, threshold: float | None = None) -> bool:
        limit = settings.PROVINCE_COVERAGE_THRESHOLD if threshold is None else threshold
        return self.known and self.ratio >= Decimal(str(limit))

    @property
    def text(self) -> str:
        """ "1/37 đơn vị đã báo cáo" """
        return f"{format_number(self.covered)}/{format_number(self.expected)} đơn vị đã báo cáo"

    @property
    def fraction(self) -> str:
        return f"{format_number(self.covered)}/{format_number(self.expected)}"


# ------------------------------------------------------------------------------------ months
def month_coverage(periods=None) -> dict[str, Coverage]:
    """Per period: the agencies and districts that must report a monthly group (the pinned Completeness
    rows), and how many of them have published values (reported, and not waiting for approval). One
    query over Completeness, never over the values."""
    pending = Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), state__in=PENDING_STATES
    )
    qs = Completeness.objects.filter(unit__level__in=MONTH_LEVELS).exclude(group__in=ANNUAL_GROUPS)
    if periods is not None:
        qs = qs.filter(period__in=list(periods))
    rows = (
        qs.values("period")
        .annotate(
            expected=Count("unit", distinct=True),
            covered=Count("unit", distinct=True, filter=Q(reported_on__isnull=False) & ~Q(Exists(pending))),
        )
        .order_by()
    )
    return {r["period"]: Coverage(r["covered"], r["expected"]) for r in rows}


def indicator_coverage(indicator_id: int) -> dict[str, Coverage]:
    """Per period: the coverage of one indicator's province roll-up (one query)."""
    return {
        p: Coverage(c, e)
        for p, c, e in ProvinceAggregate.objects.filter(indicator_id=indicator_id).values_list(
            "period", "covered", "expected"
        )
    }


def default_period(periods: list[str], coverage: dict[str, Coverage]) -> str | None:
    """The readers' default month among ``periods`` (newest first): the latest whose coverage is known
    and reaches the threshold; when none does, the latest (shown as partial)."""
    for p in periods:
        c = coverage.get(p)
        if c is not None and c.reaches():
            return p
    return periods[0] if periods else None


def choose_period(requested: str | None, periods: list[str], coverage: dict[str, Coverage]) -> str | None:
    """The requested month when it is a valid one, else the default month."""
    if requested:
        try:
            return parse_period(requested)
        except (ValueError, TypeError):
            pass
    return default_period(periods, coverage)


def month_note(period: str | None, periods: list[str], coverage: dict[str, Coverage]) -> dict:
    """What a page says about the shown month's coverage: its coverage (None when unknown), whether it
    is partial, the complete month to go back to, and the newer partial months one click away."""
    shown = coverage.get(period) if period else None
    default = default_period(periods, coverage)
    newer = [p for p in periods if period and p > period]
    return {
        "coverage": shown if shown is not None and shown.known else None,
        "partial": bool(shown and shown.known and not shown.reaches()),
        "default": default,
        "newer_partial": [
            {"period": p, "coverage": coverage[p]} for p in newer if p in coverage and coverage[p].known
        ],
    }


def period_labels(periods: list[str], coverage: dict[str, Coverage]) -> dict[str, str]:
    """The note beside a partial month in the period selector: "(chưa đủ: 1/37 đơn vị đã báo cáo)"."""
    return {
        p: f" (chưa đủ: {coverage[p].text})"
        for p in periods
        if p in coverage and coverage[p].known and not coverage[p].reaches()
    }


# ---------------------------------------------------------------------------- province figures
def province_series(user, indicator_ids, start: str, end: str) -> dict[int, dict[str, dict]]:
    """{indicator_id: {period: entry}} for ``start``..``end`` (two queries). An entry has ``printed``
    (the province unit's own value, the report's total), ``computed`` (the engine's roll-up),
    ``covered``/``expected`` (its coverage) and ``aggregation``."""
    series: dict[int, dict[str, dict]] = defaultdict(dict)
    ids = list(indicator_ids)

    def entry(ind, period):
        return series[ind].setdefault(
            period, {"printed": None, "computed": None, "covered": 0, "expected": 0, "aggregation": ""}
        )

    for ind, period, computed, covered, expected, aggregation in ProvinceAggregate.objects.filter(
        indicator_id__in=ids, period__gte=start, period__lte=end
    ).values_list("indicator_id", "period", "computed", "covered", "expected", "indicator__aggregation"):
        entry(ind, period).update(
            computed=computed, covered=covered, expected=expected, aggregation=aggregation
        )
    for ind, period, value in (
        DataValue.objects.visible_to(user)
        .filter(indicator_id__in=ids, unit__level=Level.PROVINCE, period__gte=start, period__lte=end)
        .values_list("indicator_id", "period", "value")
    ):
        entry(ind, period)["printed"] = value
    return series


def entry_coverage(entry: dict | None) -> Coverage | None:
    """The coverage of the roll-up an entry's figure comes from (None for a printed total or unknown)."""
    if not entry or entry["printed"] is not None or entry["computed"] is None or not entry["expected"]:
        return None
    return Coverage(entry["covered"], entry["expected"])


def withheld(entry: dict | None) -> bool:
    """A partial sum: not a province total, never shown as one."""
    c = entry_coverage(entry)
    return bool(c and c.partial and entry["aggregation"] == Aggregation.SUM)


def figure(entry: dict | None) -> Decimal | None:
    """The province figure of one period: the printed total when there is one, else the roll-up (not a
    partial sum)."""
    if not entry:
        return None
    if entry["printed"] is not None:
        return entry["printed"]
    return None if withheld(entry) else entry["computed"]


def figures(series: dict[str, dict]) -> dict[str, Decimal]:
    """{period: province figure} of one indicator's series, periods without a figure left out."""
    return {p: v for p, e in series.items() if (v := figure(e)) is not None}


def _source(entry: dict | None) -> str | None:
    """Which figure of a period is shown: the printed total when there is one, else the roll-up."""
    if not entry:
        return None
    return next((k for k in ("printed", "computed") if entry[k] is not None), None)


def _previous_period(series: dict[str, dict], period: str, source: str | None) -> str | None:
    """The latest earlier period with a figure of the same kind (printed with printed, roll-up with
    roll-up: never "99%" beside a change computed from the roll-ups 99,13 → 99,45)."""
    earlier = sorted(p for p in series if p < period and source and series[p][source] is not None)
    return earlier[-1] if earlier else None


def change_in(series: dict[str, dict], period: str, measure: str, common=None) -> dict:
    """The province figure at ``period``, its coverage, and its change since the latest earlier period
    with a figure of the same kind.

    Like is compared with like, and the change is of the figure shown: a printed total against the
    latest earlier printed total; a roll-up against the latest earlier roll-up when both are complete;
    when either roll-up is partial, both months over the units that reported in both (``common``:
    {(period, previous): (current, previous, units)} from `common_units_changes`), or no change with
    the reason. When the earlier months have no figure of the same kind, no change is shown.
    """
    current = series.get(period)
    source = _source(current)
    previous_period = _previous_period(series, period, source)
    out = {
        "value": figure(current),
        "coverage": entry_coverage(current),
        "withheld": withheld(current),
        "previous_period": None,
        "previous_value": None,
        "change_text": "",
        "change_note": "",
    }
    if previous_period is None:
        return out
    previous = series[previous_period]
    if source == "printed" or not (_coverage_of(current).partial or _coverage_of(previous).partial):
        out.update(
            previous_period=previous_period,
            previous_value=previous[source],
            change_text=change_text(current[source] - previous[source], measure),
        )
        return out
    same = (common or {}).get((period, previous_period))
    if same is None or same[0] is None or same[1] is None:
        out["change_note"] = (
            f"Không so sánh với {period_label(previous_period)}: không có đơn vị nào báo cáo cả hai kỳ"
        )
        return out
    now_value, before_value, units = same
    out.update(
        previous_period=previous_period,
        previous_value=before_value,
        change_text=change_text(now_value - before_value, measure),
        change_note=f"so sánh cùng {format_number(units)} đơn vị đã báo cáo cả hai kỳ",
    )
    return out


def _coverage_of(entry: dict) -> Coverage:
    return Coverage(entry["covered"], entry["expected"])


def comparisons_needed(series_by_indicator: dict[int, dict[str, dict]], period: str) -> dict[int, str]:
    """{indicator_id: previous period} of the roll-ups whose change needs the like-with-like roll-up
    (either month partial)."""
    out = {}
    for ind, series in series_by_indicator.items():
        current = series.get(period)
        if _source(current) != "computed":
            continue
        previous = _previous_period(series, period, "computed")
        if previous and (_coverage_of(current).partial or _coverage_of(series[previous]).partial):
            out[ind] = previous
    return out


def common_units_changes(
    needed: dict[int, str], period: str, aggregations: dict[int, str]
) -> dict[int, dict[tuple[str, str], tuple]]:
    """{indicator_id: {(period, previous): (current, previous, units)}}: both months rolled up over the
    units below the province with a published value in both (one query for all indicators)."""
    if not needed:
        return {}
    periods = {period, *needed.values()}
    rows: dict[tuple[int, str], dict[int, dict]] = defaultdict(dict)
    for ind, p, unit, value, num, den in (
        DataValue.objects.published()
        .filter(indicator_id__in=list(needed), period__in=periods, value__isnull=False)
        .exclude(unit__level=Level.PROVINCE)
        .values_list("indicator_id", "period", "unit_id", "value", "numerator", "denominator")
    ):
        rows[(ind, p)][unit] = {"value": value, "numerator": num, "denominator": den}
    out: dict[int, dict[tuple[str, str], tuple]] = {}
    for ind, previous in needed.items():
        now, before = rows.get((ind, period), {}), rows.get((ind, previous), {})
        units = sorted(set(now) & set(before))
        if not units:
            continue
        aggregation = aggregations.get(ind, Aggregation.SUM)
        out[ind] = {
            (period, previous): (
                aggregate([now[u] for u in units], aggregation),
                aggregate([before[u] for u in units], aggregation),
                len(units),
            )
        }
    return out


def province_changes(series_by_indicator, period: str, indicators: dict[int, dict]) -> dict[int, dict]:
    """`change_in` for every indicator of ``series_by_indicator`` at ``period`` (one query at most, for
    the like-with-like roll-ups). ``indicators``: {id: {"measure", "aggregation"}}."""
    needed = comparisons_needed(series_by_indicator, period)
    common = common_units_changes(needed, period, {i: indicators[i]["aggregation"] for i in needed})
    return {
        ind: change_in(series_by_indicator.get(ind, {}), period, indicators[ind]["measure"], common.get(ind))
        for ind in indicators
    }
