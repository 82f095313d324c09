"""The province figure per (indicator, period), beside the province's printed total."""

from __future__ import annotations

from django.db import connection

from units.models import Level

from ..choices import Aggregation, Measure, QualityFlag
from ..models import Indicator, ProvinceAggregate
from ..status import COUNT_TOLERANCE, PERCENT_TOLERANCE, mismatch_message
from .scope import Scope
from .sql import BIT, DV, SCOPE, VS, period_literal, vendor_sql

# A unit's month waiting for approval (its reporter's draft) is not published: the province figure,
# which every reader sees, is rolled up from published values only (see DataValue.published()).
PENDING = (
    "SELECT 1 FROM indicators_submission sub WHERE sub.unit_id = {v}.unit_id AND sub.period = {v}.period "
    "AND sub.state IN ('draft', 'submitted', 'returned')"
)


def _reporting_levels() -> str:
    """A derived table (indicator_id, level): the unit levels below the province that report each
    indicator (`Indicator.reported_by`). A few hundred rows of literals, validated here: ids are ints,
    levels are the Level choices."""
    known = set(Level.values) - {Level.PROVINCE}
    rows = ["SELECT 0 AS indicator_id, '' AS level"]  # never empty
    for indicator_id, levels in Indicator.objects.values_list("id", "reported_by").order_by("id"):
        for level in sorted(set(levels or ()) & known):
            rows.append(f"SELECT {int(indicator_id)}, '{level}'")
    return "(" + " UNION ALL ".join(rows) + ")"


def _aggregate_select(vendor: str, scope: Scope | None) -> str:
    """Province figure per (indicator, period) from the non-province units, with the printed total (the
    province unit's own value) beside it, and its coverage: `expected` is the number of units that must
    report it (the period's pinned Completeness rows of the indicator's group, at the levels that report
    the indicator), `covered` how many of those are in the roll-up. Completeness is written before the
    roll-ups, so a new period has its expected units already."""
    num = vendor_sql(vendor)["num"]
    levels = _reporting_levels()
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
    # the same bound on the coverage join: the rows of the changed periods, not every period's
    completeness_floor = f" AND c.period >= {period_literal(scope.floor)}" if scope else ""
    expected_floor = f"WHERE c.period >= {period_literal(scope.floor)}" if scope else ""
    return f"""
SELECT g.indicator_id, g.period, g.computed, p.value AS printed, g.unit_count, g.covered,
       COALESCE(e.expected, 0) AS expected
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
        COUNT(*) AS unit_count,
        COUNT(CASE WHEN lv.level IS NOT NULL AND c.id IS NOT NULL THEN 1 END) AS covered
    FROM {DV} dv {scope_join}
    JOIN units_unit u ON u.id = dv.unit_id
    JOIN indicators_indicator i ON i.id = dv.indicator_id
    LEFT JOIN {levels} lv ON lv.indicator_id = dv.indicator_id AND lv.level = u.level
    LEFT JOIN indicators_completeness c
        ON c.period = dv.period AND c."group" = i."group" AND c.unit_id = dv.unit_id{completeness_floor}
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
LEFT JOIN (
    SELECT lv.indicator_id, n.period, SUM(n.n) AS expected
    FROM (SELECT c.period, c."group" AS grp, cu.level, COUNT(*) AS n
          FROM indicators_completeness c JOIN units_unit cu ON cu.id = c.unit_id {expected_floor}
          GROUP BY c.period, c."group", cu.level) n
    JOIN indicators_indicator ei ON ei."group" = n.grp
    JOIN {levels} lv ON lv.indicator_id = ei.id AND lv.level = n.level
    GROUP BY lv.indicator_id, n.period
) e ON e.indicator_id = g.indicator_id AND e.period = g.period
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
                (indicator_id, period, computed, printed, unit_count, covered, expected, mismatch, message)
            SELECT a.indicator_id, a.period, a.computed, a.printed, a.unit_count, a.covered, a.expected,
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
