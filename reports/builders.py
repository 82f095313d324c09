"""The data part of the báo cáo chuyên đề, composed from the stored values of one period and what the
status engine computed for them (ValueStatus, ProvinceAggregate). Reads only; the result is plain JSON
(strings already in Vietnamese formats) so it can be frozen in a ReportVersion and rendered as HTML,
DOCX and PDF alike.

A table is {"key", "header": [[{"text", "colspan", "rowspan"}]], "columns": [flat labels],
"align": [...], "rows": [{"key", "cells", "spans"?, "total"?, "heading"?}]}; a section is
{"key", "number", "title", "blocks": [paragraph | table | narrative]}.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import EMPTY, format_number, format_percent, format_period
from core.periods import year_of
from indicators.choices import Pillar, Status
from indicators.models import DataValue, DTIPillar, DTIScore, Indicator, ProvinceAggregate, Target
from indicators.status import TargetRule, choose_target, evaluate
from units.models import Level, Unit

from .narrative import (
    Ranked,
    bottom,
    count_word,
    describe_top,
    join_names,
    list_with_values,
    sentence,
    top_with_ties,
    vn_date,
)

NARRATIVE_INTRO = "Từ bảng trên cho thấy:"
UNIT_LEVELS = (Level.AGENCY, Level.DISTRICT, Level.COMMUNE, Level.UNASSIGNED)


# ------------------------------------------------------------------------------------------- helpers
def cell(text, colspan=1, rowspan=1):
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


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


def small_count(value) -> str:
    """Counts in the hotline sentence: "04 tin", "52 tin", "0 tin" (1–9 with two digits, as printed)."""
    if value is None:
        return EMPTY
    n = int(value)
    return count_word(n) if 0 < n < 10 else format_number(n)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


@dataclass
class Row:
    dv: DataValue

    @property
    def value(self) -> Decimal | None:
        return self.dv.value

    @property
    def status(self):
        try:
            return self.dv.status
        except DataValue.status.RelatedObjectDoesNotExist:
            return None


class PeriodData:
    """Every published value of the period with its status, loaded once (3 queries).

    A unit's draft (entered by its reporter, not yet approved) never reaches the report."""

    def __init__(self, period: str):
        self.period = period
        self.values: dict[tuple[str, str], Row] = {}
        self.indicators: dict[str, Indicator] = {i.code: i for i in Indicator.objects.all()}
        for dv in (
            DataValue.objects.published().filter(period=period).select_related("indicator", "unit", "status")
        ):
            self.values[(dv.indicator.code, dv.unit.code)] = Row(dv)
        self.aggregates = {
            a.indicator.code: a
            for a in ProvinceAggregate.objects.filter(period=period).select_related("indicator")
        }
        self._targets: dict[str, list[TargetRule]] | None = None

    def get(self, indicator: str, unit: str) -> Row | None:
        return self.values.get((indicator, unit))

    def has_any(self, indicators) -> bool:
        return any(key[0] in indicators and row.value is not None for key, row in self.values.items())

    def units(self, indicators) -> list[Unit]:
        seen = {}
        for (ind, _), row in self.values.items():
            if ind in indicators and row.dv.unit.level != Level.PROVINCE:
                seen[row.dv.unit.code] = row.dv.unit
        return list(seen.values())

    def province(self, indicator: str) -> Row | None:
        for (ind, _), row in self.values.items():
            if ind == indicator and row.dv.unit.level == Level.PROVINCE:
                return row
        return None

    def total(self, indicator: str) -> Decimal | None:
        """The province figure: the printed total when one was stored, else the engine's roll-up."""
        row = self.province(indicator)
        if row is not None and row.value is not None:
            return row.value
        agg = self.aggregates.get(indicator)
        return agg.computed if agg is not None else None

    def targets(self, indicator: str) -> list[TargetRule]:
        if self._targets is None:
            self._targets = {}
            for t in Target.objects.filter(year=year_of(self.period)).select_related("indicator"):
                self._targets.setdefault(t.indicator.code, []).append(t.as_rule())
        return self._targets.get(indicator, [])

    def level_target(self, indicator: str, levels=(Level.AGENCY, Level.DISTRICT)) -> TargetRule | None:
        for level in levels:
            rule = choose_target(self.targets(indicator), period=self.period, level=level)
            if rule is not None:
                return rule
        return None

    def previous_period(self, indicators) -> str | None:
        """The period the table compares with: the most common previous period of its values."""
        counts = Counter(
            row.status.previous_period
            for (ind, _), row in self.values.items()
            if ind in indicators and row.status is not None and row.status.previous_period
        )
        return counts.most_common(1)[0][0] if counts else None


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


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def status_label(row: Row | None) -> str:
    if row is None or row.value is None:
        return str(Status.NO_DATA.label)
    st = row.status
    return str(Status(st.status).label) if st is not None else EMPTY


def change_cell(row: Row | None) -> str:
    st = row.status if row is not None else None
    return st.change_text if st is not None and st.change_text else EMPTY


def percent(row_or_value) -> str:
    value = row_or_value.value if isinstance(row_or_value, Row) else row_or_value
    return format_percent(value)


def count(row_or_value) -> str:
    if isinstance(row_or_value, Row):
        if row_or_value.dv.raw.strip() == "-":
            return "-"
        return format_number(row_or_value.value)
    return format_number(row_or_value)


def value_of(row: Row | None):
    return row.value if row is not None else None


def previous_label(period: str | None) -> str:
    return f"tháng {format_period(period)}" if period else "kỳ trước"


def target_text(rule: TargetRule | None, measure: str = "percent") -> str:
    if rule is None:
        return EMPTY
    return format_percent(rule.value) if measure == "percent" else format_number(rule.value)


# ------------------------------------------------------------------------------------------ sections
DVC = ("DVC-SVC-RATE", "DVC-FILE-RATE")


def dvc_section(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(DVC):
        return None
    units = ctx.ordered_units("dvc", data.units(DVC))
    date = vn_date(ctx.data_date)
    prev = data.previous_period(DVC)
    rules = {ind: data.level_target(ind) for ind in DVC}
    groups = [
        f"Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến (đến thời điểm báo cáo {date})",
        f"Tỷ lệ hồ sơ xử lý trực tuyến (đến thời điểm báo cáo {date})",
    ]
    subs = {
        ind: [
            "Kết quả thực hiện của đơn vị",
            f"So với báo cáo chuyên đề {previous_label(prev)}",
            f"So với chỉ tiêu Ủy ban quốc gia về CĐS đề ra ({target_text(rules[ind])})",
        ]
        for ind in DVC
    }
    header = [
        [
            cell("STT", rowspan=2),
            cell("Đơn vị", rowspan=2),
            cell(groups[0], colspan=3),
            cell(groups[1], colspan=3),
        ],
        [cell(t) for ind in DVC for t in subs[ind]],
    ]
    columns = ["STT", "Đơn vị"] + [
        f"{g} – {s}" for g, ind in zip(groups, DVC, strict=True) for s in subs[ind]
    ]
    rows = []
    for n, unit in enumerate(units, start=1):
        cells = [str(n), unit.name]
        for ind in DVC:
            row = data.get(ind, unit.code)
            cells += [percent(row) if row else EMPTY, change_cell(row), status_label(row)]
        rows.append({"key": unit.code, "cells": cells})
    total_cells = ["TỔNG"]
    for ind in DVC:
        total = data.total(ind)
        judged = evaluate(total, rules[ind], period=ctx.period) if total is not None else None
        total_cells += [
            percent(total) if total is not None else EMPTY,
            "",
            str(Status(judged.status).label) if judged is not None else EMPTY,
        ]
    rows.append({"key": "total", "cells": total_cells, "spans": [2, 1, 1, 1, 1, 1, 1], "total": True})
    table = {
        "key": "dvc",
        "header": header,
        "columns": columns,
        "align": ["center", "left"] + ["center"] * 6,
        "widths": [5, 22, 11, 12, 12, 11, 12, 12],
        "rows": rows,
    }
    lead = (
        "- Tỷ lệ DVC trực tuyến phát sinh hồ sơ trực tuyến và tỷ lệ hồ sơ xử lý trực tuyến của các sở, ban, "
        f"ngành, huyện, thị xã, thành phố (tính đến ngày {date}), cụ thể như sau:"
    )
    return {
        "key": "dvc",
        "title": "Dịch vụ công trực tuyến",
        "blocks": [
            paragraph(lead),
            {"type": "table", **table},
            ctx.narrative_block("dvc", dvc_narrative(ctx, units, rules, prev)),
        ],
    }


def dvc_narrative(ctx: Context, units, rules, prev) -> list[str]:
    data, date = ctx.data, vn_date(ctx.data_date)
    items = []
    for ind in DVC:
        indicator = data.indicators[ind]
        what = indicator.name
        total = data.total(ind)
        rows = [(u, data.get(ind, u.code)) for u in units]
        with_data = [(u, r) for u, r in rows if r is not None and r.value is not None]
        full = [u for u, r in with_data if r.value >= 100]
        if total is not None:
            earliest = (
                ProvinceAggregate.objects.filter(indicator__code=ind, period__lt=ctx.period)
                .order_by("period")
                .first()
            )
            start, end = None, total
            if earliest is not None:
                # Compare like with like: the printed province totals when both months have one,
                # otherwise the engine's roll-ups of both months.
                bp = (
                    DataValue.objects.published()
                    .filter(indicator__code=ind, unit__level=Level.PROVINCE, period=earliest.period)
                    .first()
                )
                own = data.province(ind)
                if bp is not None and bp.value is not None and own is not None and own.value is not None:
                    start = bp.value
                else:
                    start = earliest.computed
                    end = data.aggregates[ind].computed if ind in data.aggregates else total
            if start is not None and start != end:
                rise = end > start
                text = (
                    f"+ {what} toàn tỉnh {'tăng' if rise else 'giảm'} từ {percent(start)} "
                    f"(tháng {format_period(earliest.period)}) {'lên' if rise else 'xuống'} {percent(end)} "
                    f"(đến ngày {date})"
                )
            else:
                text = f"+ {what} toàn tỉnh đạt {percent(total)} (đến ngày {date})"
            if with_data:
                text += f"; {len(full)}/{len(with_data)} đơn vị đạt 100%"
            items.append(sentence(text))
        rule = rules[ind]
        if rule is not None and with_data:
            failing = [
                (u, r) for u, r in with_data if r.status is not None and r.status.status == Status.NOT_MET
            ]
            if failing:
                items.append(
                    sentence(
                        f"+ Đơn vị chưa đạt chỉ tiêu ({target_text(rule)}) về {lower_first(what)}: "
                        + join_names([f"{u.name} ({percent(r)})" for u, r in failing])
                    )
                )
            else:
                items.append(
                    sentence(
                        f"+ {len(with_data)}/{len(with_data)} đơn vị đạt chỉ tiêu Ủy ban quốc gia về CĐS đề ra "
                        f"({target_text(rule)}) về {lower_first(what)}"
                    )
                )
        drops = [
            (u, r)
            for u, r in with_data
            if r.status is not None and r.status.change is not None and r.status.change < 0
        ]
        if drops:
            worst = min(r.status.change for _, r in drops)
            named = [(u, r) for u, r in drops if r.status.change == worst]
            items.append(
                sentence(
                    f"+ Giảm nhiều nhất so với báo cáo chuyên đề {previous_label(prev)} về {lower_first(what)}: "
                    + join_names(
                        [
                            f"{u.name} ({lower_first(r.status.change_text)}, từ {percent(r.status.previous_value)} "
                            f"xuống {percent(r)})"
                            for u, r in named
                        ]
                    )
                )
            )
        missing = [u for u, r in rows if r is None or r.value is None]
        if missing:
            items.append(
                sentence(f"+ Chưa có số liệu {lower_first(what)}: " + join_names([u.name for u in missing]))
            )
    return items


APP = "APP-BPTODAY-USERS"


def increment_of(row: Row | None):
    st = row.status if row is not None else None
    if st is None or not st.previous_period:
        return None
    return st.increment if st.increment is not None else st.change


def app_block(ctx: Context) -> list[dict]:
    data = ctx.data
    if not data.has_any((APP,)):
        return []
    units = ctx.ordered_units("app", data.units((APP,)))
    prev = data.previous_period((APP,))
    date = vn_date(ctx.apps_date)
    total = data.total(APP)
    rows, increments = [], []
    for n, unit in enumerate(units, start=1):
        row = data.get(APP, unit.code)
        inc = increment_of(row)
        increments.append(inc)
        rows.append(
            {
                "key": unit.code,
                "cells": [
                    str(n),
                    short_name(unit),
                    count(row) if row else EMPTY,
                    count(inc) if inc is not None else EMPTY,
                ],
            }
        )
    bp_inc = increment_of(data.province(APP))
    if bp_inc is None and increments and all(i is not None for i in increments):
        bp_inc = sum(increments)
    rows.append(
        {
            "key": "total",
            "cells": [
                "",
                "Tổng",
                count(total) if total is not None else EMPTY,
                count(bp_inc) if bp_inc is not None else EMPTY,
            ],
            "total": True,
        }
    )
    header_inc = f"So với báo cáo chuyên đề {previous_label(prev)} (số người dùng tăng thêm)"
    table = {
        "key": "app",
        "header": [[cell("STT"), cell("Đơn vị"), cell("Số người dùng"), cell(header_inc)]],
        "columns": ["STT", "Đơn vị", "Số người dùng", header_inc],
        "align": ["center", "left", "right", "right"],
        "widths": [8, 40, 20, 32],
        "rows": rows,
    }
    districts = [u for u in units if u.level == Level.DISTRICT]
    ranked = [
        Ranked(short_name(u), value_of(data.get(APP, u.code)), count(value_of(data.get(APP, u.code))))
        for u in districts
    ]
    top = top_with_ties(ranked, 3)
    first = f"- Ứng dụng “Bình Phước Today”: Tính đến ngày {date}, số người sử dụng ứng dụng toàn tỉnh là {count(total)}."
    if top:
        first += f" Trong đó, {count_word(len(top))} đơn vị có số người dùng nhiều nhất gồm: {list_with_values(top)}."
    items = [first]
    inc_ranked = [
        Ranked(short_name(u), increment_of(data.get(APP, u.code)), count(increment_of(data.get(APP, u.code))))
        for u in districts
    ]
    top_inc = top_with_ties([r for r in inc_ranked if r.value is not None and r.value > 0], 1)
    if top_inc:
        items.append(
            sentence(
                f"Số người dùng tăng thêm nhiều nhất so với báo cáo chuyên đề {previous_label(prev)}: {list_with_values(top_inc)}"
            )
        )
    missing = [short_name(u) for u in units if value_of(data.get(APP, u.code)) is None]
    if missing:
        items.append(sentence("Chưa có số liệu: " + join_names(missing)))
    return [
        ctx.narrative_block("app", items, intro=None),
        paragraph("Cụ thể như sau:"),
        {"type": "table", **table},
    ]


HOTLINE = ("HOT-RECEIVED", "HOT-DONE", "HOT-OPEN", "HOT-SPAM", "HOT-LATE-STAFF", "HOT-LATE-LEAD")


def hotline_block(ctx: Context) -> list[dict]:
    data = ctx.data
    rows = {code: data.province(code) for code in HOTLINE}
    received = value_of(rows["HOT-RECEIVED"])
    if received is None:
        return []
    year = year_of(ctx.period)
    parts = []
    labels = {
        "HOT-DONE": "Đã xử lý",
        "HOT-OPEN": "Đang xử lý",
        "HOT-SPAM": "tin rác",
        "HOT-LATE-STAFF": "Quá hạn xử lý (cấp chuyên viên 8 giờ hành chính)",
        "HOT-LATE-LEAD": "Quá hạn xử lý (cấp lãnh đạo 48 giờ hành chính)",
    }
    for code, label in labels.items():
        v = value_of(rows[code])
        if v is not None:
            parts.append(f"{label}: {small_count(v)} tin")
    text = (
        f"- Từ ngày 01/01/{year} đến ngày {vn_date(ctx.apps_date)}, Tổng đài 1022 Bình Phước đã tiếp nhận "
        f"{format_number(received)} tin"
    )
    text += (", trong đó: " + "; ".join(parts) + ".") if parts else "."
    st = rows["HOT-RECEIVED"].status
    if (
        st is not None
        and st.previous_period
        and year_of(st.previous_period) == year
        and st.change is not None
    ):
        extra = f" Riêng từ báo cáo chuyên đề tháng {format_period(st.previous_period)} đến nay, tiếp nhận thêm {format_number(st.change)} tin"
        done = rows["HOT-DONE"]
        if done is not None and done.status is not None and done.status.previous_period == st.previous_period:
            extra += f", đã xử lý thêm {format_number(done.status.change)} tin"
        text += extra + "."
    return [paragraph(text)]


SOFTWARE = ("SW-ECABINET-YTD", "SW-ESIGN-RATE", "SW-QLVB-RATE", "SW-EMAIL-RATE")


def software_block(ctx: Context) -> list[dict]:
    data = ctx.data
    if not data.has_any(SOFTWARE):
        return []
    units = ctx.ordered_units("software", data.units(SOFTWARE))
    columns = [
        "STT",
        "Đơn vị",
        "Họp không giấy qua phần mềm Ecabinet (từ đầu năm đến nay)",
        "Tỷ lệ văn bản điện tử được ký số của cơ quan, đơn vị",
        "Tỷ lệ văn bản được thực hiện trực tuyến qua Hệ thống QLVB&HSCV (từ đầu năm đến nay)",
        "Tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ (từ đầu năm đến nay)",
    ]
    rows = []
    for n, unit in enumerate(units, start=1):
        r = [data.get(code, unit.code) for code in SOFTWARE]
        rows.append(
            {
                "key": unit.code,
                "cells": [
                    str(n),
                    official_name(unit),
                    count(r[0]) if r[0] else EMPTY,
                    percent(r[1]) if r[1] else EMPTY,
                    percent(r[2]) if r[2] else EMPTY,
                    percent(r[3]) if r[3] else EMPTY,
                ],
            }
        )
    table = {
        "key": "software",
        "header": [[cell(c) for c in columns]],
        "columns": columns,
        "align": ["center", "left", "right", "right", "right", "right"],
        "widths": [6, 26, 17, 17, 17, 17],
        "rows": rows,
    }
    lead = (
        f"- Các phần mềm, ứng dụng khác (số liệu thống kê từ ngày 01/01/{year_of(ctx.period)} "
        f"đến ngày {vn_date(ctx.data_date)}):"
    )
    return [
        paragraph(lead),
        {"type": "table", **table},
        ctx.narrative_block("software", software_narrative(ctx, units)),
    ]


def ranked_for(ctx: Context, code: str, units, fmt) -> list[Ranked]:
    out = []
    for u in units:
        v = value_of(ctx.data.get(code, u.code))
        if v is not None:
            out.append(Ranked(short_name(u), v, fmt(v)))
    return out


def software_narrative(ctx: Context, units) -> list[str]:
    data, items = ctx.data, []
    meetings = top_with_ties([r for r in ranked_for(ctx, "SW-ECABINET-YTD", units, count) if r.value > 0], 3)
    if meetings:
        items.append(
            sentence(
                f"+ Đơn vị tổ chức họp không giấy qua phần mềm Ecabinet nhiều nhất gồm: {list_with_values(meetings)}"
            )
        )
    for code, top_text, all_text in (
        ("SW-ESIGN-RATE", "Đơn vị có tỷ lệ văn bản điện tử được ký số cao nhất", None),
        (
            "SW-QLVB-RATE",
            "Đơn vị có tỷ lệ văn bản được thực hiện trực tuyến qua QLVB & HSCV cao nhất",
            "+ Các đơn vị đều đạt 100% văn bản được thực hiện trực tuyến qua QLVB & HSCV.",
        ),
        ("SW-EMAIL-RATE", "Đơn vị có tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ nhiều nhất", None),
    ):
        ranked = ranked_for(ctx, code, units, percent)
        if not ranked:
            continue
        if all_text and len(ranked) == len(units) and all(r.value >= 100 for r in ranked):
            items.append(all_text)
            continue
        items.append(sentence(f"+ {top_text} {describe_top(top_with_ties(ranked, 3))}"))
    low = bottom(ranked_for(ctx, "SW-ESIGN-RATE", units, percent), 3)
    if low and low[0].value < 100:
        items.append(
            sentence(f"+ Đơn vị có tỷ lệ văn bản điện tử được ký số thấp nhất gồm: {list_with_values(low)}")
        )
    for code in ("SW-ESIGN-RATE", "SW-QLVB-RATE", "SW-EMAIL-RATE"):
        failing = [
            u
            for u in units
            if (r := data.get(code, u.code)) is not None
            and r.status is not None
            and r.status.status == Status.NOT_MET
        ]
        if failing:
            rule = data.level_target(code)
            name = lower_first(data.indicators[code].name)
            items.append(
                sentence(
                    f"+ {count_word(len(failing))} đơn vị chưa đạt chỉ tiêu {name} ({target_text(rule)}): "
                    + join_names([f"{short_name(u)} ({percent(data.get(code, u.code))})" for u in failing])
                )
            )
    missing = [short_name(u) for u in units if all(data.get(c, u.code) is None for c in SOFTWARE)]
    if missing:
        items.append(sentence("+ Chưa có số liệu: " + join_names(missing)))
    return items


CNSCD = (
    "CNS-COMMUNE-TEAMS",
    "CNS-COMMUNE-TEAM-RATE",
    "CNS-COMMUNE-MEMBERS",
    "CNS-HAMLET-TEAMS",
    "CNS-HAMLET-MEMBERS",
)


def cnscd_section(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(CNSCD):
        return None
    units = ctx.ordered_units("cnscd", data.units(CNSCD))
    columns = [
        "STT",
        "HUYỆN",
        "SỐ LƯỢNG TỔ CẤP XÃ",
        "ĐẠT TỈ LỆ TỔ CẤP XÃ",
        "SỐ LƯỢNG THÀNH VIÊN CẤP XÃ",
        "SỐ TỔ ẤP",
        "SỐ LƯỢNG THÀNH VIÊN ẤP",
    ]
    fmt = [count, percent, count, count, count]
    rows = []
    for n, unit in enumerate(units, start=1):
        cells = [str(n), short_name(unit).upper()]
        for code, f in zip(CNSCD, fmt, strict=True):
            r = data.get(code, unit.code)
            cells.append(f(r) if r else EMPTY)
        rows.append({"key": unit.code, "cells": cells})
    totals = [data.total(code) for code in CNSCD]
    rows.append(
        {
            "key": "total",
            "cells": ["", "Tổng"]
            + [f(t) if t is not None else EMPTY for t, f in zip(totals, fmt, strict=True)],
            "total": True,
        }
    )
    table = {
        "key": "cnscd",
        "header": [[cell(c) for c in columns]],
        "columns": columns,
        "align": ["center", "left"] + ["right"] * 5,
        "widths": [7, 23, 14, 14, 14, 14, 14],
        "rows": rows,
    }
    items = []
    if totals[0] is not None:
        text = f"+ Toàn tỉnh có {count(totals[0])} tổ CNSCĐ cấp xã"
        if totals[2] is not None:
            text += f" với {count(totals[2])} thành viên"
        if totals[3] is not None:
            text += f"; {count(totals[3])} tổ CNSCĐ thôn, ấp"
            if totals[4] is not None:
                text += f" với {count(totals[4])} thành viên"
        items.append(sentence(text))
    below = [
        u
        for u in units
        if (r := data.get("CNS-COMMUNE-TEAM-RATE", u.code)) is not None
        and r.value is not None
        and r.value < 100
    ]
    rated = [u for u in units if value_of(data.get("CNS-COMMUNE-TEAM-RATE", u.code)) is not None]
    if rated and not below:
        items.append(f"+ {len(rated)}/{len(rated)} huyện, thị xã, thành phố đạt 100% xã có tổ CNSCĐ.")
    elif below:
        items.append(
            sentence(
                "+ Chưa đạt 100% xã có tổ CNSCĐ: "
                + join_names(
                    [f"{short_name(u)} ({percent(data.get('CNS-COMMUNE-TEAM-RATE', u.code))})" for u in below]
                )
            )
        )
    return {
        "key": "cnscd",
        "title": "Tổ Công nghệ số cộng đồng",
        "blocks": [
            paragraph(f"Số liệu cập nhật đến ngày {vn_date(ctx.data_date)}:"),
            {"type": "table", **table},
            ctx.narrative_block("cnscd", items),
        ],
    }


ECERT = (
    "ECERT-WAIT-SIGN",
    "ECERT-WAIT-SEAL",
    "ECERT-DONE",
    "ECERT-CANCELLED",
    "ECERT-REJECTED",
    "ECERT-TOTAL",
)


def ecert_section(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(ECERT):
        return None
    units = {row.dv.unit.code: row.dv.unit for (ind, _), row in data.values.items() if ind in ECERT}
    units = ctx.ordered_units("ecert", list(units.values()))
    subs = ["CHỜ KÝ", "CHỜ ĐÓNG DẤU", "HOÀN THÀNH", "HỦY", "TỪ CHỐI", "TỔNG SỐ"]
    rows = []
    for n, unit in enumerate(units, start=1):
        rows.append(
            {
                "key": unit.code,
                "cells": [str(n), official_name(unit)]
                + [count(r) if (r := data.get(code, unit.code)) else EMPTY for code in ECERT],
            }
        )
    table = {
        "key": "ecert",
        "header": [
            [
                cell("STT", rowspan=2),
                cell("TÊN ĐƠN VỊ", rowspan=2),
                cell("SỐ LƯỢNG HỒ SƠ THEO TRẠNG THÁI", colspan=6),
            ],
            [cell(s) for s in subs],
        ],
        "columns": ["STT", "TÊN ĐƠN VỊ"] + subs,
        "align": ["center", "left"] + ["right"] * 6,
        "widths": [6, 28, 11, 11, 11, 11, 11, 11],
        "rows": rows,
    }
    since = re.search(r"từ (\d{2}/\d{2}/\d{4})", data.indicators["ECERT-WAIT-SIGN"].name)
    lead = (
        f"Số liệu thống kê từ ngày {since.group(1)} đến ngày {vn_date(ctx.data_date)}:"
        if since
        else f"Số liệu lũy kế đến ngày {vn_date(ctx.data_date)}:"
    )
    return {
        "key": "ecert",
        "title": "Chứng thực điện tử",
        "blocks": [paragraph(lead), {"type": "table", **table}],
    }


TAX_MONTH = ("TAX-NVTC-COUNT", "TAX-NVTC-AMOUNT", "TAX-FEE-COUNT", "TAX-FEE-AMOUNT")
TAX_YEAR = tuple(f"{c}-YTD" for c in TAX_MONTH)


def tax_section(ctx: Context) -> dict | None:
    data = ctx.data
    codes = TAX_MONTH + TAX_YEAR
    if not data.has_any(codes):
        return None
    units = ctx.ordered_units("tax", data.units(codes))
    year = year_of(ctx.period)
    month = f"Tháng {format_period(ctx.period)}"
    header = [
        [
            cell("TT", rowspan=3),
            cell("TÊN ĐƠN VỊ", rowspan=3),
            cell(month, colspan=4),
            cell(f"Năm {year}", colspan=4),
        ],
        [
            cell("NVTC", colspan=2),
            cell("Phí, Lệ Phí", colspan=2),
            cell("NVTC", colspan=2),
            cell("Phí, Lệ Phí", colspan=2),
        ],
        [cell("Số GD"), cell("Số tiền")] * 4,
    ]
    columns = ["TT", "TÊN ĐƠN VỊ"] + [
        f"{g} – {k} – {s}"
        for g in (month, f"Năm {year}")
        for k in ("NVTC", "Phí, Lệ Phí")
        for s in ("Số GD", "Số tiền")
    ]
    rows = []
    for n, unit in enumerate(units, start=1):
        rows.append(
            {
                "key": unit.code,
                "cells": [str(n), unit.name]
                + [count(r) if (r := data.get(c, unit.code)) else EMPTY for c in codes],
            }
        )
    totals = [data.total(c) for c in codes]
    rows.append(
        {
            "key": "total",
            "cells": ["#", "Tổng"] + [count(t) if t is not None else EMPTY for t in totals],
            "total": True,
        }
    )

    def add(a, b):
        return None if a is None or b is None else a + b

    grand = [
        add(totals[0], totals[2]),
        add(totals[1], totals[3]),
        add(totals[4], totals[6]),
        add(totals[5], totals[7]),
    ]
    rows.append(
        {
            "key": "grand_total_labels",
            "cells": ["", "", "Tổng số GD", "Tổng số tiền", "Tổng số GD", "Tổng số tiền"],
            "spans": [1, 1, 2, 2, 2, 2],
            "subheader": True,
        }
    )
    rows.append(
        {
            "key": "grand_total",
            "cells": ["#", "Tổng Thuế và Phí, lệ phí"]
            + [count(g) if g is not None else EMPTY for g in grand],
            "spans": [1, 1, 2, 2, 2, 2],
            "total": True,
        }
    )
    table = {
        "key": "tax",
        "header": header,
        "columns": columns,
        "align": ["center", "left"] + ["right"] * 8,
        "widths": [4, 16] + [8, 13, 8, 13] * 2,
        "rows": rows,
        "small": True,
    }
    items = []
    if grand[0] is not None and grand[1] is not None:
        text = (
            f"+ Trong tháng {format_period(ctx.period)}, toàn tỉnh có {count(grand[0])} giao dịch thanh toán thuế, "
            f"phí, lệ phí trực tuyến với tổng số tiền {count(grand[1])} đồng"
        )
        if grand[2] is not None and grand[3] is not None:
            text += f"; từ đầu năm {year}: {count(grand[2])} giao dịch, {count(grand[3])} đồng"
        items.append(sentence(text))
    top = top_with_ties(ranked_for(ctx, "TAX-NVTC-COUNT", units, count), 3)
    if top:
        top = [Ranked(next(u.name for u in units if short_name(u) == r.name), r.value, r.text) for r in top]
        items.append(
            sentence(
                f"+ Đơn vị có số giao dịch nghĩa vụ tài chính trực tuyến trong tháng nhiều nhất gồm: {list_with_values(top)}"
            )
        )
    missing = [u.name for u in units if all(data.get(c, u.code) is None for c in codes)]
    if missing:
        items.append(sentence("+ Chưa có số liệu: " + join_names(missing)))
    return {
        "key": "tax",
        "title": "Kết quả thanh toán thuế trực tuyến trên Cổng DVC Quốc gia",
        "blocks": [{"type": "table", **table}, ctx.narrative_block("tax", items)],
    }


def media_section(ctx: Context) -> dict | None:
    data = ctx.data
    ytd, cum = value_of(data.province("MEDIA-POSTS-YTD")), value_of(data.province("MEDIA-POSTS-CUM"))
    if ytd is None and cum is None:
        return None
    blocks = []
    if ytd is not None:
        blocks.append(
            paragraph(
                "Từ đầu năm đến nay, Trang Thông tin điện tử CĐS tỉnh (https://cds.binhphuoc.gov.vn) đã cập nhật, "
                f"đăng tải {count(ytd)} tin bài, văn bản, thông tin tuyên truyền, chỉ đạo - điều hành về CĐS."
            )
        )
    if cum is not None:
        blocks.append(
            paragraph(
                f"Lũy kế từ năm 2022 đến ngày {vn_date(ctx.data_date)}, Trang Thông tin điện tử CĐS tỉnh đã cập nhật, "
                f"đăng tải {count(cum)} thông tin tuyên truyền, chỉ đạo điều hành về CĐS."
            )
        )
    return {"key": "media", "title": "Tuyên truyền về CĐS", "blocks": blocks}


def kh57_section(ctx: Context) -> dict | None:
    data = ctx.data
    kh57 = [i for i in data.indicators.values() if i.group == "KH57"]
    rows_by_ind = {i.code: data.province(i.code) for i in kh57}
    if not any(r is not None for r in rows_by_ind.values()):
        return None
    year = year_of(ctx.period)
    rows, n = [], 0
    counts = Counter()
    failing, in_progress, no_data = [], [], []
    for pillar in Pillar:
        members = [i for i in kh57 if i.pillar == pillar.value]
        if not members:
            continue
        rows.append(
            {"key": f"pillar-{pillar.value}", "cells": [str(pillar.label)], "spans": [5], "heading": True}
        )
        for ind in members:
            n += 1
            row = rows_by_ind[ind.code]
            targets = [t for t in data.targets(ind.code)]
            target = (
                "; ".join(
                    sorted(
                        {
                            t_text
                            for t_text in Target.objects.filter(indicator=ind, year=year).values_list(
                                "source_text", flat=True
                            )
                            if t_text
                        }
                    )
                )
                or EMPTY
            )
            if row is not None and row.dv.tiers:
                result = ", ".join(
                    format_percent(row.dv.tiers.get(level))
                    for level in ("province", "district", "commune")
                    if row.dv.tiers.get(level) is not None
                )
            elif row is not None and row.value is not None:
                result = percent(row)
            else:
                result = EMPTY
            label = (
                status_label(row)
                if row is not None and (row.value is not None or row.dv.tiers)
                else str(Status.NO_DATA.label)
            )
            if not targets and label != str(Status.NO_DATA.label):
                label = str(Status.NO_TARGET.label)
            st = row.status.status if row is not None and row.status is not None else Status.NO_DATA
            counts[st] += 1
            if st == Status.NOT_MET:
                failing.append(ind.name)
            elif st == Status.IN_PROGRESS:
                in_progress.append(ind.name)
            elif st == Status.NO_DATA:
                no_data.append(ind.name)
            rows.append({"key": ind.code, "cells": [str(n), ind.name, target, result, label]})
    columns = ["STT", "Chỉ tiêu", f"Mục tiêu năm {year}", "Kết quả", "Đánh giá"]
    table = {
        "key": "kh57",
        "header": [[cell(c) for c in columns]],
        "columns": columns,
        "align": ["center", "left", "left", "center", "center"],
        "widths": [6, 46, 18, 14, 16],
        "rows": rows,
    }
    items = [
        sentence(
            f"+ Có {counts[Status.MET]}/{n} chỉ tiêu đạt, {counts[Status.NOT_MET]} chỉ tiêu không đạt, "
            f"{counts[Status.IN_PROGRESS]} chỉ tiêu đang thực hiện, {counts[Status.NO_DATA]} chỉ tiêu chưa có số liệu"
        )
    ]
    if failing:
        items.append(sentence("+ Chỉ tiêu không đạt: " + "; ".join(failing)))
    if in_progress:
        items.append(sentence("+ Chỉ tiêu đang thực hiện: " + "; ".join(in_progress)))
    return {
        "key": "kh57",
        "title": "Kết quả thực hiện các chỉ tiêu Kế hoạch 57/KH-UBND",
        "blocks": [
            paragraph(
                f"Kết quả thực hiện các chỉ tiêu chuyển đổi số năm {year} (tính đến ngày {vn_date(ctx.data_date)}):"
            ),
            {"type": "table", **table},
            ctx.narrative_block("kh57", items),
        ],
    }


def dti_group(total: Decimal, maximum: Decimal) -> str:
    """Tốt ≥ 80 % of the maximum, Khá ≥ 65 %, Trung bình ≥ 50 %, Yếu below (the DTI rules)."""
    if not maximum:
        return EMPTY
    ratio = total / maximum * 100
    if ratio >= 80:
        return "Tốt"
    if ratio >= 65:
        return "Khá"
    if ratio >= 50:
        return "Trung bình"
    return "Yếu"


def dti_section(ctx: Context) -> dict | None:
    year = year_of(ctx.period)
    scores = list(DTIScore.objects.filter(year=year).select_related("unit", "pillar"))
    if not scores:
        return None
    blocks, items = [], []
    for level, label in ((Level.AGENCY, "sở, ban, ngành"), (Level.DISTRICT, "huyện, thị xã, thành phố")):
        pillars = list(DTIPillar.objects.filter(level=level).order_by("order"))
        level_scores = [s for s in scores if s.pillar.level == level]
        if not pillars or not level_scores:
            continue
        by_unit: dict[str, dict] = {}
        for s in level_scores:
            by_unit.setdefault(s.unit.code, {"unit": s.unit, "scores": {}})["scores"][s.pillar.code] = s.score
        maximum = sum((p.max_points for p in pillars), Decimal(0))
        ranked = sorted(
            by_unit.values(), key=lambda e: (-sum(e["scores"].values(), Decimal(0)), e["unit"].order)
        )
        columns = ["Hạng", "Đơn vị"] + [p.name for p in pillars] + ["Tổng điểm", "Xếp loại"]
        rows = [
            {
                "key": "max",
                "cells": ["", "Điểm tối đa"]
                + [format_number(p.max_points) for p in pillars]
                + [format_number(maximum), ""],
                "total": True,
            }
        ]
        rank, previous_total = 0, None
        for i, e in enumerate(ranked, start=1):
            total = sum(e["scores"].values(), Decimal(0))
            if total != previous_total:
                rank, previous_total = i, total  # equal totals share a rank
            e["total"], e["rank"] = total, rank
            rows.append(
                {
                    "key": e["unit"].code,
                    "cells": [str(rank), short_name(e["unit"])]
                    + [format_number(e["scores"].get(p.code)) for p in pillars]
                    + [format_number(total), dti_group(total, maximum)],
                }
            )
        blocks.append(paragraph(f"- Xếp hạng mức độ chuyển đổi số (DTI) năm {year} của các {label}:"))
        blocks.append(
            {
                "type": "table",
                "key": f"dti-{level}",
                "header": [[cell(c) for c in columns]],
                "columns": columns,
                "align": ["center", "left"] + ["right"] * (len(pillars) + 1) + ["center"],
                "widths": [6, 20] + [max(4, 60 // len(pillars))] * len(pillars) + [8, 10],
                "rows": rows,
                "small": True,
            }
        )
        top = top_with_ties(
            [Ranked(short_name(e["unit"]), e["total"], format_number(e["total"])) for e in ranked], 3
        )
        groups = Counter(dti_group(e["total"], maximum) for e in ranked)
        items.append(
            sentence(
                f"+ Các {label} dẫn đầu: {list_with_values(top)}; "
                + ", ".join(
                    f"{groups[g]} đơn vị xếp loại {g}"
                    for g in ("Tốt", "Khá", "Trung bình", "Yếu")
                    if groups[g]
                )
            )
        )
    if not blocks:
        return None
    blocks.append(ctx.narrative_block("dti", items))
    return {"key": "dti", "title": "Chỉ số đánh giá mức độ chuyển đổi số (DTI)", "blocks": blocks}


def software_section(ctx: Context) -> dict | None:
    blocks = app_block(ctx) + hotline_block(ctx) + software_block(ctx)
    if not blocks:
        return None
    return {"key": "software", "title": "Kết quả sử dụng phần mềm, ứng dụng", "blocks": blocks}


SECTION_BUILDERS = (
    dvc_section,
    software_section,
    cnscd_section,
    ecert_section,
    tax_section,
    media_section,
    kh57_section,
    dti_section,
)


def build_data_sections(ctx: Context) -> list[dict]:
    ctx.data = ctx.data or PeriodData(ctx.period)
    sections = []
    for builder in SECTION_BUILDERS:
        section = builder(ctx)
        if section is not None:
            section["number"] = len(sections) + 1
            sections.append(section)
    mismatches = [a for a in ctx.data.aggregates.values() if a.mismatch]
    for agg in mismatches:
        ctx.warnings.append(f"{agg.indicator.name}: {agg.message}")
    return sections
