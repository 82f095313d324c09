"""Shared machinery of the layout modules: folding header text, finding a unit table by meaning,
reading cells into `ParsedValue`s with their problems.

Headers are compared after `fold()`: legacy glyphs folded, diacritics removed, lower case,
punctuation to spaces. Removing diacritics makes the matching tolerant of typos in tone marks
(`Hộp`/`Họp` both fold to `hop`, `Thế chế`/`Thể chế` to `the che`). Keywords are matched as whole
words (`ap` does not match inside `cap`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import (
    FRACTION_LIMIT,
    Kind,
    format_vn,
    percent_column_scale,
    raw_text,
    read_change,
    read_increment,
    read_number,
    read_status,
)
from core.text import fold as fold_text

from ..phrases import phrase_set
from ..types import (
    Answers,
    CellRef,
    ParsedValue,
    PrintedDerived,
    RowError,
    Severity,
    SheetResult,
    UnitRow,
    column_letter,
)
from ..vocabulary import expand
from ..workbook import SheetData
from .columns import Role, fingerprint, resolve_columns, vocabulary_reading
from .header_groups import implied_groups
from .labels import find_label_column, total_left_of
from .table_ends import end_of_table, is_table_end


def fold(text) -> str:
    """A cell as folded text: 'Số ngƣời dùng (%)' -> 'so nguoi dung %' (numbers and dates as printed)."""
    return fold_text(raw_text(text))


def strip_parens(text: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", " ", text).split())


# Numeric cells a percent column needs, all <= 1.5 and none percent-formatted, before 0.51 is read
# as 51 %: with fewer, the scale is a question (both readings shown).
FRACTION_EVIDENCE = 3


def is_total_label(label: str) -> bool:
    return fold(label) in phrase_set("labels", "total")


def is_other_total(label: str) -> bool:
    """'Tổng Thuế và Phí, lệ phí': a combined total that is not a unit and maps to nothing."""
    f = fold(label)
    return f.startswith("tong ") and f not in phrase_set("labels", "total")


@dataclass
class Column:
    index: int  # 0-based
    parts: list[str]  # header texts from top to bottom, as printed (merges resolved, repeats dropped)

    @property
    def folded(self) -> list[str]:
        """Each header level folded, with the abbreviations of `fixtures/abbreviations.csv` expanded."""
        return [expand(fold(p)) for p in self.parts]

    @property
    def all_folded(self) -> str:
        return " ".join(self.folded)

    @property
    def printed(self) -> str:
        return " / ".join(strip_parens(p) or p for p in self.parts if p)


@dataclass
class UnitTable:
    sheet: SheetData
    header_top: int
    header_bottom: int
    unit_col: int
    columns: list[Column]

    def data_rows(self) -> Iterable[int]:
        return range(self.header_bottom + 1, self.sheet.height)


def find_unit_header(sheet: SheetData, max_rows: int = 15) -> tuple[int, int] | None:
    """(row, column) of the header cell of the unit-name column: a cell saying so ('Đơn vị', 'TÊN ĐƠN
    VỊ', 'HUYỆN'), else the column whose cells read as unit names (`labels.find_label_column`)."""
    unit_headers = phrase_set("base", "unit-header")
    for r in range(min(max_rows, sheet.height)):
        for c in range(min(sheet.width, 6)):
            if sheet.anchor(r, c) != (r, c):
                continue
            if fold(sheet.raw(r, c)) in unit_headers:
                return r, c
    return find_label_column(sheet)


def _is_header_like(sheet: SheetData, r: int, unit_col: int) -> bool:
    if sheet.text(r, unit_col):
        return False
    row_cells = [sheet.value(r, c) for c in range(unit_col + 1, sheet.width)]
    texts = [v for v in row_cells if v not in ("", None)]
    if not texts:
        return False
    return all(isinstance(v, str) and read_number(v).value is None for v in texts)


def unit_table(sheet: SheetData) -> UnitTable | None:
    found = find_unit_header(sheet)
    if not found:
        return None
    top, unit_col = found
    span = sheet.merged_span(top, unit_col)
    bottom = span[2] if span and span[0] == top else top
    while bottom + 1 < sheet.height and _is_header_like(sheet, bottom + 1, unit_col):
        bottom += 1
    groups = implied_groups(sheet, top, bottom, unit_col + 1)  # a CSV's header groups have no merges
    columns = []
    for c in range(unit_col + 1, sheet.width):
        parts: list[str] = []
        for r in range(top, bottom + 1):
            t = groups.get((r, c)) or sheet.text(r, c)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        if top == bottom and parts and " / " in parts[0]:  # one header row: levels as the importer prints them
            parts = [p.strip() for p in parts[0].split(" / ") if p.strip()]
        columns.append(Column(c, parts))
    return UnitTable(sheet, top, bottom, unit_col, columns)


def distinct_indicators(table: UnitTable, classify) -> int:
    """How many different indicators a layout reads in a table's headers (for detection scores): six
    columns that all read as one indicator are evidence of one column, not six."""
    found = set()
    for c in table.columns:
        if c.parts:
            role = classify(c, table)
            if isinstance(role, Role) and role.derived is None:
                found.add(tuple(sorted(map(str, role.family.values()))) if role.family else role.indicator)
    return len(found)


def header_text(sheet: SheetData, rows: int = 12) -> str:
    """Folded text of the first rows (titles, lead sentences, headers): for detection scores."""
    out = []
    for r in range(min(rows, sheet.height)):
        for c in range(min(sheet.width, 30)):
            if sheet.anchor(r, c) == (r, c):
                v = sheet.raw(r, c)
                if isinstance(v, str) and v.strip():
                    out.append(fold(v))
    return " | ".join(out)


# ---- reading values ---------------------------------------------------------------------------


@dataclass
class ParseContext:
    sheet: SheetData
    result: SheetResult
    unit_level: str | None = None
    _scales: dict[int, str] = field(default_factory=dict)

    def problem(
        self,
        r: int | None,
        c: int | None,
        raw,
        message: str,
        *,
        severity=Severity.ERROR,
        header: str = "",
        code: str = "",
        suggestion: str | None = None,
    ) -> RowError:
        err = RowError(
            self.sheet.name,
            None if r is None else r + 1,
            None if c is None else c + 1,
            raw_text(raw) if raw not in (None,) else "",
            message,
            severity,
            header,
            code,
            suggestion,
        )
        self.result.problems.append(err)
        return err

    def warn(self, *args, **kw) -> RowError:
        return self.problem(*args, severity=Severity.WARNING, **kw)

    def column_scale(self, c: int, rows: Iterable[int]) -> str:
        """'fraction' | 'points' | 'auto' (`core.numbers.percent_column_scale`), or 'unsure': every
        numeric cell is <= 1.5 but there are too few of them, and no cell of the column has a percent
        format, to tell 0,51 % from 51 % (one agency's own row typed as plain numbers)."""
        if c not in self._scales:
            rows = list(rows)
            formatted = [self.sheet.is_percent(r, c) for r in rows]
            raws = [self.sheet.raw(r, c) for r, f in zip(rows, formatted, strict=True) if not f]
            scale = percent_column_scale(raws)
            if scale == "fraction" and not any(formatted):
                numeric = [v for v in raws if isinstance(v, int | float) and not isinstance(v, bool) and v]
                if len(numeric) < FRACTION_EVIDENCE:
                    scale = "unsure"
            self._scales[c] = scale
        return self._scales[c]

    def _unsure_percent(self, r: int, c: int, raw, header: str, n: int) -> str | None:
        """The question for a percent cell whose scale cannot be judged, or None if it needs none."""
        d = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not 0 < abs(d) <= FRACTION_LIMIT:
            return None
        a, b = format_vn(d.normalize()), format_vn((d * 100).normalize())
        return (
            f'"{raw_text(raw)}" không rõ là {a}% hay {b}%: cột chỉ có {n} ô số, không có định dạng phần trăm, '
            f'nên không biết cột ghi theo thang 0–1 hay 0–100. Hãy ghi rõ "{a}%" hoặc "{b}%".'
        )

    def read(
        self,
        r: int,
        c: int,
        role: Role,
        header: str,
        rows: Iterable[int],
        *,
        unit_label: str = "",
        unit_code: str | None = None,
        is_total: bool = False,
        indicator: str | None = None,
    ) -> ParsedValue | None:
        """Read one value cell; problems are recorded. Returns None for an empty cell."""
        raw = self.sheet.value(r, c)
        scale = "auto"
        if role.kind == Kind.PERCENT and isinstance(raw, int | float) and not isinstance(raw, bool):
            if self.sheet.is_percent(r, c):
                scale = "fraction"
            else:
                scale = self.column_scale(c, rows)
            if scale == "unsure":
                numeric = [self.sheet.raw(x, c) for x in rows]
                n = sum(1 for v in numeric if isinstance(v, int | float) and not isinstance(v, bool) and v)
                question = self._unsure_percent(r, c, raw, header, n)
                if question is not None:
                    self.problem(r, c, raw, question, header=header, code="ambiguous_percent_scale")
                    pv = ParsedValue(
                        indicator=indicator or role.indicator,
                        ref=CellRef(self.sheet.name, r + 1, c + 1, header),
                        raw=raw_text(raw),
                        value=None,
                        unit_label=unit_label,
                        unit_code=unit_code,
                        is_total=is_total,
                        flags=["error"],
                    )
                    self.result.values.append(pv)
                    return pv
                scale = "fraction"  # 0 (or a value above 1.5, read as points by the reader)
        reading = read_number(raw, role.kind, grouping=role.grouping, percent_scale=scale)
        if reading.empty:
            return None
        if reading.error:
            code = "ambiguous_number" if reading.alternatives else "not_a_number"
            if "ngày tháng" in reading.error:
                code = "date_not_number"
            if "số âm" in reading.error:
                code = "negative_count"
            self.problem(r, c, raw, reading.error, header=header, code=code)
        for w, flag in zip(reading.warnings, reading.flags + [""] * len(reading.warnings), strict=False):
            self.warn(r, c, raw, w, header=header, code=_warning_code(reading.flags) or flag)
        pv = ParsedValue(
            indicator=indicator or role.indicator,
            ref=CellRef(self.sheet.name, r + 1, c + 1, header),
            raw=raw_text(raw),
            value=None if reading.error else reading.value,
            unit_label=unit_label,
            unit_code=unit_code,
            is_total=is_total,
            flags=list(reading.flags),
        )
        if reading.error:
            pv.flags.append("error")
        self.result.values.append(pv)
        return pv

    def read_derived(
        self,
        r: int,
        c: int,
        role: Role,
        header: str,
        *,
        unit_label: str = "",
        unit_code: str | None = None,
        is_total: bool = False,
    ) -> None:
        raw = self.sheet.value(r, c)
        if raw in ("", None):
            return
        reader: Callable = {"change": read_change, "status": read_status, "increment": read_increment}[
            role.derived
        ]
        d = reader(raw)
        if d.error:
            self.warn(
                r, c, raw, d.error + " (cột tính toán, không nhập)", header=header, code="derived_unreadable"
            )
        self.result.derived.append(
            PrintedDerived(
                indicator=role.indicator,
                kind=role.derived,
                ref=CellRef(self.sheet.name, r + 1, c + 1, header),
                raw=raw_text(raw),
                unit_label=unit_label,
                unit_code=unit_code,
                is_total=is_total,
                direction=d.direction,
                amount=d.amount,
            )
        )


def _warning_code(flags: list[str]) -> str:
    for f in ("dot_decimal", "missing_percent", "numeric_points"):
        if f in flags:
            return f
    return ""


def parse_unit_table(
    sheet: SheetData,
    layout: str,
    classify: Callable[[Column, UnitTable], Role | None | str],
    *,
    unit_level: str | None = None,
    required: Iterable[str] = (),
    table: UnitTable | None = None,
    answers: Answers | None = None,
) -> SheetResult:
    """Parse a one-row-per-unit table. `classify(column)` returns a Role, None (unknown: warned),
    or the string 'skip' (a known column that maps to no indicator, e.g. STT or a day group).
    `answers` (a person's mapping) beat the layout's reading; unsure readings become questions."""
    result = SheetResult(sheet=sheet.name, layout=layout)
    table = table or unit_table(sheet)
    ctx = ParseContext(sheet, result, unit_level)
    if table is None:
        ctx.problem(
            None,
            None,
            "",
            "Không tìm thấy cột tên đơn vị (Đơn vị / Tên đơn vị / Huyện)",
            code="missing_column",
        )
        return result
    titled = [col for col in table.columns if col.parts]
    for col in table.columns:
        if not col.parts and any(sheet.raw(r, col.index) not in ("", None) for r in table.data_rows()):
            ctx.warn(
                None,
                col.index,
                "",
                f"Cột {col.index + 1} không có tiêu đề; số liệu của cột này không được nhập.",
                code="unmapped_column",
            )
    fp = result.fingerprint = fingerprint(
        [sheet.text(table.header_top, table.unit_col)] + [c.printed for c in titled]
    )
    readings = {col.index: classify(col, table) for col in titled}
    for col in titled:
        if readings[col.index] is None:
            readings[col.index] = vocabulary_reading(col, answers, col.printed)
    shown = {
        col.index: (r.display if isinstance(r, Role) and r.display else col.printed)
        for col, r in ((col, readings[col.index]) for col in titled)
    }
    resolution = resolve_columns(sheet.name, titled, readings, shown, answers=answers, fp=fp)
    roles = resolution.roles
    result.mapping = resolution.mapping
    for m in resolution.mapping:
        if m.how == "unmapped" and not m.question:
            if not any(sheet.raw(r, m.column - 1) not in ("", None) for r in table.data_rows()):
                m.how = "ignored"  # a header over an empty column (a narrow "Chỉ tiêu" column)
                continue
            ctx.warn(
                table.header_top,
                m.column - 1,
                m.header,
                f"Không nhận ra cột '{m.header}'; số liệu của cột này không được nhập.",
                header=m.header,
                code="unmapped_column",
            )
    for c, hdr, message in resolution.questions:
        ctx.problem(table.header_top, c, hdr, message, header=hdr, code="column_question")
    asked = {c for c, _h, _m in resolution.questions}
    mapped = {r.indicator for r in roles.values() if r.derived is None}
    # A sheet with a subset of the layout's columns imports what it has (an agency reports its own
    # columns): a missing column is a warning. A printed derived column whose value column is missing
    # cannot be checked against anything: it is left out, with a warning naming it.
    if not asked:
        for ind in required:
            if ind not in mapped:
                ctx.warn(
                    None,
                    None,
                    "",
                    f"Sheet không có cột cho chỉ tiêu {ind}; chỉ nhập các cột có trong sheet.",
                    code="missing_column",
                )
    for c, role in list(roles.items()):
        if role.derived and role.indicator not in mapped:
            del roles[c]
            ctx.warn(
                table.header_top,
                c,
                shown[c],
                f"Cột '{shown[c]}' là số liệu tính từ chỉ tiêu {role.indicator}, nhưng sheet không có cột "
                f"{role.indicator}; không đọc cột này.",
                header=shown[c],
                code="derived_without_value",
            )
    data_rows = list(table.data_rows())
    end = end_of_table(ctx, table.header_bottom + 1, sheet.height)
    data_rows = [r for r in data_rows if r < end]
    unit_rows: list[tuple[int, str, bool, str | None]] = []
    for r in data_rows:
        label = sheet.text(r, table.unit_col) or total_left_of(sheet, r, table.unit_col)
        has_values = any(sheet.raw(r, c) not in ("", None) for c in roles)
        if not label:
            if has_values and any(_number_like(sheet.raw(r, c)) for c in roles):
                ctx.problem(
                    r, table.unit_col, "", "Dòng có số liệu nhưng không có tên đơn vị", code="missing_unit"
                )
            continue
        if is_other_total(label) or not has_values:
            continue
        total = is_total_label(label)
        given = answers.unit(fold(label)) if answers else None
        code = "BP" if total else (given[0] if given else None)
        result.unit_rows.append(
            UnitRow(sheet.name, r + 1, label, code, given[1] if given else "", unit_level, total)
        )
        unit_rows.append((r, label, total, code))
    value_rows = [r for r, _, _, _ in unit_rows]
    headers = {c: roles[c].display or shown[c] for c in roles}
    for c, role in roles.items():
        column_values: list[tuple[ParsedValue, bool]] = []
        for r, label, total, code in unit_rows:
            kw = dict(unit_label=label, unit_code=code, is_total=total)
            if role.derived:
                ctx.read_derived(r, c, role, headers[c], **kw)
            else:
                pv = ctx.read(r, c, role, headers[c], value_rows, **kw)
                if pv is not None:
                    pv.unit_column = table.unit_col + 1
                    pv.level_hint = unit_level
                    column_values.append((pv, total))
        if role.derived is None and role.kind in (Kind.COUNT, Kind.AMOUNT):
            suggest_from_total(column_values, result)
    return result


def _number_like(raw) -> bool:
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float):
        return True
    return isinstance(raw, str) and raw.strip() not in ("", "-") and read_number(raw).value is not None


def _letter(c: int) -> str:
    return column_letter(c + 1)


def suggest_from_total(column_values: list[tuple[ParsedValue, bool]], result: SheetResult) -> None:
    """One unreadable cell in a summed column whose printed total is readable: the total implies it."""
    totals = [pv for pv, t in column_values if t and pv.value is not None]
    units = [pv for pv, t in column_values if not t]
    bad = [pv for pv in units if pv.value is None]
    if len(totals) != 1 or len(bad) != 1:
        return
    implied = totals[0].value - sum((pv.value for pv in units if pv.value is not None), Decimal(0))
    if implied < 0:
        return
    text = f"{format_vn(implied)} (theo dòng Tổng)"
    for p in result.problems:
        if p.row == bad[0].ref.row and p.column == bad[0].ref.column and p.severity == Severity.ERROR:
            p.suggestion = text
            if "theo dòng Tổng" not in p.message:
                p.message += f"; dòng Tổng gợi ý giá trị {text.replace(' (theo dòng Tổng)', '')}"


DATE_WINDOW = re.compile(
    r"tu\s+(?:ngay\s+)?(\d{1,2})\s+(\d{1,2})\s+(\d{4})\s+den\s+(?:ngay\s+)?(\d{1,2})\s+(\d{1,2})\s+(\d{4})"
)


def date_window(folded: str) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """'tu ngay 01 01 2023 den ngay 04 10 2023' -> ((1, 1, 2023), (4, 10, 2023))."""
    m = DATE_WINDOW.search(folded)
    if not m:
        return None
    d = [int(x) for x in m.groups()]
    return (d[0], d[1], d[2]), (d[3], d[4], d[5])


# ---- two-column tables: `Chỉ tiêu | Số liệu` --------------------------------------------------


@dataclass
class LabelTable:
    header_row: int
    label_col: int
    value_col: int


def label_table(sheet: SheetData, max_rows: int = 15) -> LabelTable | None:
    label_headers, value_headers = phrase_set("base", "label-header"), phrase_set("base", "value-header")
    for r in range(min(max_rows, sheet.height)):
        label_col = value_col = None
        for c in range(min(sheet.width, 10)):
            if sheet.anchor(r, c) != (r, c):
                continue
            f = fold(sheet.raw(r, c))
            if f in label_headers and label_col is None:
                label_col = c
            elif f in value_headers and value_col is None:
                value_col = c
        if label_col is not None and value_col is not None:
            return LabelTable(r, label_col, value_col)
    return None


def label_rows(sheet: SheetData, table: LabelTable) -> Iterable[tuple[int, str]]:
    for r in range(table.header_row + 1, sheet.height):
        if is_table_end(sheet, r):
            return  # footnotes, signatures, the date line: not figures
        label = sheet.text(r, table.label_col)
        if label:
            yield r, label


def value_header(sheet: SheetData, table: LabelTable) -> str:
    return sheet.text(table.header_row, table.value_col)
