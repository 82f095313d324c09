"""`Tuyen truyen`: posts about digital transformation on the province's portal, a two-column table
made from the report's sentences: the posts of this year (MEDIA-POSTS-YTD; January prints "trong
tháng 01 và 02/2023") and the running total since 2022 ("Lũy kế …", MEDIA-POSTS-CUM)."""

from __future__ import annotations

from core.numbers import Kind
from core.text import has

from ..phrases import phrases
from ..types import Answers, SheetResult
from ..workbook import SheetData
from .base import ParseContext, Role, end_of_table, fold, header_text, label_rows, label_table, value_header
from .row_labels import RowMapping, label_fingerprint

LAYOUT = "media"
TITLE = "Tuyên truyền về CĐS"


def indicator_for(label: str) -> str | None:
    f = fold(label)
    if has(f, *phrases(LAYOUT, "MEDIA-POSTS-CUM")):
        return "MEDIA-POSTS-CUM"
    if has(f, *phrases(LAYOUT, "MEDIA-POSTS-YTD")):
        return "MEDIA-POSTS-YTD"
    return None


def detect(sheet: SheetData) -> int:
    table = label_table(sheet)
    if table is None:
        return 0
    labels = [label for _, label in label_rows(sheet, table)]
    n = sum(1 for label in labels if indicator_for(label))
    hotline_like = sum(1 for label in labels if has(fold(label), *phrases(LAYOUT, "hotline-like")))
    if not n or hotline_like >= n:
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
    result.fingerprint = label_fingerprint(LAYOUT, [sheet.text(table.header_row, table.label_col), header])
    mapped = RowMapping(result, table.value_col, answers)
    rows = [r for r, _ in label_rows(sheet, table)]
    end_of_table(ctx, table.header_row + 1, sheet.height)
    seen: dict[str, int] = {}
    for r, label in label_rows(sheet, table):
        answer = mapped.answer(r, label)
        kind = Kind.COUNT
        if answer is not None:  # a person's mapping beats the layout's reading
            indicator, how = answer
            mapped.add(r, label, indicator, how)
            if indicator is None:
                continue
            kind = Kind(answers.kinds.get(indicator, Kind.NUMBER))
        else:
            indicator = indicator_for(label)
            if indicator is None:
                if sheet.raw(r, table.value_col) not in ("", None):
                    ctx.warn(
                        r,
                        table.label_col,
                        label,
                        f"Không nhận ra chỉ tiêu '{label}'; không nhập dòng này.",
                        code="unmapped_row",
                    )
                    mapped.unmapped(r, label)
                continue
            mapped.add(r, label, indicator)
        if indicator in seen:
            message = f"Chỉ tiêu {indicator} đã có ở dòng {seen[indicator] + 1}"
            ctx.problem(r, table.label_col, label, message, code="duplicate_row")
            mapped.duplicate(r, message)
            continue
        seen[indicator] = r
        ctx.read(r, table.value_col, Role(indicator, kind), header, rows, unit_code="BP")
    return result
