"""Build Excel workbooks in code (openpyxl writes; the importer reads them with calamine).

`build_xlsx(sheets)` takes {sheet name: SheetSpec or rows}; `sample_rows(path)` reads a real sample
back as rows + merges so tests can derive variants (columns moved, headers renamed, glyphs changed).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
JANUARY = SAMPLES / "bao-cao-2023-01.xlsx"
AUGUST = SAMPLES / "bao-cao-2023-08.xlsx"


@dataclass
class SheetSpec:
    rows: list[list]
    merges: list[str] = field(default_factory=list)  # "A3:A4"
    formats: dict[str, str] = field(default_factory=dict)  # "C5" -> "0.00%"
    hidden: bool = False
    formulas: dict[str, str] = field(default_factory=dict)  # "C5" -> "=1+1" (no cached value)


def build_xlsx(sheets: dict[str, SheetSpec | list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, spec in sheets.items():
        if not isinstance(spec, SheetSpec):
            spec = SheetSpec(spec)
        ws = wb.create_sheet(name)
        for r, row in enumerate(spec.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None and v != "":
                    ws.cell(r, c, v)
        for rng in spec.merges:
            ws.merge_cells(rng)
        for cell, fmt in spec.formats.items():
            ws[cell].number_format = fmt
        for cell, formula in spec.formulas.items():
            ws[cell] = formula
        if spec.hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rng(r0: int, c0: int, r1: int, c1: int) -> str:
    """0-based inclusive → 'A3:A4'."""
    return f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"


def sample_sheets(path: Path = AUGUST) -> dict[str, SheetSpec]:
    """Every sheet of a sample as rows and merges (percent formats dropped: numeric fractions
    then go through the importer's column rule)."""
    wb = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        sh = wb.get_sheet_by_name(name)
        rows = [list(r) for r in sh.to_python(skip_empty_area=False)]
        merges = [rng(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        out[name] = SheetSpec(rows, merges)
    return out


def move_column(spec: SheetSpec, src: int, dst: int) -> SheetSpec:
    """Move column `src` to position `dst` (0-based) in every row; merges are dropped for the moved
    area, so only use it on sheets whose header is a single row or re-merge explicitly."""
    rows = []
    for row in spec.rows:
        row = list(row)
        v = row.pop(src)
        row.insert(dst, v)
        rows.append(row)
    return SheetSpec(rows, _ab_merges(spec))


def insert_column(spec: SheetSpec, at: int, values: list) -> SheetSpec:
    rows = []
    for i, row in enumerate(spec.rows):
        row = list(row)
        row.insert(at, values[i] if i < len(values) else "")
        rows.append(row)
    return SheetSpec(rows, _ab_merges(spec))


def _ab_merges(spec: SheetSpec) -> list[str]:
    """Merges inside columns A-B only (STT/unit headers); wider ones are dropped with the move."""
    return [m for m in spec.merges if all(part.rstrip("0123456789") in ("A", "B") for part in m.split(":"))]


def replace_text(spec: SheetSpec, old: str, new: str) -> SheetSpec:
    rows = [[v.replace(old, new) if isinstance(v, str) else v for v in row] for row in spec.rows]
    return SheetSpec(rows, list(spec.merges), dict(spec.formats), spec.hidden)
