"""The per-unit entry template the product generates (`imports/blank_workbook.py`): a title naming
the unit `(CODE)` and the period, then STT | Mã chỉ tiêu | Tên chỉ tiêu | Đơn vị tính | Kỳ trước |
Số liệu kỳ YYYY-MM | Ghi chú. Rows are matched by indicator code; percents are on the 0–100 scale
the template asks for."""

from __future__ import annotations

import re

from core.numbers import Kind
from core.periods import read_period

from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import ParseContext, Role, fold

LAYOUT = "entry_template"
TITLE = "Mẫu nhập số liệu của đơn vị"
_CODE = re.compile(r"\(([A-Z0-9][A-Z0-9\-]*)\)")
_PERIOD = re.compile(r"(\d{4}-\d{2})")


def _find(sheet: SheetData):
    for r in range(min(8, sheet.height)):
        cols = {fold(sheet.raw(r, c)): c for c in range(sheet.width)}
        code_col = cols.get("ma chi tieu")
        value_col = next((c for f, c in cols.items() if f.startswith("so lieu ky")), None)
        if code_col is not None and value_col is not None:
            return r, code_col, value_col, cols
    return None


def detect(sheet: SheetData) -> int:
    return 20 if _find(sheet) else 0


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT)
    ctx = ParseContext(sheet, result)
    found = _find(sheet)
    if not found:
        return result
    hr, code_col, value_col, cols = found
    title = " ".join(str(sheet.raw(r, 0)) for r in range(hr))
    m = _CODE.search(title)
    unit_code = m.group(1) if m else None
    header = sheet.text(hr, value_col)
    pm = _PERIOD.search(header)
    period = read_period(pm.group(1)) if pm else None
    result.period_hint = period
    if unit_code is None:
        ctx.problem(0, 0, title, "Không tìm thấy mã đơn vị trong tiêu đề mẫu nhập liệu", code="missing_unit")
        return result
    measure_col = cols.get("don vi tinh")
    note_col = cols.get("ghi chu")
    rows = list(range(hr + 1, sheet.height))
    for r in rows:
        code = sheet.text(r, code_col)
        if not code:
            continue
        percent = measure_col is not None and sheet.text(r, measure_col).strip() == "%"
        # the template asks for percents on 0–100, so a plain number is taken as printed;
        # a cell the user formatted as a percent holds a fraction
        pv = ctx.read(r, value_col, Role(code, Kind.NUMBER), header, [], unit_code=unit_code)
        if pv is None:
            continue
        raw = sheet.raw(r, value_col)
        if percent and pv.value is not None and isinstance(raw, float) and sheet.is_percent(r, value_col):
            pv.value = (pv.value * 100).normalize()
            pv.flags.append("fraction")
        pv.period = period
        if note_col is not None:
            pv.note = sheet.text(r, note_col)
    return result
