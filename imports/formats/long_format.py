from __future__ import annotations

from ..types import SheetResult
from ..workbook import SheetData

LAYOUT = "long_format"
TITLE = "long_format"


def detect(sheet: SheetData) -> int:
    return 0


def parse(sheet: SheetData) -> SheetResult:
    return SheetResult(sheet=sheet.name, layout=LAYOUT)
