"""The stored values as rows for export_values and file downloads. The keys are a contract that
other systems and checks rely on: add keys, never rename or drop one."""

from __future__ import annotations

import csv
import io

import orjson

from .engine import empty_status_fields, status_fields
from .models import DataValue

BASE_KEYS = ["indicator", "unit", "period", "value", "numerator", "denominator", "raw", "source", "note"]


def _num(d):
    """Decimal → int when whole, else float: JSON numbers, never strings."""
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def export_rows(queryset=None) -> list[dict]:
    qs = DataValue.objects.all() if queryset is None else queryset
    rows = qs.order_by(
        "indicator__order", "indicator__code", "unit__order", "unit__code", "period"
    ).values_list(
        "id",
        "indicator__code",
        "unit__code",
        "period",
        "value",
        "numerator",
        "denominator",
        "raw",
        "source",
        "note",
        "tiers",
    )
    out, ids = [], []
    for _id, ind, unit, period, value, num, den, raw, source, note, tiers in rows:
        row = {
            "indicator": ind,
            "unit": unit,
            "period": period,
            "value": _num(value),
            "numerator": _num(num),
            "denominator": _num(den),
            "raw": raw,
            "source": source,
            "note": note,
        }
        if tiers:
            row["tiers"] = tiers
        out.append(row)
        ids.append(_id)
    add_status_fields(out, ids)
    return out


def add_status_fields(rows: list[dict], ids: list[int]) -> None:
    """The status engine's columns (target, status, previous_period, previous_value, change,
    change_text, …) for each row; see indicators.engine.status_fields."""
    computed = status_fields(ids)
    for row, pk in zip(rows, ids, strict=True):
        row.update(computed.get(pk) or empty_status_fields())


def to_json(rows: list[dict]) -> bytes:
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2)


def _columns(rows: list[dict]) -> list[str]:
    keys = list(BASE_KEYS)
    for row in rows:
        for k in row:
            if k not in keys:
                keys.append(k)
    return keys


def to_csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    keys = _columns(rows)
    writer = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: (orjson.dumps(v).decode() if isinstance(v, dict | list) else v) for k, v in row.items()}
        )
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("so-lieu")
    keys = _columns(rows)
    ws.append(keys)
    for row in rows:
        ws.append(
            [
                orjson.dumps(row.get(k)).decode() if isinstance(row.get(k), dict | list) else row.get(k)
                for k in keys
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
