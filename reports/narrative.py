"""Pure wording rules of the report: dates, unit lists, "top 3" with ties. No ORM access."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


def vn_date(day: datetime.date | None) -> str:
    """30/9/2023, 4/10/2023: as the reports print dates in sentences."""
    if day is None:
        return "…"
    return f"{day.day}/{day.month}/{day.year}"


@dataclass(frozen=True)
class Ranked:
    name: str
    value: Decimal
    text: str  # the value as printed, e.g. "1.381" or "100%"


def top_with_ties(items: Iterable[Ranked], n: int = 3) -> list[Ranked]:
    """The n highest items, plus every item tied with the n-th: a "top 3" never leaves out a unit whose
    figure is as high as one it names. Items without a value are not ranked. Stable on ties (the
    table's order)."""
    ranked = sorted((i for i in items if i.value is not None), key=lambda i: -i.value)
    if len(ranked) <= n:
        return ranked
    threshold = ranked[n - 1].value
    return [i for i in ranked if i.value >= threshold]


def bottom(items: Iterable[Ranked], n: int = 3) -> list[Ranked]:
    ranked = sorted((i for i in items if i.value is not None), key=lambda i: i.value)
    if len(ranked) <= n:
        return ranked
    threshold = ranked[n - 1].value
    return [i for i in ranked if i.value <= threshold]


def join_names(names: Sequence[str]) -> str:
    return ", ".join(names)


def list_with_values(items: Sequence[Ranked]) -> str:
    """ "Đồng Xoài (3.403), Chơn Thành (1.861), Lộc Ninh (1.791)"."""
    return join_names([f"{i.name} ({i.text})" for i in items])


def describe_top(items: Sequence[Ranked]) -> str:
    """A top group where every unit has the same figure is said once: "(đạt 100%) gồm: A, B, C";
    otherwise each unit with its figure."""
    if len(items) > 1 and len({i.value for i in items}) == 1:
        return f"(đạt {items[0].text}) gồm: {join_names([i.name for i in items])}"
    return f"gồm: {list_with_values(items)}"


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", ":", "!", "?")) else text + "."


def pick(rows: Iterable, value: Callable, name: Callable, text: Callable) -> list[Ranked]:
    out = []
    for row in rows:
        v = value(row)
        if v is not None:
            out.append(Ranked(name(row), v, text(row)))
    return out
