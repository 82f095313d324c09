"""3. Tổ Công nghệ số cộng đồng: the community digital technology teams of every district."""

from __future__ import annotations

from ..narrative import join_names, sentence, vn_date
from .base import (
    Context,
    Section,
    cell,
    count,
    figure_text,
    paragraph,
    percent,
    row_text,
    short_name,
    table,
    value_of,
    with_coverage,
)

KEY = "cnscd"
TITLE = "Tổ Công nghệ số cộng đồng"
CODES = (
    "CNS-COMMUNE-TEAMS",
    "CNS-COMMUNE-TEAM-RATE",
    "CNS-COMMUNE-MEMBERS",
    "CNS-HAMLET-TEAMS",
    "CNS-HAMLET-MEMBERS",
)
RATE = "CNS-COMMUNE-TEAM-RATE"


def build(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(CODES):
        return None
    units = ctx.ordered_units(KEY, data.units(CODES))
    columns = [
        "STT",
        "HUYỆN",
        "SỐ LƯỢNG TỔ CẤP XÃ",
        "ĐẠT TỈ LỆ TỔ CẤP XÃ",
        "SỐ LƯỢNG THÀNH VIÊN CẤP XÃ",
        "SỐ TỔ ẤP",
        "SỐ LƯỢNG THÀNH VIÊN ẤP",
    ]
    rows = [
        {"key": unit.code, "cells": [str(n), short_name(unit).upper()] + [row_text(data.get(c, unit.code)) for c in CODES]}
        for n, unit in enumerate(units, start=1)
    ]
    totals = [data.total(code) for code in CODES]
    rows.append(
        {
            "key": "total",
            "cells": ["", "Tổng"] + [figure_text(t, data.measure(c)) for t, c in zip(totals, CODES, strict=True)],
            "total": True,
        }
    )
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
    rated = [u for u in units if value_of(data.get(RATE, u.code)) is not None]
    below = [u for u in rated if data.get(RATE, u.code).value < 100]
    if rated and not below:
        items.append(f"+ {len(rated)}/{len(rated)} huyện, thị xã, thành phố đạt 100% xã có tổ CNSCĐ.")
    elif below:
        items.append(
            sentence(
                "+ Chưa đạt 100% xã có tổ CNSCĐ: "
                + join_names([f"{short_name(u)} ({percent(data.get(RATE, u.code))})" for u in below])
            )
        )
    return {
        "key": KEY,
        "title": TITLE,
        "blocks": with_coverage([
            paragraph(f"Số liệu cập nhật đến ngày {vn_date(ctx.data_date)}:"),
            table(KEY, [[cell(c) for c in columns]], columns, ["center", "left"] + ["right"] * 5,
                  [7, 23, 14, 14, 14, 14, 14], rows),  # fmt: skip
            ctx.narrative_block(KEY, items),
        ], ctx, CODES, after=KEY),
    }


SECTION = Section(KEY, TITLE, build, tables={KEY: "Bảng tổ công nghệ số cộng đồng"})
