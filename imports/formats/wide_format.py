"""Wide format from other systems: one row per unit (by code or name), one column per indicator
headed by its catalogue code (e.g. `DVC-SVC-RATE`), under optional merged group headers. Values
belong to the import's period. Cells are read as plain numbers (percents on 0–100, `92,5%` text
accepted); an empty cell is no data."""

from __future__ import annotations

import re
from decimal import Decimal

from core.numbers import Kind, raw_text, read_number

from ..phrases import phrase_set
from ..types import Answers, CellBlock, CellRef, ParsedValue, RowError, Severity, SheetResult
from ..workbook import SheetData
from .base import fold

LAYOUT = "wide_format"
TITLE = "Bảng dạng rộng (mỗi cột một mã chỉ tiêu)"
CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")


def _header(sheet: SheetData):
    for r in range(min(8, sheet.height)):
        codes = {
            c: sheet.raw(r, c).strip()
            for c in range(sheet.width)
            if isinstance(sheet.raw(r, c), str) and CODE.match(sheet.raw(r, c).strip())
        }
        if len(codes) >= 3:
            unit_col = None
            unit_headers = phrase_set(LAYOUT, "unit-header")
            for c in range(min(sheet.width, 4)):
                for rr in range(r + 1):
                    if fold(sheet.value(rr, c)) in unit_headers:
                        unit_col = c
                        break
                if unit_col is not None:
                    break
            if unit_col is not None:
                return r, unit_col, codes
    return None


def detect(sheet: SheetData) -> int:
    found = _header(sheet)
    return 4 + min(len(found[2]), 5) if found else 0


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT)
    found = _header(sheet)
    if not found:
        return result
    hr, uc, codes = found
    name = sheet.name
    cols = list(codes.items())
    values = result.values
    # Numeric cells go to the block as tuples (row, column, code, unit, None, value, raw, "");
    # text cells stay ParsedValue objects with their readings' flags and problems.
    block = result.block = CellBlock(name, {c + 1: code for c, code in cols}, uc + 1)
    add = block.items.append
    for r in range(hr + 1, sheet.height):
        row = sheet.rows[r]
        unit = row[uc] if uc < len(row) else ""
        unit = unit.strip() if isinstance(unit, str) else raw_text(unit)
        if not unit:
            continue
        for c, code in cols:
            raw = row[c] if c < len(row) else ""
            if raw == "":
                continue
            if type(raw) is float:
                text = repr(raw)
                value = Decimal(int(raw)) if raw.is_integer() else Decimal(text)
                add((r + 1, c + 1, code, unit, None, value, text, ""))
                continue
            reading = read_number(raw, Kind.NUMBER)
            pv = ParsedValue(
                code,
                CellRef(name, r + 1, c + 1, code),
                raw_text(raw),
                reading.value,
                unit_label=unit,
                indicator_is_label=True,
                unit_column=uc + 1,
                flags=list(reading.flags),
            )
            if reading.error:
                pv.flags.append("error")
                result.problems.append(
                    RowError(
                        name, r + 1, c + 1, raw_text(raw), reading.error, header=code, code="not_a_number"
                    )
                )
            for w in reading.warnings:
                result.problems.append(
                    RowError(
                        name,
                        r + 1,
                        c + 1,
                        raw_text(raw),
                        w,
                        Severity.WARNING,
                        header=code,
                        code="number_warning",
                    )
                )
            values.append(pv)
    return result
