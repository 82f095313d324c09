"""Renderers of the indicators API: orjson for JSON, and the export writers for CSV and XLSX.

The value list is hot (10,000 rows a page): it is built from `.values_list()` rows with numbers cast
to floats in SQL, so orjson serializes it without a per-field Python serializer. `default` only runs
for what orjson cannot encode natively (a Decimal or a lazy translation string elsewhere in the API).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer

from .. import exports


def _default(obj):
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, Promise):
        return str(obj)
    raise TypeError(f"Type is not JSON serializable: {type(obj).__name__}")


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # orjson writes UTF-8 bytes

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_default)


def file_rows(data) -> list[dict]:
    """The rows of a list response as a file shows them: whole numbers without ".0", times as text."""
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    if isinstance(rows, dict):
        rows = [rows]
    out = []
    for row in rows:
        clean = {}
        for key, value in row.items():
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, datetime.datetime | datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = _default(value)
            clean[key] = value
        out.append(clean)
    return out


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return exports.to_csv(file_rows(data))


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return exports.to_xlsx(file_rows(data))
