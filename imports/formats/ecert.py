"""`Chung thuc`: electronic certification files by status, cumulative since 01/01/2020, for the
province (`UBND tỉnh Bình Phước`)."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, distinct_indicators, header_text, parse_unit_table, unit_table

LAYOUT = "ecert"
TITLE = "Chứng thực điện tử"


def classify(col: Column, table: UnitTable) -> Role | None | str:
    leaf = col.folded[-1]
    if has(leaf, *phrases(LAYOUT, "ECERT-WAIT-SIGN")):
        return Role("ECERT-WAIT-SIGN", Kind.COUNT)
    if has(leaf, *phrases(LAYOUT, "ECERT-WAIT-SEAL")):
        return Role("ECERT-WAIT-SEAL", Kind.COUNT)
    if has(leaf, *phrases(LAYOUT, "ECERT-DONE")):
        return Role("ECERT-DONE", Kind.COUNT)
    if has(leaf, *phrases(LAYOUT, "ECERT-REJECTED")):
        return Role("ECERT-REJECTED", Kind.COUNT)
    if has(leaf, *phrases(LAYOUT, "ECERT-CANCELLED")):
        return Role("ECERT-CANCELLED", Kind.COUNT)
    if has(leaf, *phrases(LAYOUT, "ECERT-TOTAL")):
        return Role("ECERT-TOTAL", Kind.COUNT)
    return None


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    n = distinct_indicators(table, classify)
    if n < 3:
        return 0
    return n + (2 if has(header_text(sheet), *phrases(LAYOUT, "title")) else 0)


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(sheet, LAYOUT, classify, unit_level="province", answers=answers)
