"""`Thanh toan truc tuyen`: online payments of financial obligations (NVTC) and fees per district,
three header levels: the window (one day `28/09/2023`, the month `09/2023`, the year `Năm 2023`),
the kind (NVTC / Phí, lệ phí), the measure (Số GD / Số tiền).

The month group is the import period's monthly value whatever month it prints (the August report
heads it `09/2023`); the year group is year to date (`-YTD`); the one-day group and the combined
"Tổng Thuế và Phí, lệ phí" row map to no indicator. Amounts are printed with `,` grouping, so a
cell like `2,73` cannot be read and is an error (the printed total suggests the value)."""

from __future__ import annotations

import re

from core.numbers import Kind
from core.text import has

from ..types import SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, date_window, fold, parse_unit_table, unit_table

LAYOUT = "tax_payments"
TITLE = "Thanh toán trực tuyến"
_DAY = re.compile(r"^(ngay )?\d{1,2} \d{1,2} \d{4}$")
_MONTH = re.compile(r"^(thang )?\d{1,2} \d{4}$")


def _window(group: str) -> str | None:
    window = date_window(group)
    if window is not None:
        start = window[0]
        return "ytd" if start[:2] == (1, 1) else "month" if start[0] == 1 else "day"
    if _DAY.match(group):
        return "day"
    if has(group, "luy ke", "tu dau nam", "luy ke nam", "ca nam"):
        return "ytd"
    if _MONTH.match(group) or has(group, "thang", "trong thang"):
        return "month"
    if has(group, "nam"):
        return "ytd"
    if has(group, "ngay", "trong ngay"):
        return "day"
    return None


def classify(col: Column, table: UnitTable) -> Role | None | str:
    folded = col.folded
    if len(folded) < 2:
        return None
    measure = folded[-1]
    kinds = " ".join(folded[1:-1]) if len(folded) > 2 else ""
    window = _window(folded[0]) if len(folded) > 2 else None
    if has(measure, "so gd", "so giao dich", "giao dich", "so luong gd"):
        m, kind = "COUNT", Kind.COUNT
    elif has(measure, "so tien", "tien", "gia tri"):
        m, kind = "AMOUNT", Kind.AMOUNT
    else:
        return None
    if has(kinds, "nvtc", "nghia vu tai chinh", "thue"):
        k = "NVTC"
    elif has(kinds, "phi", "le phi"):
        k = "FEE"
    else:
        return None
    if window == "day":
        return "skip"
    if window is None:
        return None
    suffix = "-YTD" if window == "ytd" else ""
    return Role(f"TAX-{k}-{m}{suffix}", kind, grouping="comma")


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    n = 0
    for c in table.columns:
        if not c.parts:
            continue
        f = " ".join(fold(p) for p in c.parts)
        if has(f, "nvtc", "le phi", "nghia vu tai chinh") and has(f, "so gd", "so tien", "giao dich"):
            n += 1
    return n if n >= 2 else 0


def parse(sheet: SheetData) -> SheetResult:
    return parse_unit_table(sheet, LAYOUT, classify, unit_level="district")
