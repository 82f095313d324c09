"""Seeded generators for the intake benchmarks (B1-B3).

Writes benchmarks/data/long.xlsx (200,000 x 5: indicator code, unit code, period, value, note) and
benchmarks/data/wide.xlsx (1,000 unit rows x 60 indicator columns under a 2-row merged header), the
shapes of /work/shared/research/perf-floors.md §7.1, with our catalogue's vocabulary: the codes are
the ones `benchmarks/b2_*.py` and `b3_*.py` create as benchmark indicators and units.

Usage: python benchmarks/gen_workbooks.py [--rows 200000] [--out benchmarks/data]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

N_INDICATORS = 40
N_UNITS = 100
N_PERIODS = 50
WIDE_UNITS = 1000
WIDE_INDICATORS = 60


def indicator_codes(n: int = N_INDICATORS) -> list[str]:
    return [f"BENCH-IND{i:03d}" for i in range(n)]


def unit_codes(n: int = N_UNITS) -> list[str]:
    return [f"BENCH-U{u:04d}" for u in range(n)]


def periods(n: int = N_PERIODS) -> list[str]:
    return [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(n)]


def write_long(path: Path, rows: int = 200_000, seed: int = 42) -> Path:
    rnd = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("backfill")
    ws.append(["indicator", "unit", "period", "value", "note"])
    n = 0
    inds, units, pers = indicator_codes(), unit_codes(), periods()
    for i in inds:
        for u in units:
            for p in pers:
                if n >= rows:
                    break
                ws.append(
                    [
                        i,
                        u,
                        p,
                        round(rnd.uniform(0, 1000), 2),
                        rnd.choice(["", "ok", "ước tính", "số liệu sơ bộ"]),
                    ]
                )
                n += 1
    wb.save(path)
    return path


def write_wide(path: Path, seed: int = 42, period_label: str = "Tháng 03/2024") -> Path:
    rnd = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "wide"
    ws["A1"] = "Mã đơn vị"
    ws["B1"] = "Tên đơn vị"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    for g in range(WIDE_INDICATORS // 10):
        c0 = 3 + g * 10
        ws.cell(1, c0, f"Nhóm chỉ tiêu {g + 1} ({period_label})")
        ws.merge_cells(f"{get_column_letter(c0)}1:{get_column_letter(c0 + 9)}1")
        for k in range(10):
            ws.cell(2, c0 + k, f"BENCH-IND{g * 10 + k:03d}")
    for r in range(WIDE_UNITS):
        ws.append(
            [f"BENCH-W{r:04d}", f"Đơn vị số {r}"]
            + [round(rnd.uniform(0, 1000), 2) for _ in range(WIDE_INDICATORS)]
        )
    wb.save(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--out", default=str(Path(__file__).parent / "data"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(write_long(out / "long.xlsx", args.rows))
    print(write_long(out / "long_changed.xlsx", args.rows, seed=7))  # same keys, every value different
    print(write_wide(out / "wide.xlsx"))


if __name__ == "__main__":
    main()
