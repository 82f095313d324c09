"""The passes that write outlier statistics and statuses (ValueStatus), whole table or scoped."""

from __future__ import annotations

from django.db import connection

from ..choices import QualityFlag
from ..models import DataValue, Target, ValueStatus
from ..status import TargetRule, evaluate_tiers
from .scope import Scope
from .sql import (
    BIT,
    DV,
    SCOPE,
    STATS,
    VS,
    insert_stats_sql,
    insert_status_sql,
    outlier_sql,
    period_literal,
    vendor_sql,
)


def write_stats(cursor, nested: bool = False) -> int:
    """Replace every series' outlier statistics (full recompute only)."""
    if connection.vendor == "postgresql" and not nested:
        cursor.execute(f"TRUNCATE {STATS}")
    else:
        cursor.execute(f"DELETE FROM {STATS}")
    cursor.execute(insert_stats_sql(connection.vendor))
    return cursor.rowcount


def refresh_scope_stats(cursor) -> None:
    """Exact outlier statistics for a small scope: recompute the touched pairs' statistics from their
    whole series, then (after the upsert of the changed rows) re-judge the outlier bit of their earlier
    rows, whose statistics just moved. Afterwards every row of these pairs is what a full recompute gives."""
    cursor.execute(
        f"""DELETE FROM {STATS} WHERE EXISTS (SELECT 1 FROM {SCOPE} s
                WHERE s.indicator_id = {STATS}.indicator_id AND s.unit_id = {STATS}.unit_id)"""
    )
    cursor.execute(insert_stats_sql(connection.vendor, scoped=True))


def rejudge_earlier_outliers(cursor) -> None:
    num = vendor_sql(connection.vendor)["num"]
    bit = BIT[QualityFlag.OUTLIER]
    cursor.execute(
        f"""UPDATE {VS} SET flags = (flags & ~{bit}) + COALESCE((
                SELECT {outlier_sql("x")} FROM (
                    SELECT dv.value, {num.format(x="st.median")} AS med, {num.format(x="st.mad")} AS mad
                    FROM {DV} dv JOIN {STATS} st ON st.indicator_id = dv.indicator_id AND st.unit_id = dv.unit_id
                    WHERE dv.id = {VS}.data_value_id AND dv.value IS NOT NULL) x), 0)
            WHERE data_value_id IN (
                SELECT dv.id FROM {DV} dv JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id
                WHERE dv.period < s.from_period)"""
    )


def write_statuses(cursor, scope: Scope | None, nested: bool = False) -> int:
    vendor = connection.vendor
    if scope:
        cursor.execute(
            insert_status_sql(vendor, True, scope.window_floor, upsert=_has_statuses(cursor, scope))
        )
        return cursor.rowcount
    if vendor == "postgresql" and not nested:
        # TRUNCATE is transactional on PostgreSQL and leaves no dead tuples; it locks readers of the
        # status table out for the duration, which is why only the full recompute uses it. Inside a
        # caller's transaction that already wrote status rows (pending deferred FK checks) it is refused,
        # hence DELETE there.
        cursor.execute(f"TRUNCATE {VS}")
    else:
        cursor.execute(f"DELETE FROM {VS}")
    cursor.execute(insert_status_sql(vendor, False))
    return cursor.rowcount


def _has_statuses(cursor, scope: Scope) -> bool:
    """Whether a value the scoped pass writes may have a status row already. Every such value has a
    period from `scope.floor` on, so its id is at least the smallest id of those periods' values; when
    the largest id with a status row is smaller, none exists and the pass inserts, which is cheaper than
    an upsert that finds no conflict (one new month of 60,000 values: 0.2 s less). Otherwise it upserts
    (a correction, a re-import, or an id order this cannot tell apart: only the speed differs). Two
    index reads, whatever the history: the status table's key at its end, and the period index for
    those periods' values (`id + 0`: not the primary key in id order, which would walk the whole
    history to reach the newest ids)."""
    cursor.execute(
        f"""SELECT (SELECT MAX(data_value_id) FROM {VS})
                   >= (SELECT MIN(dv.id + 0) FROM {DV} dv WHERE dv.period >= {period_literal(scope.floor)})"""
    )
    return bool(cursor.fetchone()[0])


def apply_tiers(cursor, scope: Scope | None) -> None:
    """Tiered indicators (CQS-WORK-ONLINE) keep one value per level in `DataValue.tiers`; judge each
    against its own level's target. A handful of rows (one per tiered indicator and period), so the
    pure rule is applied in Python rather than duplicated in SQL."""

    qs = DataValue.objects.filter(tiers__isnull=False).select_related("indicator")
    if scope:
        qs = qs.filter(period__gte=scope.floor).extra(  # noqa: S610 - constant SQL, no user input
            where=[
                f"EXISTS (SELECT 1 FROM {SCOPE} s WHERE s.indicator_id = {DV}.indicator_id "
                f"AND s.unit_id = {DV}.unit_id AND {DV}.period >= s.from_period)"
            ]
        )
    values = [dv for dv in qs if isinstance(dv.tiers, dict) and dv.tiers]
    if not values:
        return
    targets: dict[int, list[TargetRule]] = {}
    for t in Target.objects.filter(indicator__in={dv.indicator_id for dv in values}, unit__isnull=True):
        targets.setdefault(t.indicator_id, []).append(t.as_rule())
    updates = []
    for dv in values:
        result = evaluate_tiers(
            dv.tiers, targets.get(dv.indicator_id, []), period=dv.period, direction=dv.indicator.direction
        )
        tiers = {
            level: {
                "value": dv.tiers.get(level),
                "target": float(e.target.value) if e.target else None,
                "status": e.status,
                "progress": float(e.progress) if e.progress is not None else None,
            }
            for level, e in result.levels.items()
        }
        updates.append(
            ValueStatus(data_value_id=dv.pk, status=result.status, progress=result.progress, tiers=tiers)
        )
    ValueStatus.objects.bulk_update(updates, ["status", "progress", "tiers"])


def status_counts(cursor, scope: Scope | None) -> dict:
    if scope:
        cursor.execute(
            f"""SELECT vs.status, COUNT(*) FROM {VS} vs JOIN {DV} dv ON dv.id = vs.data_value_id
                JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id
                WHERE dv.period >= s.from_period GROUP BY vs.status"""
        )
    else:
        cursor.execute(f"SELECT status, COUNT(*) FROM {VS} GROUP BY status")
    return dict(sorted(cursor.fetchall()))
