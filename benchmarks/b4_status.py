"""B4 and B4b: the status engine against the SQL floor (PostgreSQL).

B4  full recompute of 2,000,000 values (100 indicators x 400 units x 50 months, every 5th indicator
    lower-is-better, half percent and half count indicators, 200,000 annual unit targets): the product
    path is the Celery task `indicators.tasks.recompute_status` run eagerly (engine.recompute_all: status
    rows, province roll-ups, completeness); the reference is one hand-written `TRUNCATE` +
    `INSERT … SELECT` with `LAG()` and the target join into the same output table.
B4b one new month of 60,000 values (the 400 units + 200 new ones) is imported; the product path is the
    task with the 60,000 touched (indicator, unit, month) triples; the reference is the same hand-written
    SQL limited to those partitions and to periods >= month - 1, with the outlier statistics read from
    `indicators_seriesstats` as the product's bulk path does (statistics of the last full recompute, see
    SeriesStats). Before every run of either side the month's status rows are removed (untimed), so both
    measure what happens after an import: no status rows for the new month yet.

Both sides run in this process, alternating, >= 5 runs each (gc.collect() before each); the ratio is of
medians. After the first run of each side the rows of the output table are compared (EXCEPT both ways):
a benchmark whose sides disagree fails. Data are generated in SQL with setseed(), so every run builds
the same 2,000,000 values.

B4b scaling (--scaling): the same new month of 60,000 values after 1,000,000 stored values (25 months)
    and after 4,000,000 (100 months); the goal is B4b(4M) <= 1.25 x B4b(1M) (it must follow the change,
    not the history). Each size has its own database (`<name>_25m`, `<name>_100m`, generated once and
    kept), so the sizes alternate run by run as product and reference do.

Usage: python benchmarks/b4_status.py [--runs 5] [--months 50] [--units 400] [--scaling]
       (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/cds_bench_b4; the database is
       created and migrated if needed; prints a Markdown table for the README).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/cds_bench_b4")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DEBUG", "1")
os.environ["CELERY_BROKER_URL"] = ""  # eager: the task runs in this process
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cds_portal.settings")


def ensure_database(name: str = DB_URL.rsplit("/", 1)[1]):
    import psycopg2

    conn = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not c.fetchone():
            c.execute(f'CREATE DATABASE "{name}"')
    conn.close()


ensure_database()
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from indicators.tasks import recompute_status  # noqa: E402

VS = "indicators_valuestatus"
COLS = (
    "data_value_id, target_id, target_value, status, progress, previous_period, previous_value, change, "
    "change_pct, change_text, increment, flags"
)


def sql(query, params=None):
    with connection.cursor() as c:
        c.execute(query, params)
        return c.fetchall() if c.description else c.rowcount


# --------------------------------------------------------------------------------------- data
def generate(months: int, units: int) -> int:
    """Bench indicators/units/values/targets, seeded. Leaves the catalogue's own rows alone."""
    have = sql(
        "SELECT count(*) FROM indicators_datavalue dv JOIN indicators_indicator i ON i.id = dv.indicator_id "
        "WHERE i.code LIKE 'B4-IND%'"
    )[0][0]
    if have == 100 * units * months:
        return have
    print(f"generating {100 * units * months:,} values …", flush=True)
    t = time.perf_counter()
    sql("TRUNCATE indicators_valuestatus, indicators_provinceaggregate, indicators_completeness")
    sql(
        "DELETE FROM indicators_datavalue WHERE indicator_id IN (SELECT id FROM indicators_indicator "
        "WHERE code LIKE 'B4-IND%')"
    )
    sql(
        "DELETE FROM indicators_target WHERE indicator_id IN (SELECT id FROM indicators_indicator "
        "WHERE code LIKE 'B4-IND%')"
    )
    sql("SELECT setseed(0.42)")
    sql("""INSERT INTO indicators_indicator (code, name, pillar, "group", measure, periodicity, reported_by,
                                             aggregation, direction, cumulative, source, "order", headers)
           SELECT format('B4-IND%s', lpad(i::text, 3, '0')), format('Chỉ tiêu B4 %s', i), 'CQS', 'B4',
                  CASE WHEN i % 2 = 0 THEN 'percent' ELSE 'count' END, 'monthly', '["district"]'::jsonb,
                  CASE WHEN i % 2 = 0 THEN 'mean' ELSE 'sum' END,
                  CASE WHEN i % 5 = 0 THEN 'down' ELSE 'up' END, '', '', 1000 + i, '[]'::jsonb
           FROM generate_series(0, 99) i
           ON CONFLICT (code) DO NOTHING""")
    sql("""INSERT INTO units_unit (code, name, short_name, level, aliases, "order", active)
           SELECT format('B4-U%s', lpad(u::text, 4, '0')), format('Đơn vị B4 %s', u), '', 'district',
                  '[]'::jsonb, 1000 + u, true
           FROM generate_series(0, 599) u
           ON CONFLICT (code) DO NOTHING""")
    sql(f"""INSERT INTO indicators_datavalue (indicator_id, unit_id, period, value, raw, source, note, flags,
                                              created_at, updated_at)
            SELECT i.id, u.id, to_char(date '2020-01-01' + make_interval(months => m), 'YYYY-MM'),
                   CASE WHEN i.measure = 'percent' THEN round((random() * 100)::numeric, 2)
                        ELSE round((random() * 1000)::numeric) END,
                   '', 'import', '', '[]'::jsonb, now(), now()
            FROM generate_series(0, {months - 1}) m,
                 (SELECT id, measure FROM indicators_indicator WHERE code LIKE 'B4-IND%') i,
                 (SELECT id FROM units_unit WHERE code LIKE 'B4-U%' AND code < 'B4-U{units:04d}') u
            ORDER BY m, i.id, u.id""")
    # 200,000 annual targets: one per indicator, unit and year (unit targets beat level targets).
    sql(f"""INSERT INTO indicators_target (indicator_id, year, level, unit_id, comparator, value, effective_from,
                                           source_text)
           SELECT i.id, y, '', u.id, CASE WHEN i.direction = 'down' THEN '<=' ELSE '>=' END,
                  CASE WHEN i.measure = 'percent' THEN 30 + (i.id * 37 + u.id * 11 + y) % 60
                       ELSE 300 + (i.id * 37 + u.id * 11 + y) % 500 END, '', ''
           FROM (SELECT id, measure, direction FROM indicators_indicator WHERE code LIKE 'B4-IND%') i,
                (SELECT id FROM units_unit WHERE code LIKE 'B4-U%' AND code < 'B4-U0400') u,
                generate_series(2020, 2020 + {months} / 12) y""")
    sql("VACUUM ANALYZE indicators_datavalue")
    sql("VACUUM ANALYZE indicators_target")
    print(f"  generated in {time.perf_counter() - t:.1f} s", flush=True)
    return sql("SELECT count(*) FROM indicators_datavalue")[0][0]


# ---------------------------------------------------------------------------------- reference
# Hand-written for this data set (unit targets only, no deadline, no range, no cumulative, no tiers):
# the least SQL that produces the engine's rows here, including the modified z-score outlier flag
# computed with PostgreSQL's percentile_cont.
def reference_select(scope: str = "", out: str = "", stored_stats: bool = False) -> str:
    fmt_pp = "replace(trim_scale(round(abs(w.value - w.prev_value), 2))::text, '.', ',')"
    fmt_int = (
        "replace(to_char(round(abs(w.value - w.prev_value)), 'FM999,999,999,999,999,999,990'), ',', '.')"
    )
    if stored_stats:
        stats = "mad AS (SELECT indicator_id, unit_id, median AS med, mad FROM indicators_seriesstats)"
    else:
        whole = scope.replace("dv.period >=", "'' <>")  # the whole series of the pairs in scope
        stats = f"""m AS (
    SELECT indicator_id, unit_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS med, count(*) AS n
    FROM indicators_datavalue dv WHERE value IS NOT NULL {whole}
    GROUP BY indicator_id, unit_id HAVING count(*) >= 6
), mad AS (
    SELECT dv.indicator_id, dv.unit_id, m.med,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(dv.value - m.med::numeric)) AS mad
    FROM indicators_datavalue dv JOIN m ON m.indicator_id = dv.indicator_id AND m.unit_id = dv.unit_id
    WHERE dv.value IS NOT NULL GROUP BY dv.indicator_id, dv.unit_id, m.med
)"""
    return f"""
WITH w AS (
    SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value,
           LAG(dv.period) OVER p AS prev_period, LAG(dv.value) OVER p AS prev_value
    FROM indicators_datavalue dv WHERE dv.value IS NOT NULL {scope}
    WINDOW p AS (PARTITION BY dv.indicator_id, dv.unit_id ORDER BY dv.period)
), {stats}
SELECT w.id, t.id, t.value,
       CASE WHEN t.id IS NULL THEN 'no_target'
            WHEN (t.comparator = '>=' AND w.value >= t.value) OR (t.comparator = '<=' AND w.value <= t.value)
            THEN 'met' ELSE 'not_met' END,
       CASE WHEN t.id IS NULL THEN NULL
            WHEN i.direction = 'down' THEN CASE WHEN w.value <= 0 THEN 100 ELSE round(t.value * 100.0 / w.value, 2) END
            WHEN t.value = 0 THEN NULL ELSE round(w.value * 100.0 / t.value, 2) END,
       COALESCE(w.prev_period, ''), w.prev_value, w.value - w.prev_value,
       CASE WHEN i.measure <> 'percent' AND w.prev_value <> 0
            THEN round((w.value - w.prev_value) * 100.0 / w.prev_value, 2) END,
       CASE WHEN w.prev_value IS NULL THEN ''
            WHEN i.measure = 'percent' THEN
                 CASE WHEN round(w.value - w.prev_value, 2) = 0 THEN 'Bằng'
                      WHEN w.value > w.prev_value THEN 'Tăng ' || {fmt_pp} || '%'
                      ELSE 'Giảm ' || {fmt_pp} || '%' END
            ELSE CASE WHEN round(w.value - w.prev_value) = 0 THEN 'Bằng'
                      WHEN w.value > w.prev_value THEN 'Tăng ' || {fmt_int}
                      ELSE 'Giảm ' || {fmt_int} END END,
       CASE WHEN i.measure <> 'percent' THEN w.value - w.prev_value END,
       CASE WHEN i.measure = 'percent' AND (w.value < 0 OR w.value > 100) THEN 1 ELSE 0 END
     + CASE WHEN i.measure <> 'percent' AND w.value < 0 THEN 2 ELSE 0 END
     + CASE WHEN mad.mad > 0 AND abs(0.6745 * (w.value - mad.med::numeric) / mad.mad::numeric) > 3.5
            THEN 8 ELSE 0 END
FROM w
JOIN indicators_indicator i ON i.id = w.indicator_id
LEFT JOIN indicators_target t ON t.indicator_id = w.indicator_id AND t.unit_id = w.unit_id
     AND t.year = substr(w.period, 1, 4)::int
LEFT JOIN mad ON mad.indicator_id = w.indicator_id AND mad.unit_id = w.unit_id
{out}"""


def reference_full():
    from django.db import transaction

    with transaction.atomic():
        sql(f"TRUNCATE {VS}")
        return sql(f"INSERT INTO {VS} ({COLS}) {reference_select()}")


def reference_month(month: str, previous: str):
    from django.db import transaction

    touched = f"SELECT indicator_id, unit_id FROM indicators_datavalue WHERE period = '{month}'"
    scope = f"AND dv.period >= '{previous}' AND (dv.indicator_id, dv.unit_id) IN ({touched})"
    select = reference_select(scope, "WHERE w.period >= '" + month + "'", stored_stats=True)
    with transaction.atomic():
        sql(
            f"DELETE FROM {VS} WHERE data_value_id IN (SELECT id FROM indicators_datavalue WHERE period = '{month}')"
        )
        return sql(f"INSERT INTO {VS} ({COLS}) {select}")


# ----------------------------------------------------------------------------------- harness
def snapshot(name):
    sql(f"DROP TABLE IF EXISTS {name}")
    sql(f"CREATE UNLOGGED TABLE {name} AS SELECT {COLS} FROM {VS}")


def differences(name) -> int:
    # target_value/flags compared as written; numeric scales are fixed by the column types.
    a = sql(f"SELECT count(*) FROM (SELECT {COLS} FROM {name} EXCEPT SELECT {COLS} FROM {VS}) x")[0][0]
    b = sql(f"SELECT count(*) FROM (SELECT {COLS} FROM {VS} EXCEPT SELECT {COLS} FROM {name}) x")[0][0]
    return a + b


def timed(fn):
    gc.collect()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def alternate(product, reference, runs: int, check, before=None):
    """Run both sides alternately; compare their rows after the first run of each. ``before`` runs
    untimed before every run of either side."""
    tp, tr = [], []
    for k in range(runs):
        if before:
            before()
        tp.append(timed(product))
        if k == 0:
            snapshot("bench_b4_product")
        if before:
            before()
        tr.append(timed(reference))
        if k == 0:
            diff = differences("bench_b4_product")
            print(f"  {check}: rows differing between product and reference: {diff}", flush=True)
            if diff:
                raise SystemExit(f"{check}: product and reference disagree on {diff} rows")
        print(f"  run {k + 1}: product {tp[-1]:.3f} s, reference {tr[-1]:.3f} s", flush=True)
    sql("DROP TABLE IF EXISTS bench_b4_product")
    return tp, tr


def row(name, tp, tr, rows):
    mp, mr = statistics.median(tp), statistics.median(tr)
    return (
        f"| {name} | {rows:,} | {min(tp):.3f} / **{mp:.3f}** / {max(tp):.3f} | "
        f"{min(tr):.3f} / **{mr:.3f}** / {max(tr):.3f} | **{mp / mr:.2f}×** |"
    )


def drop_month_statuses(month):
    sql(
        f"DELETE FROM {VS} WHERE data_value_id IN (SELECT id FROM indicators_datavalue WHERE period = '{month}')"
    )


def drop_month(month):
    drop_month_statuses(month)
    sql(f"DELETE FROM indicators_datavalue WHERE period = '{month}'")


def new_month(months: int):
    """One new month for 600 units (60,000 values) after ``months`` months, as an import leaves it:
    values written, no status rows yet. Returns (month, previous month, touched triples)."""
    month = f"{2020 + months // 12}-{months % 12 + 1:02d}"
    previous = f"{2020 + (months - 1) // 12}-{(months - 1) % 12 + 1:02d}"
    drop_month(month)
    sql("SELECT setseed(0.43)")
    sql(f"""INSERT INTO indicators_datavalue (indicator_id, unit_id, period, value, raw, source, note, flags,
                                              created_at, updated_at)
            SELECT i.id, u.id, '{month}',
                   CASE WHEN i.measure = 'percent' THEN round((random() * 100)::numeric, 2)
                        ELSE round((random() * 1000)::numeric) END,
                   '', 'import', '', '[]'::jsonb, now(), now()
            FROM (SELECT id, measure FROM indicators_indicator WHERE code LIKE 'B4-IND%') i,
                 (SELECT id FROM units_unit WHERE code LIKE 'B4-U%') u""")
    sql("ANALYZE indicators_datavalue")
    pairs = [
        [i, u, month]
        for i, u in sql(f"SELECT indicator_id, unit_id FROM indicators_datavalue WHERE period = '{month}'")
    ]
    return month, previous, pairs


def b4b(months: int, runs: int):
    """The task on the touched triples of a new month against the reference limited to the touched
    partitions, alternating."""
    month, previous, pairs = new_month(months)
    print(f"B4b incremental after one new month {month} ({len(pairs):,} values)", flush=True)
    tp, tr = alternate(
        lambda: recompute_status.apply(args=[pairs]),
        lambda: reference_month(month, previous),
        runs,
        "B4b",
        before=lambda: drop_month_statuses(month),
    )
    drop_month(month)
    return tp, tr, len(pairs)


_migrated: set[str] = set()


def use_database(name: str):
    """Point this process's connection at database ``name``, created and migrated on first use."""
    if connection.settings_dict["NAME"] != name:
        connection.close()
        ensure_database(name)
        connection.settings_dict["NAME"] = name
    if name not in _migrated:
        call_command("migrate", verbosity=0)
        _migrated.add(name)


def scaling(units: int, runs: int, sizes=(25, 100)):
    """B4b must follow the change, not the history: the same 60,000-value month after 1,000,000 stored
    values (25 months) and after 4,000,000 (100 months). Each size lives in its own database
    (`<name>_25m`, `<name>_100m`, kept between invocations), so the two sizes alternate run by run as
    product and reference do: a machine that slows down for a minute slows both sizes alike. Who goes
    first (product or reference) alternates too, so neither always meets the buffers the other size
    left. One full recompute (untimed) after generating leaves the series statistics the bulk path
    reads."""
    base = connection.settings_dict["NAME"]
    state = []
    for months in sizes:
        db = f"{base}_{months}m"
        use_database(db)
        n = generate(months, units)
        if sql(f"SELECT count(*) FROM {VS}")[0][0] != n:
            print(f"{n:,} values in {db}; full recompute (untimed) …", flush=True)
            t = time.perf_counter()
            recompute_status.apply()
            print(f"  full recompute {time.perf_counter() - t:.1f} s; load {os.getloadavg()}", flush=True)
        month, previous, pairs = new_month(months)
        print(f"{db}: {n:,} stored values, new month {month} ({len(pairs):,} values)", flush=True)
        state.append(
            {
                "months": months,
                "db": db,
                "n": n,
                "month": month,
                "previous": previous,
                "pairs": pairs,
                "tp": [],
                "tr": [],
            }
        )
    print(f"load average before the runs: {os.getloadavg()}", flush=True)
    for k in range(runs):
        for st in state if k % 2 == 0 else reversed(state):
            use_database(st["db"])
            sides = [
                ("tp", lambda st=st: recompute_status.apply(args=[st["pairs"]])),
                ("tr", lambda st=st: reference_month(st["month"], st["previous"])),
            ]
            for j, (side, fn) in enumerate(sides if k % 2 == 0 else reversed(sides)):
                drop_month_statuses(st["month"])
                st[side].append(timed(fn))
                if k == 0 and j == 0:
                    snapshot("bench_b4_first")
                elif k == 0:
                    diff = differences("bench_b4_first")
                    print(
                        f"  B4b {st['months']} months: rows differing between product and reference: {diff}"
                    )
                    if diff:
                        raise SystemExit(f"B4b: product and reference disagree on {diff} rows")
            print(
                f"  run {k + 1}, {st['months']} months: product {st['tp'][-1]:.3f} s, "
                f"reference {st['tr'][-1]:.3f} s",
                flush=True,
            )
    for st in state:
        use_database(st["db"])
        sql("DROP TABLE IF EXISTS bench_b4_first")
        drop_month(st["month"])
    print()
    print(
        "| Benchmark | stored values | product min / median / max (s) | reference min / median / max (s) | ratio |"
    )
    print("|---|---|---|---|---|")
    for st in state:
        print(
            row(
                f"B4b after {st['months']} months ({len(st['pairs']):,} new values)",
                st["tp"],
                st["tr"],
                st["n"],
            )
        )
    small, large = (statistics.median(st["tp"]) for st in state)
    ref_small, ref_large = (statistics.median(st["tr"]) for st in state)
    print(f"\nB4b product {sizes[1]} / {sizes[0]} months (medians): {large / small:.2f}x (goal <= 1.25x)")
    print(f"B4b reference {sizes[1]} / {sizes[0]} months (medians): {ref_large / ref_small:.2f}x")
    print(f"load average after the runs: {os.getloadavg()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--months", type=int, default=50)
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument(
        "--scaling", action="store_true", help="B4b after 1,000,000 and after 4,000,000 stored values only"
    )
    parser.add_argument("--sizes", default="25,100", help="months of the two --scaling sizes")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.scaling:
        scaling(args.units, args.runs, tuple(int(m) for m in args.sizes.split(",")))
        return
    n = generate(args.months, args.units)
    print(f"{n:,} values", flush=True)

    # B4: full recompute (the task with no pairs) vs TRUNCATE + INSERT … SELECT.
    print("B4 full recompute", flush=True)
    tp, tr = alternate(lambda: recompute_status.apply(), reference_full, args.runs, "B4")
    b4 = row("B4 full recompute", tp, tr, n)
    b4_product = statistics.median(tp)

    tp, tr, new = b4b(args.months, args.runs)
    b4b_row = row("B4b incremental, one new month", tp, tr, new)
    share = statistics.median(tp) / b4_product * 100
    floor_share = statistics.median(tr) / b4_product * 100
    print()
    print(
        "| Benchmark | values | product min / median / max (s) | reference min / median / max (s) | ratio |"
    )
    print("|---|---|---|---|---|")
    print(b4)
    print(b4b_row)
    print(f"\nB4b product median = {share:.2f} % of B4 product median")
    print(f"B4b reference median = {floor_share:.2f} % of B4 product median (the floor for that share)")
    print(f"load average after the runs: {os.getloadavg()}")


if __name__ == "__main__":
    main()
