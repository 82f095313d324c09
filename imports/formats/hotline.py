"""`Tong dai 1022`: the province hotline's figures, a two-column table (`Chỉ tiêu | Số liệu`) made
from the report's sentence. Each label names the figure and its date window.

Only windows starting on 01/01 map to indicators (the year-to-date figures; January 2023 counts from
01/01/2022, as printed). Rows for the short reporting window ("Riêng ngày …", or any window not
starting on 01/01) have no catalogue indicator and are left out. A label without any window is a
warning: the importer cannot tell which figure it is."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import (
    ParseContext,
    Role,
    date_window,
    end_of_table,
    fold,
    header_text,
    label_rows,
    label_table,
    value_header,
)
from .row_labels import RowMapping, label_fingerprint

LAYOUT = "hotline"
TITLE = "Tổng đài 1022"


def indicator_for(label: str) -> str | None:
    f = fold(label)
    if has(f, *phrases(LAYOUT, "late")):
        if has(f, *phrases(LAYOUT, "HOT-LATE-STAFF")):
            return "HOT-LATE-STAFF"
        if has(f, *phrases(LAYOUT, "HOT-LATE-LEAD")):
            return "HOT-LATE-LEAD"
        return None
    if has(f, *phrases(LAYOUT, "HOT-SPAM")):
        return "HOT-SPAM"
    if has(f, *phrases(LAYOUT, "HOT-OPEN")):
        return "HOT-OPEN"
    if has(f, *phrases(LAYOUT, "HOT-DONE")):
        return "HOT-DONE"
    if has(f, *phrases(LAYOUT, "HOT-RECEIVED")):
        return "HOT-RECEIVED"
    return None


def detect(sheet: SheetData) -> int:
    table = label_table(sheet)
    if table is None:
        return 0
    n = sum(1 for _, label in label_rows(sheet, table) if indicator_for(label))
    if not n:
        return 0
    return n + (3 if has(header_text(sheet), *phrases(LAYOUT, "title")) else 0)


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT)
    ctx = ParseContext(sheet, result, "province")
    table = label_table(sheet)
    if table is None:
        ctx.problem(None, None, "", "Không tìm thấy tiêu đề 'Chỉ tiêu | Số liệu'", code="missing_column")
        return result
    header = value_header(sheet, table)
    label_header = sheet.text(table.header_row, table.label_col)
    result.fingerprint = label_fingerprint(LAYOUT, [label_header, header])
    mapped = RowMapping(result, table.value_col, answers)
    rows = [r for r, _ in label_rows(sheet, table)]
    end_of_table(ctx, table.header_row + 1, sheet.height)
    seen: dict[str, int] = {}
    for r, label in label_rows(sheet, table):
        answer = mapped.answer(r, label)
        if answer is not None:  # a person's mapping beats the layout's reading
            indicator, how = answer
            mapped.add(r, label, indicator, how)
            if indicator is None:
                continue
            kind = Kind(answers.kinds.get(indicator, Kind.NUMBER))
        else:
            indicator, kind = _reading(ctx, mapped, r, label, table)
            if indicator is None:
                continue
        if indicator in seen:
            message = f"Chỉ tiêu {indicator} đã có ở dòng {seen[indicator] + 1}"
            ctx.problem(r, table.label_col, label, message, code="duplicate_row")
            mapped.duplicate(r, message)
            continue
        seen[indicator] = r
        ctx.read(r, table.value_col, Role(indicator, kind), header, rows, unit_code="BP")
    return result


def _reading(ctx: ParseContext, mapped: RowMapping, r: int, label: str, table) -> tuple[str | None, Kind]:
    """The layout's reading of row r: (indicator, kind), or (None, …) with the row's mapping entry and
    warning recorded."""
    sheet = ctx.sheet
    f = fold(label)
    indicator = indicator_for(label)
    window = date_window(f)
    if window is None and not has(f, *phrases(LAYOUT, "ytd")):
        if sheet.raw(r, table.value_col) not in ("", None):
            ctx.warn(
                r,
                table.label_col,
                label,
                f"Không rõ khoảng thời gian của chỉ tiêu '{label}' (cần 'từ ngày … đến ngày …'); không nhập dòng này.",
                header=sheet.text(table.header_row, table.label_col),
                code="unmapped_row",
            )
            mapped.unmapped(r, label)
        return None, Kind.COUNT
    if window is not None and window[0][:2] != (1, 1):
        mapped.ignored(r, label)  # the short reporting window: no catalogue indicator
        return None, Kind.COUNT
    if indicator is None:
        ctx.warn(
            r,
            table.label_col,
            label,
            f"Không nhận ra chỉ tiêu '{label}'; không nhập dòng này.",
            header=sheet.text(table.header_row, table.label_col),
            code="unmapped_row",
        )
        mapped.unmapped(r, label)
        return None, Kind.COUNT
    mapped.add(r, label, indicator)
    return indicator, Kind.COUNT
