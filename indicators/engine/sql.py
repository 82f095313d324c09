"""The SQL of the status engine: the statements that compute statistics and statuses, per vendor.

Pure string builders (no cursor): `indicators/engine/__init__.py` and the passes run them."""

from __future__ import annotations

import re

from ..choices import Direction, Measure, QualityFlag, Status
from ..status import FLAG_BITS, MODIFIED_Z_FACTOR, OUTLIER_MIN_HISTORY, OUTLIER_THRESHOLD, PERCENT_TOLERANCE

DV = "indicators_datavalue"
VS = "indicators_valuestatus"
SCOPE = "tmp_status_scope"
STATS = "indicators_seriesstats"
_PERIOD_LITERAL = re.compile(r"\d{4}-\d{2}")

BIT = {flag: FLAG_BITS[flag] for flag in QualityFlag}


def vendor_sql(vendor: str) -> dict:
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


def outlier_sql(alias: str) -> str:
    """The outlier bit of ``alias``.value against ``alias``.med / ``alias``.mad (numeric)."""
    z = f"{MODIFIED_Z_FACTOR} * ({alias}.value - {alias}.med) / {alias}.mad"
    return f"(CASE WHEN {alias}.mad > 0 AND abs({z}) > {OUTLIER_THRESHOLD} THEN {BIT[QualityFlag.OUTLIER]} ELSE 0 END)"


def period_literal(period: str) -> str:
    """A period as an SQL literal. Only our own 'YYYY-MM' strings reach here; anything else is refused."""
    if not _PERIOD_LITERAL.fullmatch(period):
        raise ValueError(f"not a period: {period!r}")
    return f"'{period}'"


def _windowed_sql(source: str, scoped: bool, materialized: str) -> str:
    """CTE `w`: each non-blank value with its previous report (`prev_period`, `prev_value`: the latest
    earlier period of the pair with a value).

    Whole table: LAG() over each pair's series. Scoped: the window reads the pair's rows from the month
    before its first changed period (`window_from`), so LAG() finds the previous report of a monthly
    series; only a row whose window holds no earlier value (a gap in reporting, or a first report: 20,000
    of one new month's 60,000 rows when 200 units report for the first time) looks further back, with
    index probes that the CASE evaluates for that row alone. `w` is materialised on PostgreSQL so the
    probes run once per row, not once per use of the columns. The rows before `from_period` only feed
    the window and are dropped here."""
    lag = f"""SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value, dv.numerator, dv.denominator,
           {"dv.from_period" if scoped else "NULL"} AS from_period,
           LAG(dv.period) OVER win AS prev_period,
           LAG(dv.value) OVER win AS prev_value
    FROM {source}
    WHERE dv.value IS NOT NULL
    WINDOW win AS (PARTITION BY dv.indicator_id, dv.unit_id ORDER BY dv.period)"""
    if not scoped:
        return f"w AS (\n    {lag}\n),"
    columns = "l.id, l.indicator_id, l.unit_id, l.period, l.value, l.numerator, l.denominator, l.from_period"
    earlier = f"""FROM {DV} p
                      WHERE p.indicator_id = l.indicator_id AND p.unit_id = l.unit_id
                        AND p.period < l.period AND p.value IS NOT NULL"""
    return f"""l AS (
    {lag}
),
w AS {materialized} (
    SELECT {columns},
           CASE WHEN l.prev_period IS NOT NULL THEN l.prev_period
                ELSE (SELECT MAX(p.period) {earlier}) END AS prev_period,
           CASE WHEN l.prev_period IS NOT NULL THEN l.prev_value
                ELSE (SELECT p.value {earlier} ORDER BY p.period DESC LIMIT 1) END AS prev_value
    FROM l WHERE l.period >= l.from_period
),"""


def status_select_sql(vendor: str, scoped: bool, window_floor: str = "") -> str:
    """The SELECT producing one ValueStatus row per value, in the INSERT's column order.

    With ``scoped`` the values are limited to the pairs in the temp table `tmp_status_scope`
    (indicator_id, unit_id, from_period, window_from): rows from `from_period` on are produced, and the
    window reads from `window_from` (the month before `from_period`; see `_windowed_sql` for the rows
    whose previous report lies further back). The touched rows are read once (CTE `r`, values and
    blanks), then windowed.
    ``window_floor`` is the smallest `window_from` of the scope: a redundant condition that gives the
    planner a constant to estimate with. Without them PostgreSQL
    guesses a third of the table for `dv.period >= s.from_period` and hash-joins a full scan of the
    2 million values (EXPLAIN ANALYZE: 2.3 s for the 60,000 rows of one new month).

    The outlier statistics are read from `indicators_seriesstats` (see SeriesStats) in both modes.
    """
    v = vendor_sql(vendor)
    if scoped:
        rows = f"""r AS (
    SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value, dv.numerator, dv.denominator, s.from_period
    FROM {DV} dv JOIN {SCOPE} s ON s.indicator_id = dv.indicator_id AND s.unit_id = dv.unit_id
    WHERE dv.period >= s.window_from AND dv.period >= {period_literal(window_floor)}
),"""
        source = "r dv"
        blanks = "FROM r dv WHERE dv.value IS NULL AND dv.period >= dv.from_period"
        stats, med, mad = STATS, v["num"].format(x="st.median"), v["num"].format(x="st.mad")
    else:
        # The statistics are cast to numeric once per series, not once per value: casting in the join
        # cost 1.5 s of 2 million rows (EXPLAIN ANALYZE), hence the materialised CTE on PostgreSQL.
        rows = f"""st AS {v["materialized"]} (
    SELECT indicator_id, unit_id, {v["num"].format(x="median")} AS med, {v["num"].format(x="mad")} AS mad
    FROM {STATS}
),"""
        source = f"{DV} dv"
        blanks = f"FROM {DV} dv WHERE dv.value IS NULL"
        stats, med, mad = "st", "st.med", "st.mad"
    windowed = _windowed_sql(source, scoped, v["materialized"])
    # Scoped: only the targets of the years the rows are in (a redundant bound on the join). Without it
    # the hash join reads every year's targets: 360,000 rows and 0.22 s after 100 months, against
    # 120,000 and 0.05 s after 25, a cost that grows with the history instead of the change.
    first_year = int(window_floor[:4]) if scoped else 0
    target_years = f"\n       AND tu.year >= {first_year}" if scoped else ""
    level_target_years = f"\n       AND tl.year >= {first_year}" if scoped else ""
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
    outlier = outlier_sql("j")
    deadline_period = v["deadline_period"].format(x="j.t_deadline")
    return f"""
WITH {rows}
{windowed}
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
       AND (tu.effective_from = '' OR tu.effective_from <= w.period){target_years}
    LEFT JOIN indicators_target tl
        ON tl.indicator_id = w.indicator_id AND tl.unit_id IS NULL AND tl.level = u.level
       AND tl.year = CAST(substr(w.period, 1, 4) AS INTEGER)
       AND (tl.effective_from = '' OR tl.effective_from <= w.period){level_target_years}
    LEFT JOIN {stats} st ON st.indicator_id = w.indicator_id AND st.unit_id = w.unit_id
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


def insert_status_sql(vendor: str, scoped: bool, window_floor: str = "", upsert: bool = True) -> str:
    """The full recompute inserts into an emptied table. The incremental one upserts where any of its
    rows has a status already (``upsert``; otherwise it inserts): it needs no DELETE pass first, and an
    existing row updated in place skips the foreign key check its re-insert would pay (EXPLAIN ANALYZE
    on one new month: the DELETE alone took 0.6–0.9 s of a 2.5 s task). Every value in scope gets a row
    from the SELECT, so nothing stale stays; `tiers` is reset for `apply_tiers` to fill in again."""
    sql = f"INSERT INTO {VS} ({STATUS_COLUMNS})\n{status_select_sql(vendor, scoped, window_floor)}"
    if not scoped or not upsert:
        return sql
    updates = ", ".join(f"{c} = excluded.{c}" for c in STATUS_COLUMNS.replace(" ", "").split(",")[1:])
    return f"{sql}ON CONFLICT (data_value_id) DO UPDATE SET {updates}, tiers = NULL"
