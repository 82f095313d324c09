"""Reporting periods.

A period is a month written ``YYYY-MM`` everywhere: in the database (``DataValue.period`` is a
CharField(7)), in URLs, in exports and on the command line. Keeping it a string means lexical order is
chronological order, so SQL can compare and sort periods on SQLite and PostgreSQL alike without date
arithmetic; the helpers here are the only place that knows a period is a year and a month.
"""

import calendar
import datetime
import re

from django.utils.translation import gettext as _

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text) -> str:
    """Validate ``text`` as a ``YYYY-MM`` period and return it normalised (stripped).

    ``2023-13``, ``08/2023`` and ``2023-8`` are refused with the message users see.
    """
    candidate = str(text).strip() if text is not None else ""
    match = _PERIOD_RE.match(candidate)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValueError(_('Kỳ báo cáo "%(text)s" không hợp lệ (định dạng YYYY-MM)') % {"text": text})
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
