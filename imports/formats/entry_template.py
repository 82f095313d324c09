from __future__ import annotations

from ..types import SheetResult
from ..workbook import SheetData

LAYOUT = "entry_template"
TITLE = "entry_template"


def detect(sheet: SheetData) -> int:
    return 0


def parse(sheet: SheetData) -> SheetResult:
    return SheetResult(sheet=sheet.name, layout=LAYOUT)
