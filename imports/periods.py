"""Read printed periods ('2023-08', '08/2023', 'Tháng 8/2023', a date cell) as 'YYYY-MM'."""

from __future__ import annotations

import datetime as _dt
import re

from units.matching import strip_marks

_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MY = re.compile(r"^(?:thang|t|ky|thg)?\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YM = re.compile(r"^(\d{4})\s*[/.]\s*(\d{1,2})$")


def read_period(raw) -> str | None:
    """'YYYY-MM' or None when the text is not a month."""
    if isinstance(raw, _dt.datetime | _dt.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    if raw is None:
        return None
    t = strip_marks(str(raw)).strip().lower()
    t = re.sub(r"\s+", " ", t)
    for rx, order in ((_ISO, "ym"), (_YM, "ym"), (_MY, "my")):
        m = rx.match(t)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            year, month = (a, b) if order == "ym" else (b, a)
            if 1 <= month <= 12 and 1900 < year < 2200:
                return f"{year:04d}-{month:02d}"
            return None
    return None


def valid_period(text: str) -> bool:
    return bool(text) and re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text) is not None
