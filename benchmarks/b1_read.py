"""B1: reading a 200,000 x 5 long workbook, the importer's reader vs python-calamine `to_python()`.

Both sides run in this process, alternating, >= 5 runs each; the ratio of medians is the result
(goal <= 1.3x). Both sides must return the same rows (every row compared, untimed). Run `python benchmarks/gen_workbooks.py` first.

Usage: python benchmarks/b1_read.py [--runs 5] [--file benchmarks/data/long.xlsx]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from python_calamine import CalamineWorkbook  # noqa: E402

from imports.workbook import read_workbook  # noqa: E402

GOAL = 1.3


def reference(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def product(path: Path) -> list[list]:
    return read_workbook(path, max_bytes=200 * 1024 * 1024).sheets[0].rows


def timed(fn, *args):
    gc.collect()
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--file", default=str(ROOT / "benchmarks" / "data" / "long.xlsx"))
    args = ap.parse_args()
    path = Path(args.file)
    ref_t, prod_t = [], []
    for _ in range(args.runs):
        t, ref_rows = timed(reference, path)
        ref_t.append(t)
        t, prod_rows = timed(product, path)
        prod_t.append(t)
        if ref_rows != prod_rows:  # every row, every cell (untimed)
            print("FAIL: the reader returned different rows than calamine")
            return 1
        del ref_rows, prod_rows
    ratio = statistics.median(prod_t) / statistics.median(ref_t)
    result = {
        "benchmark": "B1 read 200k x 5",
        "reference": [min(ref_t), statistics.median(ref_t), max(ref_t)],
        "product": [min(prod_t), statistics.median(prod_t), max(prod_t)],
        "ratio": ratio,
        "goal": GOAL,
        "ok": ratio <= GOAL,
    }
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
