"""`Phan mem`: other software per agency/district: eCabinet paperless meetings (year to date, and
in some months a per-window count beside it), e-signed documents, documents handled in the QLVB
system, official e-mail use.

eCabinet columns: a header saying "từ đầu năm", "lũy kế" or a window starting 01/01 is the
year-to-date count (SW-ECABINET-YTD); "trong kỳ/tháng", "riêng …" or a window starting on another
day is the per-window count (SW-ECABINET). An unqualified eCabinet header is the year-to-date count,
as in every report so far (January prints "số cuộc họp được tổ chức" with the lead sentence counting
from 01/01)."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..types import SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, date_window, parse_unit_table, unit_table

LAYOUT = "software_usage"
TITLE = "Phần mềm, ứng dụng khác"


def _ecabinet(f: str) -> str:
    window = date_window(f)
    if has(f, "tu dau nam", "luy ke", "tinh tu dau nam", "ca nam"):
        return "SW-ECABINET-YTD"
    if window is not None:
        return "SW-ECABINET-YTD" if window[0][:2] == (1, 1) else "SW-ECABINET"
    if has(f, "trong ky", "trong thang", "rieng", "ky bao cao", "trong tuan", "phat sinh trong"):
        return "SW-ECABINET"
    return "SW-ECABINET-YTD"


def classify(col: Column, table: UnitTable) -> Role | None | str:
    f = col.all_folded
    if has(f, "ecabinet", "e cabinet", "hop khong giay", "hop truc tuyen khong giay"):
        return Role(_ecabinet(f), Kind.COUNT)
    if has(f, "ky so"):
        return Role("SW-ESIGN-RATE", Kind.PERCENT)
    if has(f, "qlvb", "quan ly van ban", "qlvb va hscv", "hscv"):
        return Role("SW-QLVB-RATE", Kind.PERCENT)
    if has(f, "thu dien tu", "email", "e mail", "thu cong vu"):
        return Role("SW-EMAIL-RATE", Kind.PERCENT)
    return None


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    n = sum(1 for c in table.columns if c.parts and isinstance(classify(c, table), Role))
    return 2 * n if n >= 2 else 0


def parse(sheet: SheetData) -> SheetResult:
    return parse_unit_table(sheet, LAYOUT, classify)
