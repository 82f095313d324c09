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
    rows = [r for r, _ in label_rows(sheet, table)]
    end_of_table(ctx, table.header_row + 1, sheet.height)
    seen: dict[str, int] = {}
    for r, label in label_rows(sheet, table):
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
            continue
        if indicator in seen:
            ctx.problem(
                r,
                table.label_col,
                label,
                f"Chỉ tiêu {indicator} đã có ở dòng {seen[indicator] + 1}",
                code="duplicate_row",
            )
            continue
        seen[indicator] = r
        ctx.read(r, table.value_col, Role(indicator, Kind.COUNT), header, rows, unit_code="BP")
    return result
