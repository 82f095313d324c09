"""5. Kết quả thanh toán thuế trực tuyến trên Cổng DVC Quốc gia: tax and fee payments of the month and of
the year, by district, with their totals. Amounts are printed with " đ"."""

from __future__ import annotations

from core.numbers import format_period, format_vnd
from core.periods import year_of

from ..narrative import Ranked, join_names, list_with_values, sentence, top_with_ties
from .base import Context, Section, cell, count, figure_text, row_text, table, value_of, with_coverage

KEY = "tax"
TITLE = "Kết quả thanh toán thuế trực tuyến trên Cổng DVC Quốc gia"
MONTH = ("TAX-NVTC-COUNT", "TAX-NVTC-AMOUNT", "TAX-FEE-COUNT", "TAX-FEE-AMOUNT")
YEAR = tuple(f"{c}-YTD" for c in MONTH)
CODES = MONTH + YEAR


def _add(a, b):
    return None if a is None or b is None else a + b


def build(ctx: Context) -> dict | None:
    data = ctx.data
    if not data.has_any(CODES):
        return None
    units = ctx.ordered_units(KEY, data.units(CODES))
    year = year_of(ctx.period)
    month = f"Tháng {format_period(ctx.period)}"
    header = [
        [cell("TT", rowspan=3), cell("TÊN ĐƠN VỊ", rowspan=3), cell(month, colspan=4), cell(f"Năm {year}", colspan=4)],
        [cell("NVTC", colspan=2), cell("Phí, Lệ Phí", colspan=2), cell("NVTC", colspan=2), cell("Phí, Lệ Phí", colspan=2)],
        [cell("Số GD"), cell("Số tiền")] * 4,
    ]
    columns = ["TT", "TÊN ĐƠN VỊ"] + [
        f"{g} – {k} – {s}"
        for g in (month, f"Năm {year}")
        for k in ("NVTC", "Phí, Lệ Phí")
        for s in ("Số GD", "Số tiền")
    ]
    rows = [
        {"key": unit.code, "cells": [str(n), unit.name] + [row_text(data.get(c, unit.code)) for c in CODES]}
        for n, unit in enumerate(units, start=1)
    ]
    totals = [data.total(c) for c in CODES]
    rows.append(
        {
            "key": "total",
            "cells": ["#", "Tổng"] + [figure_text(t, data.measure(c)) for t, c in zip(totals, CODES, strict=True)],
            "total": True,
        }
    )
    # Counts of transactions and amounts of money, month and year: NVTC + fees.
    grand = [_add(totals[0], totals[2]), _add(totals[1], totals[3]), _add(totals[4], totals[6]), _add(totals[5], totals[7])]
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
            "cells": ["#", "Tổng Thuế và Phí, lệ phí", count(grand[0]), format_vnd(grand[1]), count(grand[2]),
                      format_vnd(grand[3])],  # fmt: skip
            "spans": [1, 1, 2, 2, 2, 2],
            "total": True,
        }
    )
    items = []
    if grand[0] is not None and grand[1] is not None:
        text = (
            f"+ Trong tháng {format_period(ctx.period)}, toàn tỉnh có {count(grand[0])} giao dịch thanh toán thuế, "
            f"phí, lệ phí trực tuyến với tổng số tiền {format_vnd(grand[1])}"
        )
        if grand[2] is not None and grand[3] is not None:
            text += f"; từ đầu năm {year}: {count(grand[2])} giao dịch, {format_vnd(grand[3])}"
        items.append(sentence(text))
    ranked = [
        Ranked(u.name, v, count(v)) for u in units if (v := value_of(data.get("TAX-NVTC-COUNT", u.code))) is not None
    ]
    top = top_with_ties(ranked, 3)
    if top:
        items.append(
            sentence(
                "+ Đơn vị có số giao dịch nghĩa vụ tài chính trực tuyến trong tháng nhiều nhất gồm: "
                f"{list_with_values(top)}"
            )
        )
    missing = [u.name for u in units if all(data.get(c, u.code) is None for c in CODES)]
    if missing:
        items.append(sentence("+ Chưa có số liệu: " + join_names(missing)))
    return {
        "key": KEY,
        "title": TITLE,
        "blocks": with_coverage([
            table(KEY, header, columns, ["center", "left"] + ["right"] * 8, [4, 16] + [8, 13, 8, 13] * 2, rows,
                  small=True),  # fmt: skip
            ctx.narrative_block(KEY, items),
        ], ctx, CODES, after=KEY),
    }


SECTION = Section(KEY, TITLE, build, tables={KEY: "Bảng thanh toán thuế, phí trực tuyến"})
