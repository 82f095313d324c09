"""Long format: one value per row — indicator, unit, period, value, note — for back-fills and
exports of other systems. Indicators and units may be given by code or by name (resolved against
the catalogue in validation); the period is per row ('2023-08', '08/2023', a date cell).

Column headers are recognised in Vietnamese or English, in any order; extra columns are warned
about. This is the hot path for large files (200,000 rows): the loop below avoids the generic cell
reader for plain numeric cells."""

from __future__ import annotations

from decimal import Decimal

from core.numbers import Kind, raw_text, read_number
from core.periods import read_period

from ..phrases import phrase_set
from ..types import Answers, CellBlock, CellRef, ParsedValue, RowError, Severity, SheetResult
from ..workbook import SheetData
from .base import fold

LAYOUT = "long_format"
TITLE = "Bảng dạng dài (chỉ tiêu, đơn vị, kỳ, giá trị)"


def _headers() -> dict[str, frozenset[str]]:
    """Column → the whole-cell headers that name it (fixtures/layout_phrases.csv), tried in this order."""
    return {
        "indicator": phrase_set(LAYOUT, "indicator-header"),
        "unit": phrase_set(LAYOUT, "unit-header"),
        "period": phrase_set(LAYOUT, "period-header"),
        "value": phrase_set(LAYOUT, "value-header"),
        "note": phrase_set(LAYOUT, "note-header"),
    }


def _header(sheet: SheetData, max_rows: int = 6) -> tuple[int, dict[str, int], list[int]] | None:
    headers = _headers()
    for r in range(min(max_rows, sheet.height)):
        found: dict[str, int] = {}
        extra: list[int] = []
        for c in range(sheet.width):
            f = fold(sheet.raw(r, c))
            if not f:
                continue
            for key, names in headers.items():
                if f in names and key not in found:
                    found[key] = c
                    break
            else:
                extra.append(c)
        if {"indicator", "unit", "period", "value"} <= found.keys():
            return r, found, extra
    return None


def detect(sheet: SheetData) -> int:
    return 10 if _header(sheet) else 0


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT)
    found = _header(sheet)
    if found is None:
        result.problems.append(
            RowError(
                sheet.name,
                None,
                None,
                "",
                "Thiếu cột bắt buộc: chỉ tiêu, đơn vị, kỳ, giá trị",
                code="missing_column",
            )
        )
        return result
    hr, cols, extra = found
    for c in extra:
        h = raw_text(sheet.raw(hr, c))
        result.problems.append(
            RowError(
                sheet.name,
                hr + 1,
                c + 1,
                h,
                f"Không nhận ra cột '{h}'; số liệu của cột này không được nhập.",
                Severity.WARNING,
                header=h,
                code="unmapped_column",
            )
        )
    ci, cu, cp, cv = cols["indicator"], cols["unit"], cols["period"], cols["value"]
    cn = cols.get("note")
    headers = {k: raw_text(sheet.raw(hr, c)) for k, c in cols.items()}
    name = sheet.name
    values = result.values
    problems = result.problems
    period_cache: dict = {}
    # Plain rows (codes, a valid period, a numeric cell) go to the block as tuples; the rest stay
    # ParsedValue objects with their problems. Strings repeated on every row (codes, periods,
    # notes) are shared through `intern`, so 200,000 rows hold 200,000 references, not copies.
    block = result.block = CellBlock(name, {cv + 1: headers["value"]}, cu + 1)
    items = block.items
    add = items.append
    value_col = cv + 1
    texts: dict = {}
    for r in range(hr + 1, sheet.height):
        row = sheet.rows[r]
        n = len(row)
        ind = row[ci] if ci < n else ""
        unit = row[cu] if cu < n else ""
        per = row[cp] if cp < n else ""
        raw = row[cv] if cv < n else ""
        if ind == "" and unit == "" and per == "" and raw == "":
            continue
        if isinstance(ind, str):
            ind_text = texts.get(ind)
            if ind_text is None:
                ind_text = texts[ind] = ind.strip()
        else:
            ind_text = raw_text(ind)
        if isinstance(unit, str):
            unit_text = texts.get(unit)
            if unit_text is None:
                unit_text = texts[unit] = unit.strip()
        else:
            unit_text = raw_text(unit)
        key = per if isinstance(per, str) else repr(per)
        period = period_cache.get(key)
        if period is None:
            period = read_period(per) or ""
            period_cache[key] = period
        row_no = r + 1
        if type(raw) is float and period and ind_text and unit_text:
            note = ""
            if cn is not None and cn < n:
                note = row[cn]
                if isinstance(note, str):
                    cached = texts.get(note)
                    if cached is None:
                        cached = texts[note] = note.strip()
                    note = cached
                else:
                    note = raw_text(note).strip()
            add(
                (
                    row_no,
                    value_col,
                    ind_text,
                    unit_text,
                    period,
                    Decimal(int(raw)) if raw.is_integer() else Decimal(repr(raw)),
                    repr(raw),
                    note,
                )
            )
            continue
        if not ind_text:
            problems.append(
                RowError(
                    name,
                    row_no,
                    ci + 1,
                    "",
                    "Thiếu chỉ tiêu",
                    header=headers["indicator"],
                    code="missing_indicator",
                )
            )
        if not unit_text:
            problems.append(
                RowError(
                    name, row_no, cu + 1, "", "Thiếu đơn vị", header=headers["unit"], code="missing_unit"
                )
            )
        if not period:
            problems.append(
                RowError(
                    name,
                    row_no,
                    cp + 1,
                    raw_text(per),
                    f'"{raw_text(per)}" không phải là kỳ báo cáo (YYYY-MM)',
                    header=headers["period"],
                    code="bad_period",
                )
            )
        flags: list[str] = [] if period else ["error"]
        if type(raw) is float:
            value = Decimal(int(raw)) if raw.is_integer() else Decimal(repr(raw))
            raw_s = repr(raw)
        else:
            reading = read_number(raw, Kind.NUMBER)
            raw_s = raw_text(raw)
            if reading.empty:
                problems.append(
                    RowError(
                        name,
                        row_no,
                        cv + 1,
                        "",
                        "Thiếu giá trị",
                        Severity.WARNING,
                        header=headers["value"],
                        code="empty_value",
                    )
                )
                continue
            value = reading.value
            flags = flags + reading.flags
            if reading.error:
                problems.append(
                    RowError(
                        name,
                        row_no,
                        cv + 1,
                        raw_s,
                        reading.error,
                        header=headers["value"],
                        code="not_a_number",
                    )
                )
                flags = flags + ["error"]
            for w in reading.warnings:
                problems.append(
                    RowError(
                        name,
                        row_no,
                        cv + 1,
                        raw_s,
                        w,
                        Severity.WARNING,
                        header=headers["value"],
                        code="number_warning",
                    )
                )
        note = ""
        if cn is not None and cn < n and row[cn] != "":
            note = raw_text(row[cn]).strip()
        values.append(
            ParsedValue(
                ind_text,
                CellRef(name, row_no, cv + 1, headers["value"]),
                raw_s,
                value,
                unit_label=unit_text,
                note=note,
                flags=flags,
                period=period or None,
                indicator_is_label=True,
                unit_column=cu + 1,
            )
        )
    return result
