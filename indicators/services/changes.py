"""Reading the change log back: the values as they were before a batch wrote them (what undo records
through the door)."""

from __future__ import annotations

from units.models import Unit

from ..choices import Source
from ..models import DataValue, Indicator, ValueChange
from .values import ValueInput

A = ValueChange.Action


def batch_changes(batch_id: int):
    """The change rows a batch's commit wrote (not those of its undo)."""
    return ValueChange.objects.filter(batch_id=batch_id).exclude(source=Source.UNDO)


def values_before(batch_id: int) -> tuple[list[ValueInput], list[str]]:
    """What to record to put every value the batch wrote back as it was before it: the previous value,
    numerator, denominator, tiers and note (fields the batch did not change are kept as they are), or
    the value's absence where the batch created it. Call under the batch's period locks, after making
    sure nothing changed the values since.

    Returns the inputs and the keys (INDICATOR/UNIT/PERIOD) of values the batch changed that are gone
    now (something deleted them since: there is nothing to put back onto)."""
    rows = list(
        batch_changes(batch_id).values_list(
            "indicator_id",
            "unit_id",
            "period",
            "action",
            "value_before",
            "numerator_before",
            "numerator_after",
            "denominator_before",
            "denominator_after",
            "tiers_before",
            "tiers_after",
            "note_before",
            "note_after",
        )
    )
    if not rows:
        return [], []
    indicators = dict(Indicator.objects.filter(pk__in={r[0] for r in rows}).values_list("id", "code"))
    units = dict(Unit.objects.filter(pk__in={r[1] for r in rows}).values_list("id", "code"))
    current = {
        (i, u, p): (num, den, tiers, note)
        for i, u, p, num, den, tiers, note in DataValue.objects.filter(
            indicator_id__in=indicators, unit_id__in=units, period__in={r[2] for r in rows}
        ).values_list("indicator_id", "unit_id", "period", "numerator", "denominator", "tiers", "note")
    }
    out, gone = [], []
    for i, u, p, action, value, num_b, num_a, den_b, den_a, tiers_b, tiers_a, note_b, note_a in rows:
        codes = (indicators[i], units[u], p)
        now = current.get((i, u, p))
        if action == A.CREATED:
            if now is not None:
                out.append(ValueInput(*codes, None, absent=True))
            continue
        if now is None:
            gone.append("/".join(codes))
            continue
        num, den, tiers, note = now
        out.append(
            ValueInput(
                *codes,
                value,
                numerator=num_b if num_b != num_a else num,
                denominator=den_b if den_b != den_a else den,
                tiers=tiers_b if tiers_b != tiers_a else tiers,
                note=(note_b or "") if note_b != note_a else note,
            )
        )
    return out, gone
