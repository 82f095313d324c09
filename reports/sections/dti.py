"""8. Chỉ số đánh giá mức độ chuyển đổi số (DTI): the year's DTI scores of agencies and districts, ranked,
with their groups."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from core.numbers import EMPTY, format_number
from core.periods import year_of
from indicators.models import DTIPillar, DTIScore
from units.models import Level

from ..narrative import Ranked, list_with_values, sentence, top_with_ties
from .base import Context, Section, cell, paragraph, short_name, table

KEY = "dti"
TITLE = "Chỉ số đánh giá mức độ chuyển đổi số (DTI)"
LEVELS = ((Level.AGENCY, "sở, ban, ngành"), (Level.DISTRICT, "huyện, thị xã, thành phố"))


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


def _level_table(level, label, pillars, level_scores, year):
    by_unit: dict[str, dict] = {}
    for s in level_scores:
        by_unit.setdefault(s.unit.code, {"unit": s.unit, "scores": {}})["scores"][s.pillar.code] = s.score
    maximum = sum((p.max_points for p in pillars), Decimal(0))
    ranked = sorted(by_unit.values(), key=lambda e: (-sum(e["scores"].values(), Decimal(0)), e["unit"].order))
    columns = ["Hạng", "Đơn vị"] + [p.name for p in pillars] + ["Tổng điểm", "Xếp loại"]
    rows = [
        {
            "key": "max",
            "cells": ["", "Điểm tối đa"] + [format_number(p.max_points) for p in pillars] + [format_number(maximum), ""],
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
    block = table(
        f"dti-{level}",
        [[cell(c) for c in columns]],
        columns,
        ["center", "left"] + ["right"] * (len(pillars) + 1) + ["center"],
        [6, 20] + [max(4, 60 // len(pillars))] * len(pillars) + [8, 10],
        rows,
        small=True,
    )
    top = top_with_ties([Ranked(short_name(e["unit"]), e["total"], format_number(e["total"])) for e in ranked], 3)
    groups = Counter(dti_group(e["total"], maximum) for e in ranked)
    item = sentence(
        f"+ Các {label} dẫn đầu: {list_with_values(top)}; "
        + ", ".join(f"{groups[g]} đơn vị xếp loại {g}" for g in ("Tốt", "Khá", "Trung bình", "Yếu") if groups[g])
    )
    return [paragraph(f"- Xếp hạng mức độ chuyển đổi số (DTI) năm {year} của các {label}:"), block], item


def build(ctx: Context) -> dict | None:
    year = year_of(ctx.period)
    scores = list(DTIScore.objects.filter(year=year).select_related("unit", "pillar"))
    if not scores:
        return None
    blocks, items = [], []
    for level, label in LEVELS:
        pillars = list(DTIPillar.objects.filter(level=level).order_by("order"))
        level_scores = [s for s in scores if s.pillar.level == level]
        if not pillars or not level_scores:
            continue
        level_blocks, item = _level_table(level, label, pillars, level_scores, year)
        blocks += level_blocks
        items.append(item)
    if not blocks:
        return None
    blocks.append(ctx.narrative_block(KEY, items))
    return {"key": KEY, "title": TITLE, "blocks": blocks}


SECTION = Section(KEY, TITLE, build)
