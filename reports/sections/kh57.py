"""7. Kết quả thực hiện các chỉ tiêu Kế hoạch 57/KH-UBND: the province's results against the year's plan
targets, pillar by pillar."""

from __future__ import annotations

from collections import Counter

from core.numbers import EMPTY, format_percent
from core.periods import year_of
from indicators.choices import Pillar, Status

from ..narrative import sentence, vn_date
from .base import Context, Section, cell, paragraph, percent, status_label, table, target_text

KEY = "kh57"
TITLE = "Kết quả thực hiện các chỉ tiêu Kế hoạch 57/KH-UBND"
TIERS = ("province", "district", "commune")


def _target(data, ind) -> str:
    """The target as the plan words it ("đạt 70%"), else as the rule says it ("≥ 70%")."""
    texts = data.target_texts(ind.code)
    if texts:
        return "; ".join(texts)
    rules = data.targets(ind.code)
    return "; ".join(sorted({target_text(r, ind.measure) for r in rules})) or EMPTY


def _result(row) -> str:
    if row is not None and row.dv.tiers:
        return ", ".join(format_percent(row.dv.tiers.get(t)) for t in TIERS if row.dv.tiers.get(t) is not None)
    if row is not None and row.value is not None:
        return percent(row)
    return EMPTY


def build(ctx: Context) -> dict | None:
    data = ctx.data
    kh57 = [i for i in data.indicators.values() if i.group == "KH57"]
    rows_by_ind = {i.code: data.province(i.code) for i in kh57}
    if not any(r is not None for r in rows_by_ind.values()):
        return None
    year = year_of(ctx.period)
    rows, n = [], 0
    counts = Counter()
    failing, in_progress = [], []
    for pillar in Pillar:
        members = [i for i in kh57 if i.pillar == pillar.value]
        if not members:
            continue
        rows.append({"key": f"pillar-{pillar.value}", "cells": [str(pillar.label)], "spans": [5], "heading": True})
        for ind in members:
            n += 1
            row = rows_by_ind[ind.code]
            has_value = row is not None and (row.value is not None or row.dv.tiers)
            label = status_label(row) if has_value else str(Status.NO_DATA.label)
            if not data.targets(ind.code) and label != str(Status.NO_DATA.label):
                label = str(Status.NO_TARGET.label)
            st = row.status.status if row is not None and row.status is not None else Status.NO_DATA
            counts[st] += 1
            if st == Status.NOT_MET:
                failing.append(ind.name)
            elif st == Status.IN_PROGRESS:
                in_progress.append(ind.name)
            rows.append({"key": ind.code, "cells": [str(n), ind.name, _target(data, ind), _result(row), label]})
    columns = ["STT", "Chỉ tiêu", f"Mục tiêu năm {year}", "Kết quả", "Đánh giá"]
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
        "key": KEY,
        "title": TITLE,
        "blocks": [
            paragraph(f"Kết quả thực hiện các chỉ tiêu chuyển đổi số năm {year} (tính đến ngày {vn_date(ctx.data_date)}):"),
            table(KEY, [[cell(c) for c in columns]], columns, ["center", "left", "left", "center", "center"],
                  [6, 46, 18, 14, 16], rows),  # fmt: skip
            ctx.narrative_block(KEY, items),
        ],
    }


SECTION = Section(KEY, TITLE, build)
