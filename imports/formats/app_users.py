"""`BinhPhuocToday`: users of the Bình Phước Today app per district (cumulative), plus
`Không xác định` (users without a district) and the printed total. The column "So với báo cáo
chuyên đề tháng … (số người dùng tăng thêm)" is the printed increment, kept to check the engine."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, header_text, parse_unit_table, unit_table

LAYOUT = "app_users"
TITLE = "Người dùng ứng dụng Bình Phước Today"
INDICATOR = "APP-BPTODAY-USERS"


def classify(col: Column, table: UnitTable) -> Role | None | str:
    f = col.all_folded
    if has(f, "tang them", "so voi bao cao", "so voi thang", "tang giam", "so voi ky truoc"):
        return Role(INDICATOR, Kind.COUNT, derived="increment")
    if has(f, "nguoi dung", "nguoi su dung", "so tai khoan", "luot cai dat", "so luot tai"):
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
    if has(header_text(sheet), "binh phuoc today", "binhphuoc today", "ung dung"):
        score += 1
    return score


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(
        sheet, LAYOUT, classify, unit_level="district", required=(INDICATOR,), answers=answers
    )
