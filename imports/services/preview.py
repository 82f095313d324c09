"""What the batch page shows of a preview and of an undo, in words and numbers a reader checks:

- `preview_rows(batch)`: per sheet, the cells in sheet order — each value that will be stored (new, or
  changed with its stored value before → after) with the indicator's and unit's names, and each error
  or warning at the cell it is about (errors carry the cell key the page's fix/exclude inputs use).
- `undo_plan(batch)`: what undoing a committed batch will put back: every value it created (deleted
  again) or changed (restored to its value before), with the value as it is now.

Reads only; numbers stay Decimals with the indicator's measure (the template formats them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from indicators.models import Indicator, ValueChange
from indicators.services.changes import batch_changes
from units.models import Unit

from ..models import ImportBatch

_CELL = re.compile(r"^([A-Z]+)([0-9]+)$")


def _cell_order(cell: str) -> tuple:
    """"B12" → (12, 2): rows first, then columns, so a sheet reads top to bottom."""
    m = _CELL.match(cell or "")
    if not m:
        return (10**9, 0, cell or "")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (int(m.group(2)), col, "")


def _decimal(text) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


@dataclass
class PreviewRow:
    cell: str
    key: str  # "Sheet!B12", the name of the page's fix/exclude inputs
    kind: str  # "new", "changed", "error"
    indicator: Indicator | None = None
    unit_name: str = ""
    period: str = ""
    before: Decimal | None = None
    after: Decimal | None = None
    raw: str = ""
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def measure(self) -> str:
        return self.indicator.measure if self.indicator else ""


@dataclass
class PreviewSheet:
    sheet: str
    rows: list[PreviewRow]
    problems: list[dict]  # errors and warnings of the sheet not tied to a cell


def preview_rows(batch: ImportBatch) -> list[PreviewSheet]:
    diff = batch.diff or []
    indicators = Indicator.objects.in_bulk({d["indicator"] for d in diff}, field_name="code")
    units = dict(Unit.objects.filter(code__in={d["unit"] for d in diff}).values_list("code", "name"))
    rows: dict[str, PreviewRow] = {}
    for d in diff:
        key = f"{d['sheet']}!{d['cell']}"
        rows[key] = PreviewRow(
            cell=d["cell"],
            key=key,
            kind=d.get("kind") or ("new" if d.get("before") is None else "changed"),
            indicator=indicators.get(d["indicator"]),
            unit_name=units.get(d["unit"], d["unit"]),
            period=d["period"],
            before=_decimal(d.get("before")),
            after=_decimal(d.get("after")),
            raw=d.get("raw") or "",
        )
    loose: dict[str, list[dict]] = {}
    for severity, problems in (("errors", batch.errors or []), ("warnings", batch.warnings or [])):
        for p in problems:
            sheet, cell = p.get("sheet") or "", p.get("cell") or ""
            if not cell:
                loose.setdefault(sheet, []).append({**p, "severity": severity})
                continue
            key = f"{sheet}!{cell}"
            row = rows.get(key)
            if row is None:
                row = rows[key] = PreviewRow(cell=cell, key=key, kind="error", raw=str(p.get("value") or ""))
            getattr(row, severity).append(p)
    sheets: dict[str, list[PreviewRow]] = {}
    for row in rows.values():
        sheets.setdefault(row.key.rsplit("!", 1)[0], []).append(row)
    order = [s["sheet"] for s in batch.sheets or []]
    names = sorted(set(sheets) | set(loose), key=lambda s: (order.index(s) if s in order else len(order), s))
    return [
        PreviewSheet(name, sorted(sheets.get(name, []), key=lambda r: _cell_order(r.cell)), loose.get(name, []))
        for name in names
    ]


@dataclass
class UndoItem:
    indicator: Indicator
    unit_name: str
    period: str
    created: bool  # the batch created the value: undo deletes it
    before: Decimal | None  # what undo puts back
    after: Decimal | None  # what the batch wrote (the value now)


@dataclass
class UndoPlan:
    items: list[UndoItem]

    @property
    def deleted(self) -> int:
        return sum(1 for i in self.items if i.created)

    @property
    def restored(self) -> int:
        return len(self.items) - self.deleted


def undo_plan(batch: ImportBatch) -> UndoPlan:
    if batch.status != ImportBatch.Status.COMMITTED:
        return UndoPlan([])
    rows = list(
        batch_changes(batch.pk)
        .select_related("indicator", "unit")
        .order_by("period", "unit__order", "unit__code", "indicator__order", "indicator__code")
    )
    return UndoPlan(
        [
            UndoItem(
                indicator=r.indicator,
                unit_name=r.unit.name,
                period=r.period,
                created=r.action == ValueChange.Action.CREATED,
                before=r.value_before,
                after=r.value_after,
            )
            for r in rows
        ]
    )
