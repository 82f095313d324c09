"""Validate parsed sheets against the catalogue: pure, no ORM.

The services build a `Catalogue` from the database (or tests from fixtures/*.csv) and call
`validate()`. It collects every problem — never stops at the first — and returns the rows ready to
write, keyed by codes.

Checks: unit names (unknown → error with the closest names), indicators named in long files,
the user's writable units, duplicates inside the file, the per-value rules of
`indicators.checks.check_value` that the form, the API and the write door run too (a percent above
100 is a warning — real sources print 109,76 % —, a negative number or a numerator above its
denominator an error), a cumulative value below the stored previous one (warning), and printed totals against the aggregate of the unit rows under the indicator's rule
(sum or mean; a mismatch beyond the printed rounding is a warning naming both numbers).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.numbers import format_vn
from core.periods import is_period, period_message
from core.text import fold_glyphs, strip_marks
from indicators.checks import check_value, plainly_valid
from indicators.status import cumulative_kind
from units.matching import UnitIndex, candidates_from_rows

from .types import CellBlock, CellRef, ParsedValue, RowError, Severity, SheetResult


@dataclass(frozen=True)
class IndicatorMeta:
    code: str
    name: str = ""
    measure: str = "count"  # percent | count | amount_vnd
    aggregation: str = "sum"  # sum | mean | ratio_of_sums | none
    reported_by: tuple[str, ...] = ()
    cumulative: str = ""  # "" | ytd | since_start
    id: int | None = None


@dataclass
class Catalogue:
    indicators: dict[str, IndicatorMeta]
    units: UnitIndex
    unit_ids: dict[str, int] = field(default_factory=dict)  # code → database id (empty in pure tests)
    _names: dict[str, str] | None = None

    def indicator_by_label(self, label: str) -> str | None:
        if label in self.indicators:
            return label
        up = label.strip().upper()
        if up in self.indicators:
            return up
        if self._names is None:
            self._names = {_key(m.name): code for code, m in self.indicators.items() if m.name}
        return self._names.get(_key(label))

    def level_of(self, unit_code: str) -> str:
        c = self.units.by_code.get(unit_code)
        return c.level if c else ""

    @classmethod
    def from_csv(cls, folder: str | Path) -> Catalogue:
        """The catalogue from fixtures/*.csv (tests and tools; the product reads the database)."""
        folder = Path(folder)
        with open(folder / "units.csv", encoding="utf-8", newline="") as fh:
            units = UnitIndex(candidates_from_rows(csv.DictReader(fh)))
        indicators = {}
        with open(folder / "indicators.csv", encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                code = r["code"]
                cumulative = cumulative_kind(code)
                indicators[code] = IndicatorMeta(
                    code,
                    r["name"],
                    r["measure"],
                    r["aggregation"],
                    tuple(r["reported_by"].split("|")),
                    cumulative,
                )
        return cls(indicators, units)


def _key(text: str) -> str:
    return " ".join(strip_marks(fold_glyphs(text)).lower().split())


@dataclass(slots=True)
class ResolvedValue:
    """A value ready to write, by codes."""

    indicator: str
    unit: str
    period: str
    value: Decimal | None
    ref: CellRef
    raw: str = ""
    note: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    tiers: dict | None = None
    flags: list[str] = field(default_factory=list)
    is_total: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.indicator, self.unit, self.period)

    @property
    def cell_key(self) -> str:
        return f"{self.ref.sheet}!{self.ref.cell}"


@dataclass
class Validated:
    values: list[ResolvedValue]
    problems: list[RowError]
    invalid_cells: set[str] = field(default_factory=set)  # "Sheet!K9" of cells that cannot be written

    @property
    def errors(self) -> list[RowError]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[RowError]:
        return [p for p in self.problems if p.severity == Severity.WARNING]


def cell_key(sheet: str, cell: str) -> str:
    return f"{sheet}!{cell}"


def _decimals(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def validate(
    results: Iterable[SheetResult],
    catalogue: Catalogue,
    period: str,
    *,
    writable: set[str] | None = None,
    previous: Callable[[list[tuple[str, str, str]]], dict[tuple[str, str], Decimal]] | None = None,
    corrections: dict[str, Decimal] | None = None,
    exclusions: set[str] | None = None,
) -> Validated:
    """Resolve and check every parsed value.

    `writable`: unit codes the user may write (None = all). `previous(keys)` returns, for
    (indicator, unit) pairs, the stored value of the latest period before this one (cumulative
    checks). `corrections` replaces a cell's value ("Sheet!K9" → Decimal) and clears its error;
    `exclusions` drops cells ("Sheet!K9") on purpose.
    """
    corrections = corrections or {}
    exclusions = exclusions or set()
    problems: list[RowError] = []
    out: list[ResolvedValue] = []
    invalid: set[str] = set()
    unit_errors: set[tuple[str, int]] = set()
    match_cache: dict[tuple[str, str | None], tuple] = {}
    results = list(results)

    # Problems found while parsing; a corrected or excluded cell's own error is dropped.
    for res in results:
        for p in res.problems:
            k = cell_key(p.sheet, p.cell) if p.cell else ""
            if k and (k in corrections or k in exclusions) and p.severity == Severity.ERROR:
                continue
            problems.append(p)
            if p.severity == Severity.ERROR and k:
                invalid.add(k)

    def err(
        pv: ParsedValue,
        message: str,
        code: str,
        *,
        column: int | None = None,
        value: str | None = None,
        severity=Severity.ERROR,
        header: str | None = None,
    ):
        col = pv.ref.column if column is None else column
        problems.append(
            RowError(
                pv.ref.sheet,
                pv.ref.row,
                col,
                pv.raw if value is None else value,
                message,
                severity,
                pv.ref.header if header is None else header,
                code,
            )
        )

    seen: dict[tuple[str, str, str], ResolvedValue] = {}
    incomplete: set[tuple[str, str]] = set()  # (sheet, indicator) with a unit cell not written
    need_key = bool(exclusions or corrections)  # building "Sheet!A1" for 200,000 cells is not free
    period_ok: dict[str, bool] = {}

    def check(pv: ParsedValue) -> None:
        """Resolve and check one parsed value (the general path)."""
        k = cell_key(pv.ref.sheet, pv.ref.cell) if need_key else None
        if not pv.is_total and ("error" in pv.flags or k in exclusions):
            incomplete.add((pv.ref.sheet, pv.indicator))
        if k in exclusions:
            invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
            return
        value = pv.value
        if k in corrections:
            value = corrections[k]
        elif "error" in pv.flags or (value is None and "no_data" not in pv.flags):
            if "error" in pv.flags:
                invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
            return
        # indicator
        code = pv.indicator
        if pv.indicator_is_label:
            code = catalogue.indicator_by_label(pv.indicator) or ""
            if not code:
                err(
                    pv,
                    f'Không có chỉ tiêu "{pv.indicator}" trong danh mục (mã hoặc tên)',
                    "unknown_indicator",
                    value=pv.indicator,
                    header="",
                )
                invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
                return
        meta = catalogue.indicators.get(code)
        if meta is None:
            err(pv, f"Chỉ tiêu {code} chưa có trong danh mục", "unknown_indicator", value=code)
            invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
            return
        # unit
        if pv.unit_code:
            unit = pv.unit_code
            if unit not in catalogue.units.by_code:
                err(pv, f"Không có đơn vị mã {unit} trong danh mục", "unknown_unit", value=unit)
                invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
                return
        else:
            hint = pv.level_hint or (meta.reported_by if len(meta.reported_by) else None)
            ck = (pv.unit_label, hint if isinstance(hint, str) or hint is None else "|".join(hint))
            cached = match_cache.get(ck)
            if cached is None:
                label = pv.unit_label
                if label in catalogue.units.by_code:
                    cached = (label, "")
                else:
                    m = catalogue.units.match(label, hint)
                    cached = (m.code, m.message())
                match_cache[ck] = cached
            unit, message = cached
            if unit is None:
                row_key = (pv.ref.sheet, pv.ref.row)
                if row_key not in unit_errors:
                    unit_errors.add(row_key)
                    err(pv, message, "unknown_unit", column=pv.unit_column, value=pv.unit_label, header="")
                invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
                return
        if writable is not None and unit not in writable:
            row_key = (pv.ref.sheet, pv.ref.row)
            if ("perm",) + row_key not in unit_errors:
                unit_errors.add(("perm",) + row_key)
                name = catalogue.units.by_code[unit].name
                err(
                    pv,
                    f"Bạn không có quyền nhập số liệu cho đơn vị '{name}'",
                    "forbidden_unit",
                    column=pv.unit_column,
                    value=pv.unit_label or unit,
                    header="",
                )
            invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
            return
        per = pv.period or period
        ok = period_ok.get(per)
        if ok is None:
            ok = period_ok[per] = is_period(per)
        if not ok:
            err(pv, period_message(per), "bad_period")
            invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
            return
        # the per-value rules every channel runs (the write door runs them again); the cumulative
        # comparison with the stored previous value is `_cumulative_checks` below
        if value is not None or pv.numerator is not None or pv.denominator is not None:
            rules = check_value(
                meta, value, None, period=per, numerator=pv.numerator, denominator=pv.denominator
            )
            # check_value finds every error before any warning: its codes are in that order
            errors = [m for messages in rules.errors.values() for m in messages]
            # (not `code`: that is the indicator's code, written below)
            for message, rule in zip(errors, rules.codes, strict=False):
                err(pv, message, rule)
            for message, rule in zip(rules.warnings, rules.codes[len(errors) :], strict=False):
                err(pv, message, rule, severity=Severity.WARNING)
            if errors:
                invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
                return
        rv = ResolvedValue(
            code,
            unit,
            per,
            value,
            pv.ref,
            pv.raw,
            pv.note,
            pv.numerator,
            pv.denominator,
            pv.tiers,
            list(pv.flags),
            pv.is_total,
        )
        if k in corrections:
            rv.flags.append("corrected")
            rv.raw = f"{pv.raw} → {format_vn(value)}" if value is not None else pv.raw
        other = seen.get(rv.key)
        if other is not None:
            if other.value == rv.value:
                err(
                    pv,
                    f"Trùng số liệu {code}/{unit}/{per} với ô {other.ref.sheet}!{other.ref.cell}; chỉ nhập một lần",
                    "duplicate_value",
                    severity=Severity.WARNING,
                )
            else:
                err(
                    pv,
                    f"Số liệu {code}/{unit}/{per} đã có ở ô {other.ref.sheet}!{other.ref.cell} "
                    f"với giá trị khác ({format_vn(other.value)})",
                    "duplicate_value",
                )
                invalid.add(k or cell_key(pv.ref.sheet, pv.ref.cell))
            return
        seen[rv.key] = rv
        out.append(rv)

    def _check_block(block: CellBlock) -> None:
        """The block's cells: the checks of `check()` inline for the common case (a known
        indicator and unit, a writable unit, a valid period, a value in range, no duplicate);
        any other cell is handed to `check()` as a ParsedValue so its messages are the same."""
        sheet, headers, unit_column = block.sheet, block.headers, block.unit_column
        codes: dict[str, str | None] = {}
        hints: dict[str, tuple] = {}  # code → (level hint, its match-cache form)
        units_by_code = catalogue.units.by_code
        for item in block.items:
            row, col, label, unit_label, per, value, raw, note = item
            code = codes.get(label, "")
            if code == "":
                code = codes[label] = catalogue.indicator_by_label(label)
            meta = catalogue.indicators.get(code) if code else None
            unit = None
            if meta is not None:
                hint_pair = hints.get(code)
                if hint_pair is None:
                    hint = meta.reported_by if len(meta.reported_by) else None
                    hint_pair = hints[code] = (hint, hint if hint is None else "|".join(hint))
                hint = hint_pair[0]
                ck = (unit_label, hint_pair[1])
                cached = match_cache.get(ck)
                if cached is None:
                    if unit_label in units_by_code:
                        cached = (unit_label, "")
                    else:
                        m = catalogue.units.match(unit_label, hint)
                        cached = (m.code, m.message())
                    match_cache[ck] = cached
                unit = cached[0]
            per = per or period
            ok = period_ok.get(per)
            if ok is None:
                ok = period_ok[per] = is_period(per)
            key = (code, unit, per)
            if (
                unit is None
                or not ok
                or (writable is not None and unit not in writable)
                or key in seen
                or not plainly_valid(meta.measure, value)
            ):
                check(
                    ParsedValue(
                        label,
                        CellRef(sheet, row, col, headers.get(col, "")),
                        raw,
                        value,
                        unit_label=unit_label,
                        note=note,
                        period=item[4],
                        indicator_is_label=True,
                        unit_column=unit_column,
                    )
                )
                continue
            rv = ResolvedValue(
                code,
                unit,
                per,
                value,
                CellRef(sheet, row, col, headers.get(col, "")),
                raw,
                note,
                None,
                None,
                None,
                [],
            )
            seen[key] = rv
            out.append(rv)

    for res in results:
        for pv in res.values:
            check(pv)
        block = res.block
        if block is None or not block.items:
            continue
        if need_key:  # corrections and exclusions are keyed by cell: take the general path
            for pv in block.parsed_values():
                check(pv)
            continue
        _check_block(block)

    problems.extend(_reconcile_totals(out, catalogue, incomplete))
    if previous is not None:
        problems.extend(_cumulative_checks(out, catalogue, previous))
    return Validated(out, problems, invalid)


def _reconcile_totals(
    values: list[ResolvedValue], catalogue: Catalogue, incomplete=frozenset()
) -> list[RowError]:
    """Printed totals (`Tổng` rows) against the aggregate of the unit rows of the same sheet.
    A column with an unreadable or excluded unit cell is not reconciled (its error says enough)."""
    if not any(v.is_total for v in values):
        return []
    groups: dict[tuple[str, str, str], list[ResolvedValue]] = defaultdict(list)
    totals: dict[tuple[str, str, str], ResolvedValue] = {}
    for v in values:
        k = (v.ref.sheet, v.indicator, v.period)
        if v.is_total:
            totals[k] = v
        else:
            groups[k].append(v)
    out = []
    for k, total in totals.items():
        units = [v for v in groups.get(k, []) if v.value is not None]
        meta = catalogue.indicators[total.indicator]
        if (k[0], total.indicator) in incomplete:
            continue
        if not units or total.value is None or meta.aggregation not in ("sum", "mean"):
            continue
        s = sum((v.value for v in units), Decimal(0))
        agg = s if meta.aggregation == "sum" else s / len(units)
        tol = Decimal("0.5") * Decimal(10) ** -_decimals(total.value)
        if abs(agg - total.value) <= tol:
            continue
        how = "tổng" if meta.aggregation == "sum" else "trung bình"
        shown = format_vn(agg if meta.aggregation == "sum" else agg.quantize(Decimal("0.01")))
        msg = f"Dòng Tổng in {format_vn(total.value)} nhưng {how} các đơn vị là {shown} ({total.indicator})"
        if meta.aggregation == "sum" and meta.measure == "amount_vnd":
            small = [v for v in units if 0 < v.value < 1000]
            if small and s + sum(v.value * 999 for v in small) == total.value:
                cells = ", ".join(v.ref.cell for v in small)
                msg += f"; khớp nếu các ô {cells} được ghi theo nghìn đồng"
        out.append(
            RowError(
                total.ref.sheet,
                total.ref.row,
                total.ref.column,
                total.raw,
                msg,
                Severity.WARNING,
                total.ref.header,
                "total_mismatch",
            )
        )
    return out


def _cumulative_checks(values, catalogue, previous) -> list[RowError]:
    cum = [v for v in values if catalogue.indicators[v.indicator].cumulative and v.value is not None]
    if not cum:
        return []
    prev = previous([v.key for v in cum])
    out = []
    for v in cum:
        meta = catalogue.indicators[v.indicator]
        p = prev.get((v.indicator, v.unit))
        if p is None:
            continue
        before, p_period = p if isinstance(p, tuple) else (p, "")
        if meta.cumulative == "ytd" and p_period and p_period[:4] != v.period[:4]:
            continue  # year to date resets in January
        if v.value < before:
            where = f" kỳ {p_period}" if p_period else " kỳ trước"
            out.append(
                RowError(
                    v.ref.sheet,
                    v.ref.row,
                    v.ref.column,
                    v.raw,
                    f"Số lũy kế {format_vn(v.value)} thấp hơn{where} ({format_vn(before)})",
                    Severity.WARNING,
                    v.ref.header,
                    "cumulative_drop",
                )
            )
    return out
