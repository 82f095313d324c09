"""`To CNSCD`: community digital-technology teams per district (commune-level teams and members,
the share of communes with a team, hamlet-level teams and members)."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, distinct_indicators, header_text, parse_unit_table, unit_table

LAYOUT = "cnscd_teams"
TITLE = "Tổ Công nghệ số cộng đồng"


def classify(col: Column, table: UnitTable) -> Role | None | str:
    f = col.all_folded
    hamlet = has(f, *phrases(LAYOUT, "hamlet"))
    if has(f, *phrases(LAYOUT, "members")):
        return Role(
            "CNS-HAMLET-MEMBERS"
            if hamlet and not has(f, *phrases(LAYOUT, "commune"))
            else "CNS-COMMUNE-MEMBERS",
            Kind.COUNT,
        )
    if has(f, *phrases(LAYOUT, "CNS-COMMUNE-TEAM-RATE")):
        return Role("CNS-COMMUNE-TEAM-RATE", Kind.PERCENT)
    if has(f, *phrases(LAYOUT, "teams")):
        return Role(
            "CNS-HAMLET-TEAMS" if hamlet and not has(f, *phrases(LAYOUT, "commune")) else "CNS-COMMUNE-TEAMS",
            Kind.COUNT,
        )
    return None


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    n = distinct_indicators(table, classify)
    if n < 2:
        return 0
    bonus = 2 if has(header_text(sheet), *phrases(LAYOUT, "title")) else 0
    return n + bonus


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(sheet, LAYOUT, classify, unit_level="district", answers=answers)
