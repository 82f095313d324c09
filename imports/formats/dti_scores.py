"""DTI ranking tables (agency level and district level): one row per unit, one column per pillar
(headers by pillar name, typos tolerated), a `Điểm tối đa` row, a total (sometimes starred `*` with a
footnote) and the group printed (`Tốt`, `Khá`, `TB`/`Trung bình`, `Yếu`), often a rank.

Checks (warnings): each total equals the sum of its pillars; each printed group matches the
thresholds on the maximum total (Tốt ≥ 80 %, Khá ≥ 65 %, Trung bình ≥ 50 %, Yếu below)."""

from __future__ import annotations

import difflib
import functools
import re
from decimal import Decimal

from core.numbers import Kind, format_vn, raw_text, read_number
from core.text import has

from ..phrases import phrase_family, phrase_set, phrases
from ..types import Answers, CellRef, DTIRow, SheetResult
from ..workbook import SheetData
from .base import ParseContext, fold, header_text

LAYOUT = "dti_scores"
TITLE = "Bảng xếp hạng chỉ số DTI"
# The pillars (keys `pillar-<the catalogue's pillar code>`, as in fixtures/dti_pillars.csv) and the
# printed groups (keys `group-<the group's name>`) are rows of fixtures/layout_phrases.csv.
THRESHOLDS = [(Decimal("0.80"), "Tốt"), (Decimal("0.65"), "Khá"), (Decimal("0.50"), "Trung bình")]


def pillar_for(header: str) -> str | None:
    """The pillar code a header names ('Thế chế số' → 'THE-CHE'; typos tolerated), or None."""
    return _pillar_for(header, phrase_family(LAYOUT, "pillar-"))


@functools.lru_cache(maxsize=4096)
def _pillar_for(header: str, pillars: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    f = re.sub(r"\b(diem|tru cot|chi so)\b", " ", fold(header))
    f = " ".join(f.split())
    for code, names in pillars:
        for name in names:
            core = name.replace("hoat dong ", "").replace("diem ", "")
            if has(f, core) or f == name:
                return code
    best, score = None, 0.0
    for code, names in pillars:
        for name in names:
            s = difflib.SequenceMatcher(None, f, name.replace("hoat dong ", "")).ratio()
            if s > score:
                best, score = code, s
    return best if score >= 0.82 else None


def group_name(printed: str) -> str:
    """The group a printed spelling names ('TB' → 'Trung bình'), or the printed text unchanged."""
    f = fold(printed)
    return next((name for name, spellings in phrase_family(LAYOUT, "group-") if f in spellings), printed)


def _header(sheet: SheetData):
    unit_headers = phrase_set("base", "unit-header")
    for r in range(min(10, sheet.height)):
        pillars, unit_col, total, group, rank = {}, None, None, None, None
        for c in range(sheet.width):
            f = fold(sheet.value(r, c))
            if not f:
                continue
            if f in unit_headers and unit_col is None:
                unit_col = c
            elif has(f, *phrases(LAYOUT, "total")) and total is None:
                total = c
            elif has(f, *phrases(LAYOUT, "group")) and group is None:
                group = c
            elif has(f, *phrases(LAYOUT, "rank")) and rank is None:
                rank = c
            elif isinstance(sheet.value(r, c), str):  # a pillar header is text, never a number
                p = pillar_for(sheet.value(r, c))
                if p and p not in pillars:
                    pillars[p] = c
        if unit_col is not None and len(pillars) >= 3:
            return r, unit_col, pillars, total, group, rank
    return None


def detect(sheet: SheetData) -> int:
    found = _header(sheet)
    if not found:
        return 0
    return 5 + len(found[2]) + (3 if has(header_text(sheet), *phrases(LAYOUT, "title")) else 0)


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT)
    ctx = ParseContext(sheet, result)
    found = _header(sheet)
    if not found:
        return result
    hr, uc, pillars, tc, gc, rc = found
    level = "district" if "KINH-TE" in pillars else "agency"
    m = re.search(r"nam (\d{4})", header_text(sheet, rows=hr + 1))
    result.dti_year = int(m.group(1)) if m else None
    maxima: dict[str, Decimal] = {}
    max_total: Decimal | None = None
    rows: list[DTIRow] = []
    for r in range(hr + 1, sheet.height):
        label = sheet.text(r, uc)
        if not label:
            continue
        f = fold(label)
        scores: dict[str, Decimal] = {}
        for code, c in pillars.items():
            rd = read_number(sheet.value(r, c), Kind.NUMBER)
            if rd.value is not None:
                scores[code] = rd.value
            elif rd.error:
                ctx.problem(r, c, sheet.value(r, c), rd.error, header=sheet.text(hr, c), code="not_a_number")
        total_raw = raw_text(sheet.value(r, tc)) if tc is not None else ""
        starred = "*" in total_raw
        total = read_number(total_raw.replace("*", "").strip(), Kind.NUMBER).value if total_raw else None
        if has(f, *phrases(LAYOUT, "maximum")):
            maxima = scores
            max_total = total if total is not None else sum(scores.values(), Decimal(0))
            continue
        if not scores:
            continue  # footnotes, sub-headings
        group_raw = sheet.text(r, gc) if gc is not None else ""
        rank = read_number(sheet.value(r, rc), Kind.COUNT).value if rc is not None else None
        row = DTIRow(
            CellRef(sheet.name, r + 1, uc + 1, sheet.text(hr, uc)),
            label,
            level,
            scores,
            total,
            group_raw,
            int(rank) if rank is not None else None,
            "có chú thích (*)" if starred else "",
        )
        rows.append(row)
        if total is not None and len(scores) == len(pillars):
            s = sum(scores.values(), Decimal(0))
            if abs(s - total) > Decimal("0.01"):
                ctx.warn(
                    r,
                    tc,
                    total_raw,
                    f"Tổng điểm in {format_vn(total)} khác tổng các trụ cột {format_vn(s)}",
                    header=sheet.text(hr, tc),
                    code="dti_total_mismatch",
                )
    if max_total is None and maxima:
        max_total = sum(maxima.values(), Decimal(0))
    for row in rows:
        if max_total and row.total_printed is not None and row.group_printed:
            expected = next((g for t, g in THRESHOLDS if row.total_printed >= t * max_total), "Yếu")
            printed = group_name(row.group_printed)
            if printed != expected:
                ctx.warn(
                    row.ref.row - 1,
                    gc,
                    row.group_printed,
                    f"Xếp loại in '{row.group_printed}' nhưng {format_vn(row.total_printed)}/{format_vn(max_total)} điểm là '{expected}'",
                    header=sheet.text(hr, gc),
                    code="dti_group_mismatch",
                )
    result.dti_rows = rows
    return result
