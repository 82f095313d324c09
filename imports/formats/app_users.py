"""`BinhPhuocToday`: users of the Bình Phước Today app per district (cumulative), plus
`Không xác định` (users without a district) and the printed total. The column "So với báo cáo
chuyên đề tháng … (số người dùng tăng thêm)" is the printed increment, kept to check the engine."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, header_text, parse_unit_table, unit_table

LAYOUT = "app_users"
TITLE = "Người dùng ứng dụng Bình Phước Today"
INDICATOR = "APP-BPTODAY-USERS"


def classify(col: Column, table: UnitTable) -> Role | None | str:
    f = col.all_folded
    if has(f, *phrases(LAYOUT, "increment")):
        return Role(INDICATOR, Kind.COUNT, derived="increment")
    if has(f, *phrases(LAYOUT, "APP-BPTODAY-USERS")):
        return Role(INDICATOR, Kind.COUNT)
    return None


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    roles = [classify(c, table) for c in table.columns if c.parts]
    if not any(isinstance(r, Role) and r.derived is None for r in roles):
        return 0
    score = 2
    if has(header_text(sheet), *phrases(LAYOUT, "title")):
        score += 1
    return score


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(
        sheet, LAYOUT, classify, unit_level="district", required=(INDICATOR,), answers=answers
    )
