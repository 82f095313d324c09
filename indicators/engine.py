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
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from core.periods import previous_month
from units.models import Unit

from .cache import bump_on_commit
from .choices import Aggregation, Direction, Measure, QualityFlag, Status
from .deadlines import deadline_for
from .models import Completeness, DataValue, Indicator, ProvinceAggregate, Target, ValueStatus
from .status import (
    COUNT_TOLERANCE,
    FLAG_BITS,
    MODIFIED_Z_FACTOR,
    OUTLIER_MIN_HISTORY,
    OUTLIER_THRESHOLD,
    PERCENT_TOLERANCE,
    TargetRule,
    evaluate_tiers,
    mismatch_message,
)

logger = logging.getLogger(__name__)

DV = "indicators_datavalue"
VS = "indicators_valuestatus"
SCOPE = "tmp_status_scope"
STATS = "indicators_seriesstats"
_PERIOD_LITERAL = re.compile(r"\d{4}-\d{2}")

BIT = {flag: FLAG_BITS[flag] for flag in QualityFlag}


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


# ------------------------------------------------------------------------------------- SQL pieces
def _vendor_sql(vendor: str) -> dict:
    """Expressions that differ between SQLite and PostgreSQL. `{x}` is a numeric expression."""
    if vendor == "postgresql":
        return {
            # 7.10 → '7,1'; 0.05 → '0,05'; 10.00 → '10' (trim_scale: PostgreSQL 13+).
            "fmt_pp": "replace(trim_scale(round(abs({x}), 2))::text, '.', ',')",
            # 1336 → '1.336'
            "fmt_int": "replace(to_char(round(abs({x})), 'FM999,999,999,999,999,999,990'), ',', '.')",
            "deadline_period": "to_char({x}, 'YYYY-MM')",
            "num": "{x}::numeric",
            "materialized": "MATERIALIZED",
        }
    return {
        "fmt_pp": "replace(rtrim(rtrim(printf('%.2f', abs(round({x}, 2))), '0'), '.'), '.', ',')",
        "fmt_int": "replace(printf('%,d', CAST(round(abs({x})) AS INTEGER)), ',', '.')",
        "deadline_period": "substr({x}, 1, 7)",
        "num": "CAST({x} AS REAL)",
        "materialized": "",
    }


def _outlier_stats_sql(vendor: str, scope_join: str = "") -> str:
    """CTE `mad` (indicator_id, unit_id, med, mad, n): median and median absolute deviation of each pair's
    whole series, for series of at least OUTLIER_MIN_HISTORY values. PostgreSQL has the ordered-set
    aggregate percentile_cont (double precision; stored as is, cast to numeric where it is used);
    SQLite gets the medians from ROW_NUMBER() (same answers)."""
    if vendor == "postgresql":
        return f"""med AS (
    SELECT dv.indicator_id, dv.unit_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY dv.value) AS med,
           COUNT(*) AS n
    FROM {DV} dv {scope_join}
    WHERE dv.value IS NOT NULL
    GROUP BY dv.indicator_id, dv.unit_id HAVING COUNT(*) >= {OUTLIER_MIN_HISTORY}
),
mad AS (
    SELECT dv.indicator_id, dv.unit_id, m.med, m.n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(dv.value - m.med::numeric)) AS mad
    FROM {DV} dv JOIN med m ON m.indicator_id = dv.indicator_id AND m.unit_id = dv.unit_id
    WHERE dv.value IS NOT NULL
    GROUP BY dv.indicator_id, dv.unit_id, m.med, m.n
)"""
    return f"""ranked AS (
    SELECT dv.indicator_id, dv.unit_id, dv.value,
           ROW_NUMBER() OVER (PARTITION BY dv.indicator_id, dv.unit_id ORDER BY dv.value) AS rn,
           COUNT(*) OVER (PARTITION BY dv.indicator_id, dv.unit_id) AS n
    FROM {DV} dv {scope_join}
    WHERE dv.value IS NOT NULL
),
med AS (
    SELECT indicator_id, unit_id, AVG(value) AS med, MAX(n) AS n
    FROM ranked WHERE n >= {OUTLIER_MIN_HISTORY} AND rn IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY indicator_id, unit_id
),
dev AS (
    SELECT r.indicator_id, r.unit_id, m.n,
           ROW_NUMBER() OVER (PARTITION BY r.indicator_id, r.unit_id ORDER BY abs(r.value - m.med)) AS rn,
           abs(r.value - m.med) AS d
    FROM ranked r JOIN med m ON m.indicator_id = r.indicator_id AND m.unit_id = r.unit_id
),
mad AS (
    SELECT d.indicator_id, d.unit_id, m.med, m.n, AVG(d.d) AS mad
    FROM dev d JOIN med m ON m.indicator_id = d.indicator_id AND m.unit_id = d.unit_id
    WHERE d.rn IN ((d.n + 1) / 2, (d.n + 2) / 2)
    GROUP BY d.indicator_id, d.unit_id, m.med, m.n
)"""


def insert_stats_sql(vendor: str, scoped: bool = False) -> str:
    """Every series' outlier statistics into `indicators_seriesstats` (the full recompute's first pass),
    or with ``scoped`` those of the pairs in the scope table."""
    scope_join = (
        f"JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id" if scoped else ""
    )
    return (
        f"INSERT INTO {STATS} (indicator_id, unit_id, median, mad, count)\n"
        f"WITH {_outlier_stats_sql(vendor, scope_join)}\nSELECT indicator_id, unit_id, med, mad, n FROM mad"
    )


def _outlier_sql(alias: str) -> str:
    """The outlier bit of ``alias``.value against ``alias``.med / ``alias``.mad (numeric)."""
    z = f"{MODIFIED_Z_FACTOR} * ({alias}.value - {alias}.med) / {alias}.mad"
    return f"(CASE WHEN {alias}.mad > 0 AND abs({z}) > {OUTLIER_THRESHOLD} THEN {BIT[QualityFlag.OUTLIER]} ELSE 0 END)"


def _period_literal(period: str) -> str:
    """A period as an SQL literal. Only our own 'YYYY-MM' strings reach here; anything else is refused."""
    if not _PERIOD_LITERAL.fullmatch(period):
        raise ValueError(f"not a period: {period!r}")
    return f"'{period}'"


def status_select_sql(vendor: str, scoped: bool, window_floor: str = "") -> str:
    """The SELECT producing one ValueStatus row per value, in the INSERT's column order.

    With ``scoped`` the values are limited to the pairs in the temp table `tmp_status_scope`
    (indicator_id, unit_id, from_period, window_from): rows from `from_period` on are produced, and the
    window reads from `window_from` (the latest earlier period with data) so LAG still finds the
    previous report. The touched rows are read once (CTE `r`, values and blanks), then windowed.
    ``window_floor`` is the smallest `window_from` of the scope: a redundant condition that gives the
    planner a constant to estimate with. Without them PostgreSQL
    guesses a third of the table for `dv.period >= s.from_period` and hash-joins a full scan of the
    2 million values (EXPLAIN ANALYZE: 2.3 s for the 60,000 rows of one new month).

    The outlier statistics are read from `indicators_seriesstats` (see SeriesStats) in both modes.
    """
    v = _vendor_sql(vendor)
    if scoped:
        rows = f"""r AS (
    SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value, dv.numerator, dv.denominator, s.from_period
    FROM {DV} dv JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id
    WHERE dv.period >= s.window_from AND dv.period >= {_period_literal(window_floor)}
),"""
        source, out_filter = "r dv", "WHERE w.period >= w.from_period"
        blanks = "FROM r dv WHERE dv.value IS NULL AND dv.period >= dv.from_period"
        stats, med, mad = STATS, v["num"].format(x="st.median"), v["num"].format(x="st.mad")
    else:
        # The statistics are cast to numeric once per series, not once per value: casting in the join
        # cost 1.5 s of 2 million rows (EXPLAIN ANALYZE), hence the materialised CTE on PostgreSQL.
        rows = f"""st AS {v["materialized"]} (
    SELECT indicator_id, unit_id, {v["num"].format(x="median")} AS med, {v["num"].format(x="mad")} AS mad
    FROM {STATS}
),"""
        source, out_filter = f"{DV} dv", ""
        blanks = f"FROM {DV} dv WHERE dv.value IS NULL"
        stats, med, mad = "st", "st.med", "st.mad"
    from_col = "dv.from_period" if scoped else "NULL"
    # ROUND(x, 2) of a numeric is half away from zero on PostgreSQL, as ROUND_HALF_UP in status.py.
    delta = "(j.value - j.prev_value)"
    pp_text = (
        f"CASE WHEN round({delta}, 2) = 0 THEN 'Bằng' "
        f"WHEN {delta} > 0 THEN 'Tăng ' || {v['fmt_pp'].format(x=delta)} || '%' "
        f"ELSE 'Giảm ' || {v['fmt_pp'].format(x=delta)} || '%' END"
    )
    int_text = (
        f"CASE WHEN round({delta}) = 0 THEN 'Bằng' "
        f"WHEN {delta} > 0 THEN 'Tăng ' || {v['fmt_int'].format(x=delta)} "
        f"ELSE 'Giảm ' || {v['fmt_int'].format(x=delta)} END"
    )
    restarted = (
        "(j.cumulative = 'ytd' AND ((j.prev_period IS NULL AND substr(j.period, 6, 2) = '01') "
        "OR (j.prev_period IS NOT NULL AND substr(j.prev_period, 1, 4) <> substr(j.period, 1, 4))))"
    )
    met = (
        "((j.t_cmp = '>=' AND j.value >= j.t_val) OR (j.t_cmp = '>' AND j.value > j.t_val) "
        "OR (j.t_cmp = '<=' AND j.value <= j.t_val) OR (j.t_cmp = '<' AND j.value < j.t_val) "
        "OR (j.t_cmp = 'range' AND j.value >= j.t_val AND (j.t_max IS NULL OR j.value <= j.t_max)))"
    )
    outlier = _outlier_sql("j")
    deadline_period = v["deadline_period"].format(x="j.t_deadline")
    return f"""
WITH {rows}
w AS (
    SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value, dv.numerator, dv.denominator,
           {from_col} AS from_period,
           LAG(dv.period) OVER win AS prev_period,
           LAG(dv.value) OVER win AS prev_value
    FROM {source}
    WHERE dv.value IS NOT NULL
    WINDOW win AS (PARTITION BY dv.indicator_id, dv.unit_id ORDER BY dv.period)
),
j AS (
    SELECT w.*, i.measure, i.direction, i.cumulative,
           {med} AS med, {mad} AS mad,
           CASE WHEN tu.id IS NOT NULL THEN tu.id ELSE tl.id END AS t_id,
           CASE WHEN tu.id IS NOT NULL THEN tu.comparator ELSE tl.comparator END AS t_cmp,
           CASE WHEN tu.id IS NOT NULL THEN tu.value ELSE tl.value END AS t_val,
           CASE WHEN tu.id IS NOT NULL THEN tu.value_max ELSE tl.value_max END AS t_max,
           CASE WHEN tu.id IS NOT NULL THEN tu.deadline ELSE tl.deadline END AS t_deadline
    FROM w
    JOIN indicators_indicator i ON i.id = w.indicator_id
    JOIN units_unit u ON u.id = w.unit_id
    LEFT JOIN indicators_target tu
        ON tu.indicator_id = w.indicator_id AND tu.unit_id = w.unit_id
       AND tu.year = CAST(substr(w.period, 1, 4) AS INTEGER)
       AND (tu.effective_from = '' OR tu.effective_from <= w.period)
    LEFT JOIN indicators_target tl
        ON tl.indicator_id = w.indicator_id AND tl.unit_id IS NULL AND tl.level = u.level
       AND tl.year = CAST(substr(w.period, 1, 4) AS INTEGER)
       AND (tl.effective_from = '' OR tl.effective_from <= w.period)
    LEFT JOIN {stats} st ON st.indicator_id = w.indicator_id AND st.unit_id = w.unit_id
    {out_filter}
)
SELECT j.id, j.t_id, j.t_val,
    CASE WHEN j.t_val IS NULL THEN '{Status.NO_TARGET}'
         WHEN {met} THEN '{Status.MET}'
         WHEN j.t_deadline IS NOT NULL AND j.period < {deadline_period}
              THEN '{Status.IN_PROGRESS}'
         ELSE '{Status.NOT_MET}' END,
    CASE WHEN j.t_val IS NULL THEN NULL
         WHEN j.direction = '{Direction.DOWN}' THEN
              CASE WHEN j.value <= 0 THEN CASE WHEN j.t_val >= 0 THEN 100 END
                   ELSE round(j.t_val * 100.0 / j.value, 2) END
         WHEN j.t_val = 0 THEN NULL
         ELSE round(j.value * 100.0 / j.t_val, 2) END,
    COALESCE(j.prev_period, ''),
    j.prev_value,
    j.value - j.prev_value,
    CASE WHEN j.measure <> '{Measure.PERCENT}' AND j.prev_value <> 0
         THEN round((j.value - j.prev_value) * 100.0 / j.prev_value, 2) END,
    CASE WHEN j.prev_value IS NULL THEN ''
         WHEN j.measure = '{Measure.PERCENT}' THEN {pp_text}
         ELSE {int_text} END,
    CASE WHEN j.measure = '{Measure.PERCENT}' THEN NULL
         WHEN {restarted} THEN j.value
         ELSE j.value - j.prev_value END,
    (CASE WHEN j.measure = '{Measure.PERCENT}' AND (j.value < 0 OR j.value > 100)
          THEN {BIT[QualityFlag.PERCENT_OUT_OF_RANGE]} ELSE 0 END)
  + (CASE WHEN j.measure <> '{Measure.PERCENT}' AND j.value < 0 THEN {BIT[QualityFlag.NEGATIVE]} ELSE 0 END)
  + (CASE WHEN j.cumulative IN ('ytd', 'since_start') AND j.value < j.prev_value AND NOT {restarted}
          THEN {BIT[QualityFlag.CUMULATIVE_DROP]} ELSE 0 END)
  + {outlier}
  + (CASE WHEN j.measure = '{Measure.PERCENT}' AND j.numerator IS NOT NULL AND j.denominator <> 0
           AND abs(j.numerator * 100.0 / j.denominator - j.value) > {PERCENT_TOLERANCE}
          THEN {BIT[QualityFlag.RATIO_MISMATCH]} ELSE 0 END)
FROM j
UNION ALL
SELECT dv.id, NULL, NULL, '{Status.NO_DATA}', NULL, '', NULL, NULL, NULL, '', NULL, 0
{blanks}
"""


STATUS_COLUMNS = (
    "data_value_id, target_id, target_value, status, progress, previous_period, previous_value, change, "
    "change_pct, change_text, increment, flags"
)


def insert_status_sql(vendor: str, scoped: bool, window_floor: str = "") -> str:
    """The full recompute inserts into an emptied table. The incremental one upserts: most of its rows
    are new (a new month) and need no DELETE pass first, and an existing row updated in place skips the
    foreign key check its re-insert would pay (EXPLAIN ANALYZE on one new month: the DELETE alone took
    0.6–0.9 s of a 2.5 s task). Every value in scope gets a row from the SELECT, so nothing stale stays;
    `tiers` is reset for `_apply_tiers` to fill in again."""
    sql = f"INSERT INTO {VS} ({STATUS_COLUMNS})\n{status_select_sql(vendor, scoped, window_floor)}"
    if not scoped:
        return sql
    updates = ", ".join(f"{c} = excluded.{c}" for c in STATUS_COLUMNS.replace(" ", "").split(",")[1:])
    return f"{sql}ON CONFLICT (data_value_id) DO UPDATE SET {updates}, tiers = NULL"


# ----------------------------------------------------------------------------------------- scope
def _normalise_pairs(pairs) -> dict[tuple[int, int], str]:
    """Accept {(indicator_id, unit_id): from_period} or an iterable of (indicator_id, unit_id,
    from_period) triples; keep the earliest period per pair."""
    items = pairs.items() if isinstance(pairs, Mapping) else (((a, b), p) for a, b, p in pairs)
    out: dict[tuple[int, int], str] = {}
    get = out.get
    for (indicator_id, unit_id), period in items:
        key = (int(indicator_id), int(unit_id))
        earlier = get(key)
        if earlier is None or period < earlier:
            out[key] = period
    return out


def _guess_window_from(period: str) -> str:
    """Where a pair's window most likely starts: the month before the changed one (monthly reports)."""
    return period if period[:4] == "0000" else previous_month(period)


@dataclass
class Scope:
    """The touched pairs, in the temp table `tmp_status_scope`, and the constant lower bounds of their
    periods (see `status_select_sql`)."""

    floor: str
    window_floor: str


# From this many pairs on, PostgreSQL is told to hash-join the scope with the values. Its cost model
# prefers one index probe per pair (nested loop), which EXPLAIN ANALYZE on one new month of 60,000 pairs
# measured at 310 ms against 45–60 ms for a hash join of the 100,000 rows from the previous month on. A
# form edit touches a handful of pairs and keeps the probes.
HASH_JOIN_PAIRS = 2000


@contextlib.contextmanager
def _hash_joins(cursor, pairs: int):
    """For a large scope: hash joins, and enough memory for the window's sort of the touched rows
    (100,000 rows spilled 5 MB to disk with the default 4 MB). Restored afterwards, also inside a
    caller's transaction."""
    if connection.vendor != "postgresql" or pairs < HASH_JOIN_PAIRS:
        yield
        return
    cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('work_mem')")
    nestloop, work_mem = cursor.fetchone()
    cursor.execute("SELECT set_config('enable_nestloop', 'off', true), set_config('work_mem', '64MB', true)")
    try:
        yield
    finally:
        cursor.execute(
            "SELECT set_config('enable_nestloop', %s, true), set_config('work_mem', %s, true)",
            [nestloop, work_mem],
        )


def _create_scope(cursor, pairs: dict[tuple[int, int], str]) -> Scope:
    vendor = connection.vendor
    on_commit = " ON COMMIT DROP" if vendor == "postgresql" else ""
    cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")
    cursor.execute(
        f"CREATE TEMP TABLE {SCOPE} (indicator_id bigint NOT NULL, unit_id bigint NOT NULL, "
        f"from_period varchar(7) NOT NULL, window_from varchar(7) NOT NULL, "
        f"PRIMARY KEY (indicator_id, unit_id)){on_commit}"
    )
    guesses = {p: _guess_window_from(p) for p in set(pairs.values())}
    rows = [(i, u, p, guesses[p]) for (i, u), p in pairs.items()]
    if vendor == "postgresql":
        # COPY: 60,000 pairs in ~0.05 s where execute_values took ~0.2 s.
        buffer = io.StringIO("".join(f"{i}\t{u}\t{p}\t{w}\n" for i, u, p, w in rows))
        cursor.cursor.copy_expert(
            f"COPY {SCOPE} (indicator_id, unit_id, from_period, window_from) FROM STDIN", buffer
        )
        cursor.execute(f"ANALYZE {SCOPE}")
    else:
        cursor.executemany(
            f"INSERT INTO {SCOPE} (indicator_id, unit_id, from_period, window_from) VALUES (%s, %s, %s, %s)",
            rows,
        )
    floor = min(guesses)
    guess_floor = min(guesses.values())
    # The window must start at the pair's latest earlier report, so LAG() finds it. Usually that is the
    # previous month, checked for all pairs at once (a join over the rows from `guess_floor` on); only the
    # pairs without a value there (a gap in reporting, a first report) are searched one by one.
    cursor.execute(
        f"""UPDATE {SCOPE} SET window_from = COALESCE(
                (SELECT MAX(dv.period) FROM {DV} dv
                 WHERE dv.indicator_id = {SCOPE}.indicator_id AND dv.unit_id = {SCOPE}.unit_id
                   AND dv.period < {SCOPE}.from_period AND dv.value IS NOT NULL),
                from_period)
            WHERE window_from < from_period AND NOT EXISTS (
                SELECT 1 FROM {DV} dv
                WHERE dv.indicator_id = {SCOPE}.indicator_id AND dv.unit_id = {SCOPE}.unit_id
                  AND dv.period = {SCOPE}.window_from AND dv.value IS NOT NULL
                  AND dv.period >= {_period_literal(guess_floor)})"""
    )
    if cursor.rowcount:
        cursor.execute(f"SELECT MIN(window_from) FROM {SCOPE}")
        guess_floor = min(guess_floor, cursor.fetchone()[0])
    return Scope(floor=floor, window_floor=guess_floor)


# ------------------------------------------------------------------------------------ the passes
def _write_stats(cursor, nested: bool = False) -> int:
    """Replace every series' outlier statistics (full recompute only)."""
    if connection.vendor == "postgresql" and not nested:
        cursor.execute(f"TRUNCATE {STATS}")
    else:
        cursor.execute(f"DELETE FROM {STATS}")
    cursor.execute(insert_stats_sql(connection.vendor))
    return cursor.rowcount


def _refresh_scope_stats(cursor) -> None:
    """Exact outlier statistics for a small scope: recompute the touched pairs' statistics from their
    whole series, then (after the upsert of the changed rows) re-judge the outlier bit of their earlier
    rows, whose statistics just moved. Afterwards every row of these pairs is what a full recompute gives."""
    cursor.execute(
        f"""DELETE FROM {STATS} WHERE EXISTS (SELECT 1 FROM {SCOPE} s
                WHERE s.indicator_id = {STATS}.indicator_id AND s.unit_id = {STATS}.unit_id)"""
    )
    cursor.execute(insert_stats_sql(connection.vendor, scoped=True))


def _rejudge_earlier_outliers(cursor) -> None:
    num = _vendor_sql(connection.vendor)["num"]
    bit = BIT[QualityFlag.OUTLIER]
    cursor.execute(
        f"""UPDATE {VS} SET flags = (flags & ~{bit}) + COALESCE((
                SELECT {_outlier_sql("x")} FROM (
                    SELECT dv.value, {num.format(x="st.median")} AS med, {num.format(x="st.mad")} AS mad
                    FROM {DV} dv JOIN {STATS} st ON st.indicator_id = dv.indicator_id AND st.unit_id = dv.unit_id
                    WHERE dv.id = {VS}.data_value_id AND dv.value IS NOT NULL) x), 0)
            WHERE data_value_id IN (
                SELECT dv.id FROM {DV} dv JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id
                WHERE dv.period < s.from_period)"""
    )


def _write_statuses(cursor, scope: Scope | None, nested: bool = False) -> int:
    vendor = connection.vendor
    if scope:
        cursor.execute(insert_status_sql(vendor, True, scope.window_floor))  # an upsert
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


def _apply_tiers(cursor, scope: Scope | None) -> None:
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


# A unit's month waiting for approval (its reporter's draft) is not published: the province figure,
# which every reader sees, is rolled up from published values only (see DataValue.published()).
PENDING = (
    "SELECT 1 FROM indicators_submission sub WHERE sub.unit_id = {v}.unit_id AND sub.period = {v}.period "
    "AND sub.state IN ('draft', 'submitted', 'returned')"
)


def _aggregate_select(vendor: str, scope: Scope | None) -> str:
    """Province figure per (indicator, period) from the non-province units, with the printed total (the
    province unit's own value) beside it."""
    num = _vendor_sql(vendor)["num"]
    # Per indicator, every period from the earliest changed one: a join on a small derived table, so
    # the planner walks the (period, indicator) index instead of probing the scope for each value.
    scope_join = (
        f"JOIN (SELECT indicator_id, MIN(from_period) AS from_period FROM {SCOPE} GROUP BY indicator_id) s "
        f"ON s.indicator_id = dv.indicator_id AND dv.period >= s.from_period "
        f"AND dv.period >= {_period_literal(scope.floor)}"
        if scope
        else ""
    )
    printed_floor = f"WHERE pv.period >= {_period_literal(scope.floor)}" if scope else ""
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


def _write_aggregates(cursor, scope: Scope | None) -> tuple[int, int]:
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
        f"AND p.period >= {_period_literal(scope.floor)}"
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


def _write_completeness(cursor, periods_groups: Iterable[tuple[str, str]] | None) -> int:
    """Pin the expected units of each (period, group) the first time it is computed, then stamp the day
    each unit first reported (the earliest `created_at` of its values in that group and period)."""


    if periods_groups is None:
        periods_groups = set(
            DataValue.objects.values_list("period", "indicator__group").distinct().order_by()
        )
    periods_groups = set(periods_groups)
    if not periods_groups:
        return 0
    levels_by_group: dict[str, set[str]] = {}
    for group, reported_by in Indicator.objects.values_list("group", "reported_by"):
        levels_by_group.setdefault(group, set()).update(reported_by or [])
    pinned = set(
        Completeness.objects.filter(period__in={p for p, _ in periods_groups})
        .values_list("period", "group")
        .distinct()
        .order_by()
    )
    units_by_level: dict[str, list[int]] = {}
    for unit_id, level in Unit.objects.active().values_list("id", "level"):
        units_by_level.setdefault(level, []).append(unit_id)
    new_rows = []
    for period, group in sorted(periods_groups - pinned):
        due = _due_on(group, period)
        for level in sorted(levels_by_group.get(group, ())):
            new_rows.extend(
                Completeness(period=period, group=group, unit_id=u, due_on=due)
                for u in units_by_level.get(level, ())
            )
    Completeness.objects.bulk_create(new_rows, batch_size=2000, ignore_conflicts=True)
    # One set-based UPDATE: the first day each pinned unit reported, in the local time zone.
    if connection.vendor == "postgresql":
        first_day = "(MIN(dv.created_at) AT TIME ZONE %s)::date"
        tz_params = [timezone.get_current_timezone_name()]
    else:
        offset = timezone.localtime().utcoffset()
        first_day = "date(MIN(dv.created_at), %s)"
        tz_params = [f"{int(offset.total_seconds() // 60):+d} minutes"]
    periods = sorted({p for p, _ in periods_groups})
    cursor.execute(
        f"""UPDATE indicators_completeness SET reported_on = r.first_day
            FROM (SELECT dv.unit_id, dv.period, i."group" AS grp, {first_day} AS first_day
                  FROM {DV} dv JOIN indicators_indicator i ON i.id = dv.indicator_id
                  WHERE dv.period IN ({", ".join(["%s"] * len(periods))})
                  GROUP BY dv.unit_id, dv.period, i."group") r
            WHERE r.unit_id = indicators_completeness.unit_id AND r.period = indicators_completeness.period
              AND r.grp = indicators_completeness."group"
              AND (indicators_completeness.reported_on IS NULL OR indicators_completeness.reported_on <> r.first_day)""",
        tz_params + periods,
    )
    return len(new_rows)


def _due_on(group: str, period: str) -> datetime.date:
    """The last day a group's values for the period are on time: the workflow's deadline rule (per group,
    from settings), so completeness and reminders agree on who is late."""
    return deadline_for(group, period)


def _status_counts(cursor, scope: Scope | None) -> dict:
    if scope:
        cursor.execute(
            f"""SELECT vs.status, COUNT(*) FROM {VS} vs JOIN {DV} dv ON dv.id = vs.data_value_id
                JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id
                WHERE dv.period >= s.from_period GROUP BY vs.status"""
        )
    else:
        cursor.execute(f"SELECT status, COUNT(*) FROM {VS} GROUP BY status")
    return dict(sorted(cursor.fetchall()))


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
        result.series = _write_stats(cursor, nested=nested)
        result.values = _write_statuses(cursor, None, nested=nested)
        _apply_tiers(cursor, None)
        result.aggregates, result.mismatches = _write_aggregates(cursor, None)
        if completeness:
            result.completeness = _write_completeness(cursor, None)
        if counts:
            result.statuses = _status_counts(cursor, None)
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

    pairs = _normalise_pairs(pairs)
    result = RecomputeResult()
    if not pairs:
        return result
    with transaction.atomic(), connection.cursor() as cursor:
        _serialise(cursor)
        exact = len(pairs) <= EXACT_STATS_PAIRS
        with _hash_joins(cursor, len(pairs)):
            scope = _create_scope(cursor, pairs)
            if exact:
                _refresh_scope_stats(cursor)
            result.values = _write_statuses(cursor, scope)
            if exact:
                _rejudge_earlier_outliers(cursor)
            _apply_tiers(cursor, scope)
            result.aggregates, result.mismatches = _write_aggregates(cursor, scope)
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
            for (i, _u), start in pairs.items():
                if g := groups.get(i):
                    group_from[g] = min(group_from.get(g, start), start)
            result.completeness = _write_completeness(
                cursor, {(p, g) for p in periods for g, start in group_from.items() if p >= start}
            )
        if counts:
            result.statuses = _status_counts(cursor, scope)
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
