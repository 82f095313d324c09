"""B3: a 1,000-row x 60-column wide sheet with a 2-row merged header (60,000 values, one month) imported
into a table already holding 2,000,000 values (PostgreSQL), product vs reference.

Product: `imports.services.import_file(wide.xlsx, period="2024-03")` (layout detected by content: the
wide format headed by indicator codes; validation, batch, the write door with its change rows and
the status enqueue, as in B2).
Reference (perf-floors §3.4, restated by issue 14): calamine `to_python()` + melt + dict code lookup +
COPY into a temp table + the one statement of B2 that upserts and inserts a change row per changed
value, into the same tables. Each run imports a new month (the month and its change rows are deleted
before every run, untimed). Sides alternate, >= 5 runs each; ratio of medians (goal <= 1.3x); both
sides must write the same rows and the same change rows (md5 fingerprints).

Usage: python benchmarks/gen_workbooks.py && python benchmarks/b3_wide_import.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import b2_long_import as b2  # noqa: E402  (sets up Django on the benchmark database)
from gen_workbooks import WIDE_UNITS, indicator_codes  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from indicators.models import Indicator  # noqa: E402
from units.models import Unit  # noqa: E402

PERIOD = "2024-03"
GOAL = 1.3


def ensure_two_million():
    """100 indicators x 400 units x 50 months of history (BENCH-S…), generated in SQL once."""
    b2.setup_catalogue([f"BENCH-S{i:03d}" for i in range(100)], [f"BENCH-SU{u:03d}" for u in range(400)])
    n = b2.sql(f"SELECT count(*) FROM {b2.DV}")[0][0]
    if n >= 2_000_000:
        return n
    b2.sql(
        f"""
        INSERT INTO {b2.DV} (indicator_id, unit_id, period, value, raw, source, note, flags, created_at, updated_at)
        SELECT i.id, u.id, to_char(date '2020-01-01' + make_interval(months => m), 'YYYY-MM'),
               round((random() * 1000)::numeric, 2), '', 'import', '', '[]'::jsonb, now(), now()
        FROM generate_series(0, 49) m,
             (SELECT id FROM indicators_indicator WHERE code LIKE 'BENCH-S%%') i,
             (SELECT id FROM units_unit WHERE code LIKE 'BENCH-SU%%') u
        ON CONFLICT DO NOTHING
        """
    )
    b2.sql(f"VACUUM ANALYZE {b2.DV}")
    return b2.sql(f"SELECT count(*) FROM {b2.DV}")[0][0]


def clear_month():
    b2.sql(
        f"DELETE FROM {b2.DV} WHERE period = %s AND unit_id IN (SELECT id FROM units_unit WHERE code LIKE 'BENCH-W%%')",
        [PERIOD],
    )
    b2.sql(
        f"DELETE FROM {b2.VC} WHERE period = %s AND unit_id IN (SELECT id FROM units_unit WHERE code LIKE 'BENCH-W%%')",
        [PERIOD],
    )
    b2.vacuum()


def fingerprint_wide(_prefix=None):
    values = b2.sql(
        f"SELECT count(*), md5(string_agg(d.indicator_id || ',' || d.unit_id || ',' || d.period || ',' "
        f"|| trim_scale(d.value)::text || ',' || d.note, ';' ORDER BY d.indicator_id, d.unit_id)) FROM {b2.DV} d "
        "JOIN units_unit u ON u.id = d.unit_id WHERE u.code LIKE 'BENCH-W%%' AND d.period = %s",
        [PERIOD],
    )[0]
    return values + b2.change_fingerprint(
        "c.period = %s AND c.unit_id IN (SELECT id FROM units_unit WHERE code LIKE 'BENCH-W%%')", [PERIOD]
    )


def reference(path: Path):
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    inds = dict(Indicator.objects.values_list("code", "id"))
    units = dict(Unit.objects.values_list("code", "id"))
    codes = [inds.get(c) for c in rows[1]]
    tuples = []
    for row in rows[2:]:
        u = units[row[0]]
        for c in range(2, len(row)):
            tuples.append((codes[c], u, PERIOD, row[c], ""))
    return b2.copy_upsert(tuples)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    path = b2.DATA / "wide.xlsx"
    if not path.exists():
        print("missing wide.xlsx: run python benchmarks/gen_workbooks.py first")
        return 2
    b2.setup_catalogue(indicator_codes(60), [f"BENCH-W{r:04d}" for r in range(WIDE_UNITS)])
    total = ensure_two_million()
    b2.fingerprint = fingerprint_wide
    result = b2.bench(
        "B3 wide sheet 1,000 x 60 into a 2M-row table",
        args.runs,
        clear_month,
        lambda: reference(path),
        lambda: b2.product(path, PERIOD),
        "",
    )
    result["table_rows_before"] = total
    result["goal"] = GOAL
    result["ok"] = result["same_rows"] and result["ratio"] <= GOAL
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
