"""The province figure per (indicator, period), beside the province's printed total."""

from __future__ import annotations

from django.db import connection

from ..choices import Aggregation, Measure, QualityFlag
from ..models import ProvinceAggregate
from ..status import COUNT_TOLERANCE, PERCENT_TOLERANCE, mismatch_message
from .scope import Scope
from .sql import BIT, DV, SCOPE, VS, period_literal, vendor_sql

# A unit's month waiting for approval (its reporter's draft) is not published: the province figure,
# which every reader sees, is rolled up from published values only (see DataValue.published()).
PENDING = (
    "SELECT 1 FROM indicators_submission sub WHERE sub.unit_id = {v}.unit_id AND sub.period = {v}.period "
    "AND sub.state IN ('draft', 'submitted', 'returned')"
)


def _aggregate_select(vendor: str, scope: Scope | None) -> str:
    """Province figure per (indicator, period) from the non-province units, with the printed total (the
    province unit's own value) beside it."""
    num = vendor_sql(vendor)["num"]
    # Per indicator, every period from the earliest changed one: a join on a small derived table, so
    # the planner walks the (period, indicator) index instead of probing the scope for each value.
    scope_join = (
        f"JOIN (SELECT indicator_id, MIN(from_period) AS from_period FROM {SCOPE} GROUP BY indicator_id) s "
        f"ON s.indicator_id = dv.indicator_id AND dv.period >= s.from_period "
        f"AND dv.period >= {period_literal(scope.floor)}"
        if scope
        else ""
    )
    printed_floor = f"WHERE pv.period >= {period_literal(scope.floor)}" if scope else ""
    return f"""
SELECT g.indicator_id, g.period, g.computed, p.value AS printed, g.unit_count
FROM (
    SELECT dv.indicator_id, dv.period,
        CASE i.aggregation
            WHEN '{Aggregation.SUM}' THEN SUM(dv.value)
            WHEN '{Aggregation.MEAN}' THEN AVG({num.format(x="dv.value")})
            WHEN '{Aggregation.RATIO_OF_SUMS}' THEN
                CASE WHEN COUNT(dv.numerator) = COUNT(*) AND COUNT(dv.denominator) = COUNT(*)
                          AND SUM(dv.denominator) <> 0
                     THEN SUM(dv.numerator) * 100.0 / SUM(dv.denominator) END
        END AS computed,
        COUNT(*) AS unit_count
    FROM {DV} dv {scope_join}
    JOIN units_unit u ON u.id = dv.unit_id
    JOIN indicators_indicator i ON i.id = dv.indicator_id
    WHERE u.level <> 'province' AND dv.value IS NOT NULL AND i.aggregation <> '{Aggregation.NONE}'
      AND NOT EXISTS ({PENDING.format(v="dv")})
    GROUP BY dv.indicator_id, dv.period, i.aggregation
) g
LEFT JOIN (
    SELECT pv.indicator_id, pv.period, MIN(pv.value) AS value
    FROM {DV} pv JOIN units_unit pu ON pu.id = pv.unit_id AND pu.level = 'province'
    WHERE NOT EXISTS ({PENDING.format(v="pv")}) {printed_floor.replace("WHERE", "AND")}
    GROUP BY pv.indicator_id, pv.period
) p ON p.indicator_id = g.indicator_id AND p.period = g.period
"""


def write_aggregates(cursor, scope: Scope | None) -> tuple[int, int]:
    vendor = connection.vendor
    if scope:
        cursor.execute(
            f"""DELETE FROM indicators_provinceaggregate WHERE EXISTS (
                    SELECT 1 FROM (SELECT indicator_id, MIN(from_period) AS from_period FROM {SCOPE}
                                   GROUP BY indicator_id) s
                    WHERE s.indicator_id = indicators_provinceaggregate.indicator_id
                      AND indicators_provinceaggregate.period >= s.from_period)"""
        )
    else:
        cursor.execute("DELETE FROM indicators_provinceaggregate")
    cursor.execute(
        f"""INSERT INTO indicators_provinceaggregate
                (indicator_id, period, computed, printed, unit_count, mismatch, message)
            SELECT a.indicator_id, a.period, a.computed, a.printed, a.unit_count,
                   CASE WHEN a.computed IS NOT NULL AND a.printed IS NOT NULL
                         AND abs(a.computed - a.printed) > CASE WHEN i.measure = '{Measure.PERCENT}'
                                                               THEN {PERCENT_TOLERANCE} ELSE {COUNT_TOLERANCE} END
                        THEN {"TRUE" if vendor == "postgresql" else "1"} ELSE {"FALSE" if vendor == "postgresql" else "0"}
                   END,
                   ''
            FROM ({_aggregate_select(vendor, scope)}) a
            JOIN indicators_indicator i ON i.id = a.indicator_id"""
    )
    written = cursor.rowcount
    # The message names both numbers in the Vietnamese way: a few rows, formatted by the pure rule.

    mismatched = list(ProvinceAggregate.objects.filter(mismatch=True, message="").select_related("indicator"))
    for agg in mismatched:
        agg.message = mismatch_message(agg.computed, agg.printed, agg.indicator.measure)
    ProvinceAggregate.objects.bulk_update(mismatched, ["message"])
    # Flag the province's printed value of every mismatching total, clear it where it now adds up. Few
    # rows (one per indicator and period), so they are read and updated by primary key.
    scope_join = (
        f"JOIN (SELECT indicator_id, MIN(from_period) AS from_period FROM {SCOPE} GROUP BY indicator_id) s "
        f"ON s.indicator_id = p.indicator_id AND p.period >= s.from_period "
        f"AND p.period >= {period_literal(scope.floor)}"
        if scope
        else ""
    )
    cursor.execute(
        f"""SELECT p.id, a.mismatch FROM {DV} p {scope_join}
            JOIN units_unit pu ON pu.id = p.unit_id AND pu.level = 'province'
            LEFT JOIN indicators_provinceaggregate a ON a.indicator_id = p.indicator_id AND a.period = p.period"""
    )
    rows = cursor.fetchall()
    bit = BIT[QualityFlag.TOTAL_MISMATCH]
    flagged = [pk for pk, mismatch in rows if mismatch]
    clean = [pk for pk, mismatch in rows if not mismatch]
    for ids, expr in ((flagged, f"flags | {bit}"), (clean, f"flags & ~{bit}")):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"UPDATE {VS} SET flags = {expr} WHERE data_value_id IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
    return written, len(mismatched)
