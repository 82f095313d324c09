"""4. Chứng thực điện tử: e-certification files by state, cumulative since the service opened."""

from __future__ import annotations

import re

from ..narrative import vn_date
from .base import Context, Section, cell, official_name, paragraph, row_text, table

KEY = "ecert"
TITLE = "Chứng thực điện tử"
CODES = (
    "ECERT-WAIT-SIGN",
    "ECERT-WAIT-SEAL",
    "ECERT-DONE",
    "ECERT-CANCELLED",
    "ECERT-REJECTED",
    "ECERT-TOTAL",
)


def build(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(CODES):
        return None
    units = {row.dv.unit.code: row.dv.unit for (ind, _), row in data.values.items() if ind in CODES}
    units = ctx.ordered_units(KEY, list(units.values()))
    subs = ["CHỜ KÝ", "CHỜ ĐÓNG DẤU", "HOÀN THÀNH", "HỦY", "TỪ CHỐI", "TỔNG SỐ"]
    rows = [
        {"key": unit.code, "cells": [str(n), official_name(unit)] + [row_text(data.get(c, unit.code)) for c in CODES]}
        for n, unit in enumerate(units, start=1)
    ]
    header = [
        [cell("STT", rowspan=2), cell("TÊN ĐƠN VỊ", rowspan=2), cell("SỐ LƯỢNG HỒ SƠ THEO TRẠNG THÁI", colspan=6)],
        [cell(s) for s in subs],
    ]
    since = re.search(r"từ (\d{2}/\d{2}/\d{4})", data.indicators["ECERT-WAIT-SIGN"].name)
    lead = (
        f"Số liệu thống kê từ ngày {since.group(1)} đến ngày {vn_date(ctx.data_date)}:"
        if since
        else f"Số liệu lũy kế đến ngày {vn_date(ctx.data_date)}:"
    )
    return {
        "key": KEY,
        "title": TITLE,
        "blocks": [
            paragraph(lead),
            table(KEY, header, ["STT", "TÊN ĐƠN VỊ"] + subs, ["center", "left"] + ["right"] * 6,
                  [6, 28, 11, 11, 11, 11, 11, 11], rows),  # fmt: skip
        ],
    }


SECTION = Section(KEY, TITLE, build, tables={KEY: "Bảng chứng thực điện tử"})
