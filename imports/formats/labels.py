"""Finding a table's row-label column by what its cells say, whatever its header says (a sentence, a
plan's name, nothing at all): the column whose cells read as unit names — agencies and localities
(`Sở …`, `UBND huyện …`, `Huyện …`, `TP. …`, `Ban Quản lý …`) — and `Tổng`.

Used when no header cell names the column (`Đơn vị`, `Tên đơn vị`, `Huyện`); a narrow empty column
headed "Chỉ tiêu" beside it does not matter (its cells are empty)."""

from __future__ import annotations

import re

from core.numbers import raw_text, read_number
from core.text import fold

from ..phrases import phrase_set
from ..workbook import SheetData

# the first words of an agency's or a locality's name, folded
_UNIT_START = re.compile(
    r"^(?:so|ubnd|uy ban nhan dan|huyen|thi xa|thanh pho|tp|tx|h|ban|van phong|vp|vpubnd|cong an|"
    r"bo chi huy|xa|phuong|thi tran|truong|dai|bao|trung tam|chi cuc|cuc|kho bac|bhxh|bao hiem|"
    r"ngan hang|vien|hoi|lien doan|tinh doan|uy ban|thanh tra|toa an|vien kiem sat|khong xac dinh)\b"
)
MIN_LABELS = 2  # unit-like cells a column needs to be taken as the label column


def unit_like(text) -> bool:
    """'Sở GD&ĐT', 'UBND H.Bù Đốp', 'Tổng' → True; '12', 'Ghi chú: …', '' → False."""
    if not isinstance(text, str):
        return False
    f = fold(raw_text(text))
    if not f or len(f) > 80:
        return False
    return f in phrase_set("labels", "total") or bool(_UNIT_START.match(f))


def find_label_column(sheet: SheetData, max_cols: int = 6, max_rows: int = 400) -> tuple[int, int] | None:
    """(header row, column) of the row-label column found by content, or None.

    The column with the most unit-like cells (at least MIN_LABELS); its header is the nearest
    non-empty cell above its first data row (a label with a number to its right) — a sentence, a
    plan's name — else the row just above."""
    best = None
    rows = min(sheet.height, max_rows)
    for c in range(min(sheet.width, max_cols)):
        hits = [r for r in range(rows) if sheet.anchor(r, c) == (r, c) and unit_like(sheet.raw(r, c))]
        if len(hits) >= MIN_LABELS and (best is None or len(hits) > len(best[1])):
            best = (c, hits)
    if best is None:
        return None
    c, hits = best
    first = next((r for r in range(rows) if _is_data_row(sheet, r, c)), hits[0])
    if first == 0:
        return None
    for r in range(first - 1, max(-1, first - 5), -1):
        anchor = sheet.anchor(r, c)
        if sheet.raw(*anchor) not in ("", None):
            return anchor[0], c
    return first - 1, c


def _is_data_row(sheet: SheetData, r: int, c: int) -> bool:
    """A row with a label in column c (not merged from the left) and a number to its right."""
    if sheet.anchor(r, c) != (r, c) or not isinstance(sheet.raw(r, c), str) or not sheet.raw(r, c).strip():
        return False
    for cc in range(c + 1, min(sheet.width, c + 30)):
        v = sheet.raw(r, cc)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return True
        if isinstance(v, str) and v.strip() and read_number(v).value is not None:
            return True
    return False


def total_left_of(sheet: SheetData, r: int, c: int) -> str:
    """A total label printed left of the label column ('TỔNG' in the STT column of a CSV, where the
    workbook merged it over both): the label, else ''. Only a total: a number or a code there is not a
    unit's name."""
    if sheet.anchor(r, c) != (r, c):
        return ""
    for cc in range(c - 1, -1, -1):
        text = raw_text(sheet.raw(r, cc)).strip() if isinstance(sheet.raw(r, cc), str) else ""
        if text:
            return text if fold(text) in phrase_set("labels", "total") else ""
    return ""
