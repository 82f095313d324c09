"""A header group without its merge: a CSV (or a workbook written without merged cells) prints a
group's title once, over its first column, and leaves the cells over the group's other columns empty:

    STT | Đơn vị | Tỷ lệ DVCTT phát sinh hồ sơ … |                   |            | Tỷ lệ hồ sơ xử lý … | …
        |        | Kết quả thực hiện             | So với báo cáo …  | So với chỉ tiêu … | Kết quả thực hiện | …

The workbook merged C3:E3; the CSV does not say so. Each empty header cell over a column that has a
header below it continues the group to its left — within its own parent group (the row above), and
never past a column without a header below. Used only when no cell of the header rows is merged: a
workbook's merges say where its groups end."""

from __future__ import annotations

from ..workbook import SheetData


def implied_groups(sheet: SheetData, top: int, bottom: int, first: int) -> dict[tuple[int, int], str]:
    """(row, column) → the group title an empty header cell continues; {} when the header has merges.
    `top`..`bottom`: the header rows (0-based, inclusive); `first`: the first column of the groups."""
    if bottom <= top or any(r0 <= bottom and r1 >= top for r0, _c0, r1, _c1 in sheet.merged):
        return {}
    filled: dict[tuple[int, int], str] = {}

    def text(r: int, c: int) -> str:
        return filled.get((r, c)) or sheet.text(r, c)

    for r in range(top, bottom):
        source = None  # the column whose title the empty cells continue
        for c in range(first, sheet.width):
            if sheet.text(r, c):
                source = c
                continue
            below = any(sheet.text(rr, c) for rr in range(r + 1, bottom + 1))
            same_parent = r == top or (source is not None and text(r - 1, c) == text(r - 1, source))
            if source is not None and below and same_parent:
                filled[(r, c)] = sheet.text(r, source)
            else:
                source = None
    return filled
