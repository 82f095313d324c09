"""`Thanh toan truc tuyen`: online payments of financial obligations (NVTC) and fees per district,
three header levels: the window (one day `28/09/2023`, the month `09/2023`, the year `Năm 2023`),
the kind (NVTC / Phí, lệ phí), the measure (Số GD / Số tiền).

The group header's time window (`windows.header_window`) decides: the month group is the import
period's monthly value whatever month it prints (the August report heads it `09/2023`); the year group
is year to date (`-YTD`); the one-day group and the combined "Tổng Thuế và Phí, lệ phí" row map to no
indicator; a group without a window is a question. Amounts are printed with `,` grouping, so a
cell like `2,73` cannot be read and is an error (the printed total suggests the value)."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, fold, parse_unit_table, unit_table
from .windows import Window, header_window

LAYOUT = "tax_payments"
TITLE = "Thanh toán trực tuyến"


def classify(col: Column, table: UnitTable) -> Role | None | str:
    folded = col.folded
    if len(folded) < 2:
        return None
    measure = folded[-1]
    kinds = " ".join(folded[1:-1]) if len(folded) > 2 else ""
    window = header_window(folded[0]) if len(folded) > 2 else None
    if has(measure, *phrases(LAYOUT, "count")):
        m, kind = "COUNT", Kind.COUNT
    elif has(measure, *phrases(LAYOUT, "amount")):
        m, kind = "AMOUNT", Kind.AMOUNT
    else:
        return None
    if has(kinds, *phrases(LAYOUT, "nvtc")):
        k = "NVTC"
    elif has(kinds, *phrases(LAYOUT, "fee")):
        k = "FEE"
    else:
        return None
    code = f"TAX-{k}-{m}"
    family = {Window.MONTH: code, Window.YTD: f"{code}-YTD", Window.DAY: None}
    return Role("", kind, grouping="comma", family=family, window=window)


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    n = 0
    for c in table.columns:
        if not c.parts:
            continue
        f = " ".join(fold(p) for p in c.parts)
        if has(f, *phrases(LAYOUT, "detect-kind")) and has(f, *phrases(LAYOUT, "detect-kind+")):
            n += 1
    return n if n >= 2 else 0


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(sheet, LAYOUT, classify, unit_level="district", answers=answers)
