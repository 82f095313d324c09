"""Where a table ends: footnotes, sources, signature and approval blocks and the place and date line
follow the figures in the tables agencies send; they are recognised by what they say and skipped with
one informational line, never read as data rows."""

from __future__ import annotations

import re

from core.text import fold

from ..phrases import phrases
from ..workbook import SheetData

# What ends a table: footnotes and sources (`table_ends,footnote` in fixtures/layout_phrases.csv),
# signature and approval blocks (`table_ends,signature`), matched at the start of a folded cell
# ("Ghi chú: * …", "KT. GIÁM ĐỐC", "(Đã ký)"); the place and date line ("Bình Phước, ngày 05 tháng 10
# năm 2023").
_PLACE_DATE = re.compile(
    r"^(?:[a-z ]+ )?ngay \d{1,2} thang \d{1,2} nam \d{4}$|^[a-z ]+ ngay \d{1,2} thang \d{1,2}"
)


def is_table_end(sheet: SheetData, r: int) -> bool:
    """A row that starts what follows a table: a footnote (`Ghi chú`, `*`, `Nguồn:`), a signature or
    approval block (`Người lập biểu`, `Thủ trưởng đơn vị`, `KT. GIÁM ĐỐC`, `(Đã ký)`, `Nơi nhận`),
    or the place and date line (`Bình Phước, ngày … tháng … năm …`)."""
    starts = phrases("table_ends", "footnote") + phrases("table_ends", "signature")
    for c in range(min(sheet.width, 30)):
        raw = sheet.raw(r, c)
        if not isinstance(raw, str) or not raw.strip():
            continue
        text = raw.strip()
        if text.startswith(("*", "(*)")):
            return True
        f = fold(text)
        if any(f == s or f.startswith(s + " ") for s in starts) or _PLACE_DATE.match(f):
            return True
    return False


def end_of_table(ctx, start: int, stop: int) -> int:
    """The first row in [start, stop) at which the table has ended (`is_table_end`), else `stop`.
    The rows from there on are skipped with one informational line, never read as data."""
    for r in range(start, stop):
        if is_table_end(ctx.sheet, r):
            if any(
                ctx.sheet.raw(rr, c) not in ("", None)
                for rr in range(r, stop)
                for c in range(ctx.sheet.width)
            ):
                ctx.warn(
                    r,
                    None,
                    "",
                    f"Bảng số liệu kết thúc ở dòng {r}; từ dòng {r + 1} (ghi chú, chữ ký, ngày tháng) không "
                    "phải số liệu và không được nhập.",
                    code="after_table",
                )
            return r
    return stop
