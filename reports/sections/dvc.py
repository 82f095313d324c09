"""1. Dịch vụ công trực tuyến: the two online public service rates of every agency and district, compared
with the previous report and with the national targets."""

from __future__ import annotations

from core.numbers import EMPTY, format_period
from indicators import coverage
from indicators.choices import Status
from indicators.models import DataValue, ProvinceAggregate
from indicators.status import evaluate
from units.models import Level

from ..narrative import join_names, sentence, vn_date
from .base import (
    Context,
    Section,
    cell,
    change_cell,
    lower_first,
    paragraph,
    percent,
    previous_label,
    status_label,
    table,
    target_text,
    with_coverage,
)

KEY = "dvc"
TITLE = "Dịch vụ công trực tuyến"
CODES = ("DVC-SVC-RATE", "DVC-FILE-RATE")


def build(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(CODES):
        return None
    units = ctx.ordered_units(KEY, data.units(CODES))
    date = vn_date(ctx.data_date)
    prev = data.previous_period(CODES)
    rules = {ind: data.level_target(ind) for ind in CODES}
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
        for ind in CODES
    }
    header = [
        [cell("STT", rowspan=2), cell("Đơn vị", rowspan=2), cell(groups[0], colspan=3), cell(groups[1], colspan=3)],
        [cell(t) for ind in CODES for t in subs[ind]],
    ]
    columns = ["STT", "Đơn vị"] + [f"{g} – {s}" for g, ind in zip(groups, CODES, strict=True) for s in subs[ind]]
    rows = []
    for n, unit in enumerate(units, start=1):
        cells = [str(n), unit.name]
        for ind in CODES:
            row = data.get(ind, unit.code)
            cells += [percent(row) if row else EMPTY, change_cell(row), status_label(row)]
        rows.append({"key": unit.code, "cells": cells})
    total_cells = ["TỔNG"]
    for ind in CODES:
        total = data.total(ind)
        judged = evaluate(total, rules[ind], period=ctx.period) if total is not None else None
        total_cells += [
            percent(total) if total is not None else EMPTY,
            "",
            str(Status(judged.status).label) if judged is not None else EMPTY,
        ]
    rows.append({"key": "total", "cells": total_cells, "spans": [2, 1, 1, 1, 1, 1, 1], "total": True})
    lead = (
        "- Tỷ lệ DVC trực tuyến phát sinh hồ sơ trực tuyến và tỷ lệ hồ sơ xử lý trực tuyến của các sở, ban, "
        f"ngành, huyện, thị xã, thành phố (tính đến ngày {date}), cụ thể như sau:"
    )
    return {
        "key": KEY,
        "title": TITLE,
        "blocks": with_coverage([
            paragraph(lead),
            table(
                KEY,
                header,
                columns,
                ["center", "left"] + ["center"] * 6,
                [5, 22, 11, 12, 12, 11, 12, 12],
                rows,
            ),
            ctx.narrative_block(KEY, narrative(ctx, units, rules, prev)),
        ], ctx, CODES, after=KEY),
    }


def _earliest_figure(ind: str, period: str, source: str):
    """The earliest earlier figure of the province from the same source as this month's: a printed
    total is compared with a printed total, a roll-up with a roll-up (never one with the other)."""
    if source == "printed":
        dv = (
            DataValue.objects.published()
            .filter(indicator__code=ind, unit__level=Level.PROVINCE, period__lt=period, value__isnull=False)
            .order_by("period")
            .first()
        )
        return (dv.period, dv.value) if dv is not None else None
    agg = (
        ProvinceAggregate.objects.filter(indicator__code=ind, period__lt=period, computed__isnull=False)
        .order_by("period")
        .first()
    )
    return (agg.period, agg.computed) if agg is not None else None


def province_sentence(ctx: Context, ind: str, what: str) -> str | None:
    """"+ … toàn tỉnh tăng từ A (tháng …) lên B (đến ngày …)": B is the figure the TỔNG row prints."""
    figure = ctx.data.figure(ind)
    if figure is None:
        return None
    date = vn_date(ctx.data_date)
    start = _earliest_figure(ind, ctx.period, figure.source)
    if figure.coverage is not None and figure.coverage.partial:
        return _partial_sentence(ctx, ind, what, figure, start, date)
    if start is not None and start[1] != figure.value:
        rise = figure.value > start[1]
        return (
            f"+ {what} toàn tỉnh {'tăng' if rise else 'giảm'} từ {percent(start[1])} "
            f"(tháng {format_period(start[0])}) {'lên' if rise else 'xuống'} {percent(figure.value)} "
            f"(đến ngày {date})"
        )
    return f"+ {what} toàn tỉnh đạt {percent(figure.value)} (đến ngày {date})"


def _partial_sentence(ctx: Context, ind: str, what: str, figure, start, date: str) -> str:
    """A roll-up of part of the units that must report: said so, and compared with the earlier month
    only over the units that reported in both (indicators/coverage.py), never with all of them."""
    text = f"+ {what} toàn tỉnh đạt {percent(figure.value)} ({figure.coverage.text}, đến ngày {date})"
    if start is None:
        return text
    indicator = ctx.data.indicators[ind]
    common = coverage.common_units_changes({indicator.id: start[0]}, ctx.period, {indicator.id: indicator.aggregation})
    now, before, units = common.get(indicator.id, {}).get((ctx.period, start[0]), (None, None, 0))
    if now is None or before is None or now == before:
        return text
    if units == figure.coverage.covered:  # this month's units all reported then: its figure is theirs
        rise = figure.value > before
        return (
            f"+ {what} toàn tỉnh {'tăng' if rise else 'giảm'} từ {percent(before)} (tháng {format_period(start[0])}) "
            f"{'lên' if rise else 'xuống'} {percent(figure.value)} ({figure.coverage.text}, đến ngày {date})"
        )
    rise = now > before
    return (
        f"{text}; so với tháng {format_period(start[0])}, cùng {units} đơn vị: {'tăng' if rise else 'giảm'} từ "
        f"{percent(before)} {'lên' if rise else 'xuống'} {percent(now)}"
    )


def narrative(ctx: Context, units, rules, prev) -> list[str]:
    data = ctx.data
    items = []
    for ind in CODES:
        what = data.indicators[ind].name
        rows = [(u, data.get(ind, u.code)) for u in units]
        with_data = [(u, r) for u, r in rows if r is not None and r.value is not None]
        full = [u for u, r in with_data if r.value >= 100]
        text = province_sentence(ctx, ind, what)
        if text is not None:
            if with_data:
                text += f"; {len(full)}/{len(with_data)} đơn vị đạt 100%"
            items.append(sentence(text))
        rule = rules[ind]
        if rule is not None and with_data:
            failing = [(u, r) for u, r in with_data if r.status is not None and r.status.status == Status.NOT_MET]
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
            (u, r) for u, r in with_data if r.status is not None and r.status.change is not None and r.status.change < 0
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
            items.append(sentence(f"+ Chưa có số liệu {lower_first(what)}: " + join_names([u.name for u in missing])))
    return items


SECTION = Section(KEY, TITLE, build, tables={KEY: "Bảng dịch vụ công trực tuyến"})
