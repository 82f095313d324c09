"""Reporting periods and quarters: the only place that knows a period is a year and a month.

A period is a month written ``YYYY-MM`` everywhere: in the database (``DataValue.period`` is a
CharField(7)), in URLs, in exports and on the command line. Keeping it a string means lexical order is
chronological order, so SQL can compare and sort periods on SQLite and PostgreSQL alike without date
arithmetic. A quarter is written ``YYYY-Qn`` (``2023-Q3``).

Accepted years are ``MIN_YEAR``–``MAX_YEAR`` (2000–2100): ``0000-01`` or ``9999-12`` would make the
nightly recompute fail on date arithmetic and become every dashboard's default month, so every channel
(forms, API, import, report pages, commands) refuses them through `parse_period` / `is_period` with
the one message `PERIOD_MESSAGE`.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.utils.translation import gettext as _

from .text import strip_marks

MIN_YEAR = 2000
MAX_YEAR = 2100

# The database check constraints and URL converters use these (the same years as `is_period`).
PERIOD_REGEX = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
PERIOD_URL_REGEX = r"(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])"
QUARTER_REGEX = r"^(20[0-9]{2}|2100)-Q[1-4]$"
QUARTER_URL_REGEX = r"(?:20[0-9]{2}|2100)-Q[1-4]"
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")

PERIOD_MESSAGE = 'Kỳ báo cáo "%(text)s" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'
QUARTER_MESSAGE = 'Quý "%(text)s" không hợp lệ (định dạng YYYY-Qn, năm 2000–2100, ví dụ 2023-Q3)'
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """A period or quarter that is not a real month/quarter of an accepted year (Vietnamese message)."""


def period_message(text) -> str:
    return _(PERIOD_MESSAGE) % {"text": text}


def is_period(text) -> bool:
    """True for a ``YYYY-MM`` string of a real month in an accepted year (no stripping)."""
    if not isinstance(text, str):
        return False
    match = _PERIOD_RE.match(text)
    return bool(match) and MIN_YEAR <= int(match.group(1)) <= MAX_YEAR and 1 <= int(match.group(2)) <= 12


def parse_period(text) -> str:
    """Validate ``text`` as a ``YYYY-MM`` period and return it normalised (stripped).

    ``2023-13``, ``08/2023``, ``2023-8``, ``0000-01`` and ``9999-12`` are refused with the message users
    see (`PeriodError`, a ValueError).
    """
    candidate = str(text).strip() if text is not None else ""
    if "\x00" in candidate or not is_period(candidate):
        raise PeriodError(period_message(text))
    return candidate


def year_of(period: str) -> int:
    return int(period[:4])


def month_of(period: str) -> int:
    return int(period[5:7])


def make_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_index(period: str) -> int:
    """Months since year 0; differences of two indexes count months between periods."""
    return year_of(period) * 12 + month_of(period) - 1


def from_month_index(index: int) -> str:
    return make_period(index // 12, index % 12 + 1)


def add_months(period: str, months: int) -> str:
    return from_month_index(month_index(period) + months)


def previous_month(period: str) -> str:
    return add_months(period, -1)


def next_month(period: str) -> str:
    return add_months(period, 1)


def year_start(period: str) -> str:
    """The January of the period's year: where a year-to-date series starts again."""
    return make_period(year_of(period), 1)


def same_year(a: str, b: str) -> bool:
    return a[:4] == b[:4]


def is_january(period: str) -> bool:
    return period.endswith("-01")


def months_between(earlier: str, later: str) -> int:
    """``months_between("2023-07", "2023-08") == 1``."""
    return month_index(later) - month_index(earlier)


def period_range(start: str, end: str) -> list[str]:
    """Every period from ``start`` to ``end``, both included; empty when ``end`` is before ``start``."""
    first, last = month_index(parse_period(start)), month_index(parse_period(end))
    return [from_month_index(i) for i in range(first, last + 1)]


def first_day(period: str) -> datetime.date:
    return datetime.date(year_of(period), month_of(period), 1)


def last_day(period: str) -> datetime.date:
    year, month = year_of(period), month_of(period)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: datetime.date) -> str:
    return make_period(day.year, day.month)


def period_label(period: str) -> str:
    """The way reports name a month: ``"2023-08"`` → ``"tháng 8/2023"`` (no leading zero)."""
    return _("tháng %(month)s/%(year)s") % {"month": month_of(period), "year": year_of(period)}


# ------------------------------------------------------------------------------------------ quarters
def quarter_number(period: str) -> int:
    return (month_of(period) - 1) // 3 + 1


def quarter_of(period: str) -> str:
    """``"2023-08"`` → ``"2023-Q3"``."""
    return f"{year_of(period):04d}-Q{quarter_number(period)}"


def is_quarter(text) -> bool:
    if not isinstance(text, str):
        return False
    match = _QUARTER_RE.match(text)
    return bool(match) and MIN_YEAR <= int(match.group(1)) <= MAX_YEAR


def parse_quarter(text) -> str:
    candidate = str(text).strip().upper() if text is not None else ""
    if "\x00" in candidate or not is_quarter(candidate):
        raise PeriodError(_(QUARTER_MESSAGE) % {"text": text})
    return candidate


def quarter_months(quarter: str) -> list[str]:
    """``"2023-Q3"`` → ``["2023-07", "2023-08", "2023-09"]``."""
    year, q = int(quarter[:4]), int(quarter[-1])
    return [make_period(year, 3 * (q - 1) + m) for m in (1, 2, 3)]


def quarter_last_month(quarter: str) -> str:
    return quarter_months(quarter)[-1]


def previous_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1:04d}-Q4" if q == 1 else f"{year:04d}-Q{q - 1}"


def next_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year + 1:04d}-Q1" if q == 4 else f"{year:04d}-Q{q + 1}"


def quarter_of_day(day: datetime.date) -> str:
    return quarter_of(period_of(day))


def quarter_label(quarter: str) -> str:
    """``"2023-Q3"`` → ``"quý III/2023"``, as the plan's reports write it."""
    return _("quý %(roman)s/%(year)s") % {"roman": ROMAN[int(quarter[-1])], "year": quarter[:4]}


def quarter_year(quarter: str) -> int:
    return int(quarter[:4])


def quarters_of_year(year: int) -> list[str]:
    return [f"{year:04d}-Q{q}" for q in (1, 2, 3, 4)]


def quarter_first_day(quarter: str) -> datetime.date:
    return first_day(quarter_months(quarter)[0])


def quarter_last_day(quarter: str) -> datetime.date:
    return last_day(quarter_last_month(quarter))


def due_before_day(quarter: str, day: int) -> datetime.date:
    """The last day on time for what is due "trước ngày ``day`` của tháng cuối quý": the day before
    ``day`` of the quarter's last month (before the 20th → the 19th). The one place this rule is
    written: the KH57 monthly deadline, the plan's quarterly reports and the Sở's synthesis use it."""
    last = quarter_last_month(quarter)
    return datetime.date(year_of(last), month_of(last), int(day)) - datetime.timedelta(days=1)


# ------------------------------------------------------------------------------ printed periods
def read_period(raw) -> str | None:
    """A printed month ('2023-08', '08/2023', 'Tháng 8/2023', 'T8/2023', a date cell) as 'YYYY-MM',
    or None when the text is not a month of an accepted year."""
    if isinstance(raw, datetime.datetime | datetime.date):
        candidate = make_period(raw.year, raw.month)
        return candidate if is_period(candidate) else None
    if raw is None:
        return None
    t = " ".join(strip_marks(str(raw)).strip().lower().split())
    for rx, order in ((_ISO, "ym"), (_YM, "ym"), (_MY, "my")):
        m = rx.match(t)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            year, month = (a, b) if order == "ym" else (b, a)
            candidate = make_period(year, month) if 1 <= month <= 12 else ""
            return candidate if is_period(candidate) else None
    return None


_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MY = re.compile(r"^(?:thang|t|ky|thg)?\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YM = re.compile(r"^(\d{4})\s*[/.]\s*(\d{1,2})$")
