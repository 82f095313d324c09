"""2. Kết quả sử dụng phần mềm, ứng dụng: users of the “Bình Phước Today” app, the 1022 hotline, and the
use of the shared software (eCabinet, e-signatures, document management, official e-mail)."""

from __future__ import annotations

from core.numbers import format_period
from core.periods import year_of
from indicators.choices import Status
from units.models import Level

from ..narrative import (
    Ranked,
    bottom,
    describe_top,
    join_names,
    list_with_values,
    sentence,
    top_with_ties,
    vn_date,
)
from .base import (
    Context,
    Section,
    cell,
    count,
    increment_of,
    lower_first,
    official_name,
    paragraph,
    percent,
    previous_label,
    row_text,
    short_name,
    small_count,
    table,
    target_text,
    value_of,
    with_coverage,
)

KEY = "software"
TITLE = "Kết quả sử dụng phần mềm, ứng dụng"
APP = "APP-BPTODAY-USERS"
HOTLINE = ("HOT-RECEIVED", "HOT-DONE", "HOT-OPEN", "HOT-SPAM", "HOT-LATE-STAFF", "HOT-LATE-LEAD")
SOFTWARE = ("SW-ECABINET-YTD", "SW-ESIGN-RATE", "SW-QLVB-RATE", "SW-EMAIL-RATE")


def build(ctx: Context) -> dict | None:
    blocks = app_block(ctx) + hotline_block(ctx) + software_block(ctx)
    if not blocks:
        return None
    return {"key": KEY, "title": TITLE, "blocks": blocks}


def ranked_for(ctx: Context, code: str, units, fmt) -> list[Ranked]:
    out = []
    for u in units:
        v = value_of(ctx.data.get(code, u.code))
        if v is not None:
            out.append(Ranked(short_name(u), v, fmt(v)))
    return out


# ------------------------------------------------------------------------------------ Bình Phước Today
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
        rows.append({"key": unit.code, "cells": [str(n), short_name(unit), row_text(row), count(inc)]})
    bp_inc = increment_of(data.province(APP))
    if bp_inc is None and increments and all(i is not None for i in increments) and not data.withheld(APP):
        bp_inc = sum(increments)
    rows.append({"key": "total", "cells": ["", "Tổng", count(total), count(bp_inc)], "total": True})
    header_inc = f"So với báo cáo chuyên đề {previous_label(prev)} (số người dùng tăng thêm)"
    columns = ["STT", "Đơn vị", "Số người dùng", header_inc]
    app_table = table("app", [[cell(c) for c in columns]], columns, ["center", "left", "right", "right"],
                      [8, 40, 20, 32], rows)  # fmt: skip
    districts = [u for u in units if u.level == Level.DISTRICT]
    top = top_with_ties(ranked_for(ctx, APP, districts, count), 3)
    if data.withheld(APP):
        first = (
            f"- Ứng dụng “Bình Phước Today”: Tính đến ngày {date}, chưa đủ số liệu để tính số người sử dụng "
            f"toàn tỉnh ({data.coverage(APP).text})."
        )
    else:
        first = f"- Ứng dụng “Bình Phước Today”: Tính đến ngày {date}, số người sử dụng ứng dụng toàn tỉnh là {count(total)}."
    if top:
        first += f" Trong đó, {small_count(len(top))} đơn vị có số người dùng nhiều nhất gồm: {list_with_values(top)}."
    items = [first]
    inc_ranked = [
        Ranked(short_name(u), increment_of(data.get(APP, u.code)), count(increment_of(data.get(APP, u.code))))
        for u in districts
    ]
    top_inc = top_with_ties([r for r in inc_ranked if r.value is not None and r.value > 0], 1)
    if top_inc:
        items.append(
            sentence(
                f"Số người dùng tăng thêm nhiều nhất so với báo cáo chuyên đề {previous_label(prev)}: "
                f"{list_with_values(top_inc)}"
            )
        )
    missing = [short_name(u) for u in units if value_of(data.get(APP, u.code)) is None]
    if missing:
        items.append(sentence("Chưa có số liệu: " + join_names(missing)))
    blocks = [ctx.narrative_block("app", items, intro=None), paragraph("Cụ thể như sau:"), app_table]
    return with_coverage(blocks, ctx, (APP,), after="app")


# ---------------------------------------------------------------------------------------- hotline 1022
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
        f"{count(received)} tin"
    )
    text += (", trong đó: " + "; ".join(parts) + ".") if parts else "."
    st = rows["HOT-RECEIVED"].status
    if st is not None and st.previous_period and year_of(st.previous_period) == year and st.change is not None:
        extra = (
            f" Riêng từ báo cáo chuyên đề tháng {format_period(st.previous_period)} đến nay, tiếp nhận thêm "
            f"{count(st.change)} tin"
        )
        done = rows["HOT-DONE"]
        if done is not None and done.status is not None and done.status.previous_period == st.previous_period:
            extra += f", đã xử lý thêm {count(done.status.change)} tin"
        text += extra + "."
    return [paragraph(text)]


# ------------------------------------------------------------------------------------- shared software
def software_block(ctx: Context) -> list[dict]:
    data = ctx.data
    if not data.has_any(SOFTWARE):
        return []
    units = ctx.ordered_units(KEY, data.units(SOFTWARE))
    columns = [
        "STT",
        "Đơn vị",
        "Họp không giấy qua phần mềm Ecabinet (từ đầu năm đến nay)",
        "Tỷ lệ văn bản điện tử được ký số của cơ quan, đơn vị",
        "Tỷ lệ văn bản được thực hiện trực tuyến qua Hệ thống QLVB&HSCV (từ đầu năm đến nay)",
        "Tỷ lệ CB, CC, VC sử dụng thư điện tử công vụ (từ đầu năm đến nay)",
    ]
    rows = [
        {
            "key": unit.code,
            "cells": [str(n), official_name(unit)] + [row_text(data.get(code, unit.code)) for code in SOFTWARE],
        }
        for n, unit in enumerate(units, start=1)
    ]
    lead = (
        f"- Các phần mềm, ứng dụng khác (số liệu thống kê từ ngày 01/01/{year_of(ctx.period)} "
        f"đến ngày {vn_date(ctx.data_date)}):"
    )
    return [
        paragraph(lead),
        table(KEY, [[cell(c) for c in columns]], columns, ["center", "left", "right", "right", "right", "right"],
              [6, 26, 17, 17, 17, 17], rows),  # fmt: skip
        ctx.narrative_block(KEY, software_narrative(ctx, units)),
    ]


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
        items.append(sentence(f"+ Đơn vị có tỷ lệ văn bản điện tử được ký số thấp nhất gồm: {list_with_values(low)}"))
    for code in ("SW-ESIGN-RATE", "SW-QLVB-RATE", "SW-EMAIL-RATE"):
        failing = [
            u
            for u in units
            if (r := data.get(code, u.code)) is not None and r.status is not None and r.status.status == Status.NOT_MET
        ]
        if failing:
            rule = data.level_target(code)
            name = lower_first(data.indicators[code].name)
            items.append(
                sentence(
                    f"+ {small_count(len(failing))} đơn vị chưa đạt chỉ tiêu {name} ({target_text(rule)}): "
                    + join_names([f"{short_name(u)} ({percent(data.get(code, u.code))})" for u in failing])
                )
            )
    missing = [short_name(u) for u in units if all(data.get(c, u.code) is None for c in SOFTWARE)]
    if missing:
        items.append(sentence("+ Chưa có số liệu: " + join_names(missing)))
    return items


SECTION = Section(
    KEY,
    TITLE,
    build,
    narratives={"app": "Ứng dụng “Bình Phước Today”", KEY: "Các phần mềm, ứng dụng khác"},
    tables={"app": "Bảng người dùng Bình Phước Today", KEY: "Bảng phần mềm, ứng dụng"},
)
