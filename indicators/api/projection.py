"""A written value's status as it will be, for the answer to PUT and PATCH.

The status engine recomputes after the write commits (a Celery task), so the status row read right
after the write still holds the status from before it: a value of 10 against a target of 80 was
answered `met`. The answer is judged here with the pure rules the engine is held to
(`indicators.status`: `choose_target` over `Target.as_rule()`, `evaluate`, `evaluate_tiers`,
`compare_with_previous`, `quality_flags`, the province's printed-total check), so that once the engine
has run a GET gives the same body, and the same ETag.
"""

from __future__ import annotations

from decimal import Decimal

from units.models import Level

from ..choices import Aggregation, QualityFlag, Status
from ..models import DataValue, Target
from ..status import (
    aggregate,
    choose_target,
    compare_with_previous,
    evaluate,
    evaluate_tiers,
    quality_flags,
    total_mismatch,
)

TARGET_QUANTUM = Decimal("0.0001")  # ValueStatus.target_value keeps four decimals
CHANGE_QUANTUM = Decimal("0.000001")  # the item rounds `change` to six


def _float(number: Decimal | None, quantum: Decimal | None = None) -> float | None:
    if number is None:
        return None
    return float(number.quantize(quantum) if quantum is not None else number)


def projected(item: dict) -> dict:
    """``item`` (read right after the write) with the engine's fields as the engine will write them."""
    dv = DataValue.objects.select_related("indicator", "unit").get(
        indicator__code=item["indicator"], unit__code=item["unit"], period=item["period"]
    )
    indicator, unit, period = dv.indicator, dv.unit, dv.period
    targets = list(Target.objects.filter(indicator=indicator))
    out = dict(item)
    if dv.value is None:
        out.update(
            target=None,
            status=Status.NO_DATA.value,
            previous_period=None,
            previous_value=None,
            change=None,
            change_text=None,
            flags=[],
        )
    else:
        rule = choose_target([t.as_rule() for t in targets], period=period, unit=unit.pk, level=unit.level)
        judged = evaluate(dv.value, rule, period=period, direction=indicator.direction)
        # The previous report is the latest earlier month with a value (the engine's LAG over the pair).
        series = list(
            DataValue.objects.filter(indicator=indicator, unit=unit, value__isnull=False).values_list(
                "period", "value"
            )
        )
        earlier = [(p, v) for p, v in series if p < period]
        previous_period, previous_value = max(earlier) if earlier else (None, None)
        change = compare_with_previous(
            dv.value,
            previous_value,
            period=period,
            previous_period=previous_period,
            measure=indicator.measure,
            cumulative=indicator.period_semantics,
        )
        flags = set(
            quality_flags(
                dv.value,
                measure=indicator.measure,
                change=change,
                history=[v for _, v in series],
                numerator=dv.numerator,
                denominator=dv.denominator,
            )
        )
        if unit.level == Level.PROVINCE and _printed_total_mismatches(dv):
            flags.add(QualityFlag.TOTAL_MISMATCH)
        out.update(
            target=_float(rule.value, TARGET_QUANTUM) if rule else None,
            status=judged.status,
            previous_period=change.previous_period,
            previous_value=_float(change.previous_value),
            change=_float(change.change, CHANGE_QUANTUM),
            change_text=change.change_text or None,
            flags=[str(f) for f in QualityFlag if f in flags],
        )
    if isinstance(dv.tiers, dict) and dv.tiers:
        # A tiered indicator: each level against its own level's target decides (engine.statuses.apply_tiers).
        levels = [t.as_rule() for t in targets if t.unit_id is None]
        out["status"] = evaluate_tiers(dv.tiers, levels, period=period, direction=indicator.direction).status
    out["status"] = str(out["status"])
    return out


def _printed_total_mismatches(dv: DataValue) -> bool:
    """The province's own value is the printed total: flagged when the published values of the other
    units add up to something else (beyond printing rounding)."""
    indicator = dv.indicator
    if (
        indicator.aggregation == Aggregation.NONE
        or not DataValue.objects.published().filter(pk=dv.pk).exists()
    ):
        return False
    rows = (
        DataValue.objects.published()
        .filter(indicator=indicator, period=dv.period, value__isnull=False)
        .exclude(unit__level=Level.PROVINCE)
        .values("value", "numerator", "denominator")
    )
    return total_mismatch(aggregate(list(rows), indicator.aggregation), dv.value, indicator.measure)
