"""`DVCTT`: online public services, one row per agency/district.

Two groups of three columns under a merged group header: the rate of online services that received
online files (DVC-SVC-RATE) and the rate of files processed online (DVC-FILE-RATE); under each, the
unit's result, the printed change since the previous report and the printed status against the
national target. Dates in the headers ("đến thời điểm báo cáo 18/02/2023", "tháng 12/2022") are
ignored: the values belong to the import's period.
"""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrase_set, phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import Column, Role, UnitTable, parse_unit_table, strip_parens, unit_table

LAYOUT = "dvctt"
TITLE = "Dịch vụ công trực tuyến"


def _indicator(text: str) -> str | None:
    if has(text, *phrases(LAYOUT, "DVC-SVC-RATE")):
        return "DVC-SVC-RATE"
    if has(text, *phrases(LAYOUT, "DVC-FILE-RATE")):
        return "DVC-FILE-RATE"
    return None


def classify(col: Column, table: UnitTable) -> Role | None | str:
    folded = col.folded
    indicator = _indicator(" ".join(folded))
    if indicator is None:
        return None
    group = strip_parens(col.parts[0])
    leaf = folded[-1] if len(folded) > 1 else ""
    if leaf and has(leaf, *phrases(LAYOUT, "change")):
        return Role(
            indicator, Kind.PERCENT, derived="change", display=f"{group} / {strip_parens(col.parts[-1])}"
        )
    if leaf and (has(leaf, *phrases(LAYOUT, "status")) or leaf in phrase_set(LAYOUT, "status-cell")):
        return Role(
            indicator, Kind.PERCENT, derived="status", display=f"{group} / {strip_parens(col.parts[-1])}"
        )
    if not leaf or has(leaf, *phrases(LAYOUT, "value")):
        return Role(indicator, Kind.PERCENT, display=group)
    return None


def detect(sheet: SheetData) -> int:
    table = unit_table(sheet)
    if table is None:
        return 0
    roles = [classify(c, table) for c in table.columns if c.parts]
    return sum(2 for r in roles if isinstance(r, Role) and r.derived is None) + sum(
        1 for r in roles if isinstance(r, Role) and r.derived
    )


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    return parse_unit_table(
        sheet, LAYOUT, classify, unit_level=None, required=("DVC-SVC-RATE", "DVC-FILE-RATE"), answers=answers
    )
