"""`Phan mem`: other software per agency/district: eCabinet paperless meetings (year to date, and
in some months a per-window count beside it), e-signed documents, documents handled in the QLVB
system, official e-mail use.

eCabinet columns: the header's time window (`windows.header_window`) decides: the month ("tháng 11",
"trong kỳ", "từ 01/11 đến 30/11") is SW-ECABINET, the year to date ("từ đầu năm", "lũy kế", a window
starting 01/01) SW-ECABINET-YTD; another span is a question. An unqualified eCabinet header is the
year-to-date count, as in every report so far (January prints "số cuộc họp được tổ chức" with the
lead sentence counting from 01/01) — but only when no other eCabinet column is present: beside one,
it is a question."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, distinct_indicators, parse_unit_table, unit_table
from .windows import Window, header_window

LAYOUT = "software_usage"
TITLE = "Phần mềm, ứng dụng khác"


ECABINET = {Window.MONTH: "SW-ECABINET", Window.YTD: "SW-ECABINET-YTD"}


def _ecabinet(f: str) -> Role:
    """The header's window picks the member; an unqualified header is the year-to-date count (the
    default, used only when no other eCabinet column is present)."""
    return Role("SW-ECABINET-YTD", Kind.COUNT, family=ECABINET, window=header_window(f))


def classify(col: Column, table: UnitTable) -> Role | None | str:
    f = col.all_folded
    if has(f, *phrases(LAYOUT, "ecabinet")):
        return _ecabinet(f)
    if has(f, *phrases(LAYOUT, "SW-ESIGN-RATE")):
        return Role("SW-ESIGN-RATE", Kind.PERCENT)
    if has(f, *phrases(LAYOUT, "SW-QLVB-RATE")):
        return Role("SW-QLVB-RATE", Kind.PERCENT)
    if has(f, *phrases(LAYOUT, "SW-EMAIL-RATE")):
        return Role("SW-EMAIL-RATE", Kind.PERCENT)
    return None


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    n = distinct_indicators(table, classify)
    return 2 * n if n >= 2 else 0


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(sheet, LAYOUT, classify, answers=answers)
