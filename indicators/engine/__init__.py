"""The status engine: computes ValueStatus, ProvinceAggregate and Completeness set-based in SQL.

The rules are those of `indicators/status.py` (the tests hold both to the same answers); here they are
one `INSERT … SELECT` with `LAG()` over (indicator, unit) ordered by period, joined to the targets, so
2 million values cost one pass of the database, not a Python loop over rows. The SQL is portable between
SQLite and PostgreSQL except for number formatting (`Tăng 1.336`, `Giảm 7,1%`), which has one expression
per vendor.

Two entry points, each one transaction (a reader never sees a half-computed period):
- `recompute_all()`: everything (`manage.py recompute_status --all`, and nightly from Celery beat),
  including each series' outlier statistics (`SeriesStats`: median and MAD of the whole series);
- `recompute_pairs(pairs)`: only the (indicator, unit) pairs a write touched, from the changed period on;
  what the task runs after every import, form, API write or undo. It evaluates and upserts only those
  rows (the previous report is found with one window over the rows from the month before, or an index
  probe where that month has no value) and reads the outlier statistics from `SeriesStats`. Up to
  `EXACT_STATS_PAIRS` pairs it first recomputes those pairs' statistics and re-judges their earlier
  rows, so the result is exactly a full recompute's; a bulk write (a month's workbook) is judged against
  the statistics of the last full recompute until the nightly run.

The code: `sql.py` (the statements), `scope.py` (the touched pairs), `statuses.py` (statistics and
ValueStatus), `aggregates.py` (the province figures), `completeness.py`; this module holds the entry
points and the readers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from ..cache import bump_on_commit
from ..choices import Status
from ..models import DataValue, Indicator, ValueStatus
from .aggregates import write_aggregates
from .completeness import write_completeness
from .scope import create_scope, incremental_plan, normalise_pairs
from .sql import SCOPE
from .statuses import (
    apply_tiers,
    refresh_scope_stats,
    rejudge_earlier_outliers,
    status_counts,
    write_stats,
    write_statuses,
)

logger = logging.getLogger(__name__)


@dataclass
class RecomputeResult:
    values: int = 0
    series: int = 0
    aggregates: int = 0
    mismatches: int = 0
    completeness: int = 0
    statuses: dict = field(default_factory=dict)

    def as_dict(self):
        return {
            "values": self.values,
            "series": self.series,
            "aggregates": self.aggregates,
            "mismatches": self.mismatches,
            "completeness": self.completeness,
            "statuses": self.statuses,
        }


# From this many pairs on, PostgreSQL is told to hash-join the scope with the values. Its cost model
# prefers one index probe per pair (nested loop), which EXPLAIN ANALYZE on one new month of 60,000 pairs
# measured at 310 ms against 45–60 ms for a hash join of the 100,000 rows from the previous month on. A
# form edit touches a handful of pairs and keeps the probes.
HASH_JOIN_PAIRS = 2000


# ------------------------------------------------------------------------------------ entry points
# Recomputes are serialised on PostgreSQL: two tasks for overlapping pairs would otherwise both delete
# the same rows and then collide inserting them. SQLite serialises writers by itself.
LOCK_KEY = 5_050_505


def _serialise(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def recompute_all(*, completeness: bool = True, counts: bool = True) -> RecomputeResult:
    """Recompute every status, aggregate and completeness row in one transaction."""
    result = RecomputeResult()
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        _serialise(cursor)
        result.series = write_stats(cursor, nested=nested)
        result.values = write_statuses(cursor, None, nested=nested)
        apply_tiers(cursor, None)
        # Completeness first: the roll-ups count the expected units it pins (their coverage).
        if completeness:
            result.completeness = write_completeness(cursor, None)
        result.aggregates, result.mismatches = write_aggregates(cursor, None)
        if counts:
            result.statuses = status_counts(cursor, None)
        bump_on_commit()  # cached pages and API answers show statuses
    logger.debug("status recompute (all): %s", result.as_dict())
    return result


# Up to this many touched pairs, the incremental recompute also brings the pairs' outlier statistics up
# to date (reading their whole series: 1,000 pairs x 50 months is 50,000 values, ~0.1 s), so a form or
# API write, an undo or a small import leaves exactly the rows a full recompute would. Larger writes (a
# month's workbook for every unit: 60,000 pairs) judge their rows against the statistics of the last
# full recompute, and the nightly `recompute_status` brings those up to date (see SeriesStats).
EXACT_STATS_PAIRS = 1000


def recompute_pairs(pairs, *, completeness: bool = True, counts: bool = True) -> RecomputeResult:
    """Recompute the values of the given (indicator_id, unit_id) pairs from each pair's period on."""

    pairs = normalise_pairs(pairs)
    result = RecomputeResult()
    if not pairs:
        return result
    with transaction.atomic(), connection.cursor() as cursor:
        _serialise(cursor)
        # Completeness first: the roll-ups count the expected units it pins (their coverage).
        if completeness:
            groups = dict(Indicator.objects.filter(id__in={i for i, _ in pairs}).values_list("id", "group"))
            earliest = min(pairs.values())
            periods = set(
                DataValue.objects.filter(indicator_id__in=groups, period__gte=earliest)
                .values_list("period", flat=True)
                .distinct()
                .order_by()
            )
            group_from: dict[str, str] = {}
            starts = set(pairs.values())
            if len(starts) == 1:  # one month's write: every touched group from that month
                (start,) = starts
                group_from = dict.fromkeys(filter(None, groups.values()), start)
            else:
                for (i, _u), start in pairs.items():
                    if g := groups.get(i):
                        group_from[g] = min(group_from.get(g, start), start)
            result.completeness = write_completeness(
                cursor, {(p, g) for p in periods for g, start in group_from.items() if p >= start}
            )
        exact = len(pairs) <= EXACT_STATS_PAIRS
        with incremental_plan(cursor, large=len(pairs) >= HASH_JOIN_PAIRS):
            scope = create_scope(cursor, pairs)
            if exact:
                refresh_scope_stats(cursor)
            result.values = write_statuses(cursor, scope)
            if exact:
                rejudge_earlier_outliers(cursor)
            apply_tiers(cursor, scope)
            result.aggregates, result.mismatches = write_aggregates(cursor, scope)
        if counts:
            result.statuses = status_counts(cursor, scope)
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")
        bump_on_commit()
    logger.debug("status recompute (%d pairs): %s", len(pairs), result.as_dict())
    return result


def recompute_period(period: str, **kwargs) -> RecomputeResult:
    """Every pair that has a value in ``period``, from that period on."""

    pairs = {
        (i, u): period
        for i, u in DataValue.objects.filter(period=period).values_list("indicator_id", "unit_id")
    }
    return recompute_pairs(pairs, **kwargs)


def recompute_indicators(indicator_ids: Iterable[int], **kwargs) -> RecomputeResult:
    """Every value of the given indicators (after a target or catalogue change)."""

    pairs = {
        (i, u): "0000-01"
        for i, u in DataValue.objects.filter(indicator_id__in=list(indicator_ids))
        .values_list("indicator_id", "unit_id")
        .distinct()
        .order_by()
    }
    return recompute_pairs(pairs, **kwargs)


# -------------------------------------------------------------------------------------- reading
STATUS_EXPORT_KEYS = (
    "target",
    "status",
    "status_label",
    "progress",
    "previous_period",
    "previous_value",
    "change",
    "change_pct",
    "change_text",
    "increment",
    "flags",
)


def status_fields(data_value_ids: Iterable[int]) -> dict[int, dict]:
    """The computed fields of each value for exports and the API, keyed by DataValue id. A value the
    engine has not reached yet gets the keys with nulls."""

    def num(d):
        if d is None:
            return None
        return int(d) if d == d.to_integral_value() else float(d)

    out = {}
    ids = list(data_value_ids)
    for start in range(0, len(ids), 5000):
        for vs in ValueStatus.objects.filter(data_value_id__in=ids[start : start + 5000]):
            out[vs.data_value_id] = {
                "target": num(vs.target_value),
                "status": vs.status,
                "status_label": str(Status(vs.status).label),
                "progress": num(vs.progress),
                "previous_period": vs.previous_period or None,
                "previous_value": num(vs.previous_value),
                "change": num(vs.change),
                "change_pct": num(vs.change_pct),
                "change_text": vs.change_text,
                "increment": num(vs.increment),
                "flags": vs.flag_list,
                **({"tier_status": vs.tiers} if vs.tiers else {}),
            }
    return out


def empty_status_fields() -> dict:
    return {key: ([] if key == "flags" else None) for key in STATUS_EXPORT_KEYS}
