"""What every section of the báo cáo shares: the `Section` a module declares, the build `Context`, the
block constructors and the one way each kind of figure is printed.

Every number a section prints goes through `core.numbers` with the indicator's measure
(`figure_text`): percents `92,9%`, counts `1.381`, amounts `12.906.957.546 đ`; the same value is
printed with the same precision in a table and in the commentary beside it.

A table block is {"type": "table", "key", "header": [[{"text", "colspan", "rowspan"}]], "columns":
[flat labels], "align": [...], "widths": [...], "rows": [{"key", "cells", "spans"?, "total"?,
"heading"?, "subheader"?}]}; a section is {"key", "number", "title", "blocks": [paragraph | table |
narrative]}.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import EMPTY, format_measure, format_number, format_percent, format_period, format_target
from indicators.choices import Measure, Status
from indicators.status import TargetRule
from units.models import Level, Unit

from .data import PeriodData, Row

NARRATIVE_INTRO = "Từ bảng trên cho thấy:"


@dataclass(frozen=True)
class Section:
    """One section of the data part, declared by its module (`reports/sections/<key>.py`).

    `narratives` names the commentary boxes the section drafts (key → what it comments on, when the
    section has more than one); `tables` the tables whose unit order staff may set (key → label)."""

    key: str
    title: str
    build: Callable[[Context], dict | None]
    narratives: dict[str, str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    period: str
    data_date: datetime.date
    apps_date: datetime.date
    row_orders: dict = field(default_factory=dict)
    narrative: dict = field(default_factory=dict)
    data: PeriodData = None
    warnings: list = field(default_factory=list)
    row_orders_used: dict = field(default_factory=dict)

    def ordered_units(self, key: str, units: list[Unit]) -> list[Unit]:
        """Units in the order the report prints this table (kept per report, taken over from the previous
        one), then any unit not listed yet in catalogue order. A listed unit without data keeps its row."""
        order = [c for c in self.row_orders.get(key, []) if isinstance(c, str)]
        by_code = {u.code: u for u in units}
        missing = [c for c in order if c not in by_code]
        if missing:
            for u in Unit.objects.filter(code__in=missing):
                by_code[u.code] = u
        listed = [by_code[c] for c in order if c in by_code]
        rest = sorted((u for u in by_code.values() if u.code not in order), key=lambda u: (u.order, u.code))
        result = listed + rest
        self.row_orders_used[key] = [u.code for u in result]
        return result

    def narrative_block(self, key: str, items: list[str], intro: str | None = NARRATIVE_INTRO) -> dict:
        edited = (self.narrative or {}).get(key)
        lines = [ln.strip() for ln in (edited or "").splitlines() if ln.strip()]
        return {
            "type": "narrative",
            "key": key,
            "intro": intro,
            "items": lines or items,
            "generated": items,
            "edited": bool(lines),
        }


# ------------------------------------------------------------------------------------------ blocks
def cell(text, colspan=1, rowspan=1):
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def table(key: str, header, columns, align, widths, rows, *, small: bool = False) -> dict:
    block = {"type": "table", "key": key, "header": header, "columns": columns, "align": align}
    block.update({"widths": widths, "rows": rows})
    if small:
        block["small"] = True
    return block


# ------------------------------------------------------------------------------------------ names
def official_name(unit: Unit) -> str:
    """How the software and e-certification tables name a government: "UBND TP.Đồng Xoài",
    "UBND H.Bù Đốp", "UBND tỉnh Bình Phước"; agencies by their short name."""
    if unit.level == Level.DISTRICT:
        for prefix, short in (("Thành phố ", "TP."), ("Thị xã ", "TX."), ("Huyện ", "H.")):
            if unit.name.startswith(prefix):
                return f"UBND {short}{unit.name[len(prefix) :]}"
        return f"UBND {unit.name}"
    if unit.level == Level.PROVINCE:
        return f"UBND {unit.name[:1].lower()}{unit.name[1:]}"
    return unit.display_name


def short_name(unit: Unit) -> str:
    return unit.display_name


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def previous_label(period: str | None) -> str:
    return f"tháng {format_period(period)}" if period else "kỳ trước"


# ------------------------------------------------------------------------------------------ figures
def value_of(row: Row | None):
    return row.value if row is not None else None


def figure_text(value, measure: str) -> str:
    """A figure as the report prints it, by the indicator's measure (`core.numbers.format_measure`)."""
    return format_measure(value, measure)


def row_text(row: Row | None) -> str:
    """A unit's cell: its value by its indicator's measure; "-" when the source printed "-" (no
    transaction) for a count or an amount; "–" when there is no value."""
    if row is None:
        return EMPTY
    if row.dv.raw.strip() == "-" and row.measure != Measure.PERCENT:
        return "-"
    return figure_text(row.value, row.measure)


def percent(row_or_value) -> str:
    value = row_or_value.value if isinstance(row_or_value, Row) else row_or_value
    return format_percent(value)


def count(value) -> str:
    return format_number(value, 0) if value is not None else EMPTY


def small_count(value) -> str:
    """Counts in running text: "03 đơn vị", "04 tin", "52 tin", "0 tin" (1–9 with two digits, as the
    reports print them)."""
    if value is None:
        return EMPTY
    text = format_number(value, 0)
    return f"0{text}" if 0 < value < 10 else text


def target_text(rule: TargetRule | None, measure: str = Measure.PERCENT) -> str:
    """A target as the report prints it: "≥ 80%", "≤ 5%", "80–90%" (`core.numbers.format_target`)."""
    if rule is None:
        return EMPTY
    return format_target(rule.comparator, rule.value, rule.value_max, measure)


def status_label(row: Row | None) -> str:
    if row is None or row.value is None:
        return str(Status.NO_DATA.label)
    st = row.status
    return str(Status(st.status).label) if st is not None else EMPTY


def change_cell(row: Row | None) -> str:
    st = row.status if row is not None else None
    return st.change_text if st is not None and st.change_text else EMPTY


def coverage_line(ctx: Context, codes) -> dict | None:
    """The line under a table whose province totals stand on part of the units that must report:
    "Số liệu toàn tỉnh … chưa đầy đủ, …: Tỷ lệ … 1/37 đơn vị đã báo cáo; Số người … 1/12 đơn vị đã báo
    cáo (chưa tính tổng toàn tỉnh)." None when every total is complete."""
    parts = []
    for code in codes:
        c = ctx.data.coverage(code)
        if c is None or not c.partial:
            continue
        part = f"{ctx.data.indicators[code].name}: {c.text}"
        if ctx.data.withheld(code):
            part += " (chưa tính tổng toàn tỉnh)"
        parts.append(part)
    if not parts:
        return None
    return paragraph(
        f"Số liệu toàn tỉnh tháng {format_period(ctx.period)} chưa đầy đủ, dòng tổng chỉ gồm các đơn vị đã "
        "báo cáo – " + "; ".join(parts) + "."
    )


def with_coverage(blocks: list, ctx: Context, codes, after: str) -> list:
    """``blocks`` with the coverage line (if any) right after the table keyed ``after``."""
    line = coverage_line(ctx, codes)
    if line is None:
        return blocks
    out = []
    for block in blocks:
        out.append(block)
        if block.get("type") == "table" and block.get("key") == after:
            out.append(line)
    return out


def increment_of(row: Row | None) -> Decimal | None:
    st = row.status if row is not None else None
    if st is None or not st.previous_period:
        return None
    return st.increment if st.increment is not None else st.change
