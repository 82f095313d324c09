"""Time windows printed in headers: which span of time a column's figures cover.

A header's window decides which indicator of a quantity the column is: the month (`tháng 11`,
`11/2023`, `trong kỳ`, `trong tháng`, `từ ngày 01/11 đến 30/11`, `01/11-30/11`), the year to date
(`từ đầu năm`, `lũy kế năm`, `năm 2023`, `đến ngày 30/11/2023`, a range starting 01/01), since the
start (`lũy kế từ năm 2022`, `từ khi triển khai`), one day (`28/09/2023`), or a part of a month or a
span across months that is none of these (`riêng ngày 18/08 đến ngày 04/10`).

Everything works on folded text (`core.text.fold`: `11/2023` is `11 2023`). Pure functions.
"""

from __future__ import annotations

import re
from enum import StrEnum

from core.text import has

from ..phrases import phrases


class Window(StrEnum):
    MONTH = "month"
    YTD = "ytd"
    SINCE_START = "since_start"
    DAY = "day"
    PART = "part"  # a span that is neither one whole month nor from 1 January

    @property
    def label(self) -> str:
        return WINDOW_LABELS[self]


WINDOW_LABELS = {
    Window.MONTH: "trong tháng",
    Window.YTD: "lũy kế từ đầu năm",
    Window.SINCE_START: "lũy kế từ khi bắt đầu",
    Window.DAY: "một ngày",
    Window.PART: "một khoảng thời gian khác",
}

_D = r"(\d{1,2})"
_Y = r"(?:\s+(\d{4}))?"
# 'tu ngay 01 11 2023 den ngay 30 11 2023', 'tu 01 11 den 30 11', '01 11 30 11 2023' (from 01/11-30/11/2023)
_RANGE = re.compile(
    rf"(?:tu\s+(?:ngay\s+)?)?{_D}\s+{_D}{_Y}\s+(?:den\s+(?:het\s+)?(?:ngay\s+)?)?{_D}\s+{_D}{_Y}(?!\s*\d)"
)
_UNTIL = re.compile(r"(?:den|tinh den|den het)\s+(?:ngay\s+)?\d{1,2}\s+\d{1,2}(?:\s+\d{4})?")
_DATE = re.compile(r"(?<!\d )\b\d{1,2}\s+\d{1,2}\s+\d{4}\b")
_MONTH_YEAR = re.compile(r"(?<!\d )\b(?:0?[1-9]|1[0-2])\s+\d{4}\b|\bthang\s+\d{1,2}\b")
_SINCE_YEAR = re.compile(r"\btu\s+(?:dau\s+)?nam\s+(\d{4})\b|\btu\s+(\d{4})\b")
_YEAR = re.compile(r"\bnam\s+\d{4}\b")

# The words of each window are the rows of fixtures/layout_phrases.csv under layout `windows`.


def _range_window(m: re.Match) -> Window:
    d1, m1, y1, d2, m2, y2 = m.groups()
    d1, m1, d2, m2 = int(d1), int(m1), int(d2), int(m2)
    if y1 and y2 and int(y1) < int(y2):
        return Window.SINCE_START  # across years: not this year's figure
    if (d1, m1) == (1, 1):
        return Window.YTD
    if m1 == m2 and d1 == 1 and d2 >= 28:
        return Window.MONTH
    return Window.PART


def header_window(folded: str) -> Window | None:
    """The window a folded header names, or None when it names none.

    'hop khong giay thang 11' -> MONTH; 'tu dau nam den nay' -> YTD; 'tu ngay 01 11 den 30 11' -> MONTH;
    'luy ke tu nam 2022' -> SINCE_START; '28 09 2023' -> DAY; 'so cuoc hop' -> None."""
    f = folded
    if not f:
        return None
    since = _SINCE_YEAR.search(f)
    if has(f, *phrases("windows", "since")):
        return Window.SINCE_START
    if has(f, *phrases("windows", "ytd")):
        return Window.YTD
    m = _RANGE.search(f)
    if m:
        return _range_window(m)
    if since:
        # 'lũy kế từ năm 2022', 'từ 2020': a start year; with 'từ đầu năm 2023' caught above as YTD
        return Window.SINCE_START
    if has(f, *phrases("windows", "ytd-bare")):
        return Window.YTD  # a bare 'lũy kế' in a monthly table counts from 1 January
    if _UNTIL.search(f):
        return Window.YTD
    if _MONTH_YEAR.search(f) or has(f, *phrases("windows", "month")):
        return Window.MONTH
    if _YEAR.search(f):
        return Window.YTD
    if _DATE.search(f) or has(f, *phrases("windows", "day")):
        return Window.DAY
    if has(f, *phrases("windows", "part")):
        return Window.PART
    return None


# ---- a row label's saved-answer key: its words, with its dates as tokens -----------------------

YEAR_START = "[year-start]"  # a window starting on 01/01 (the year to date)
DATE = "[date]"  # any other day
MONTH = "[month]"  # a month of a year ('08 2023'), or 'thang 8'
YEAR = "[year]"  # a bare year

# a day and month with an optional year, not part of a longer run of numbers: '18 08 2023', '11 08'
_DAY = re.compile(rf"(?<!\d )\b{_D}\s+{_D}(?:\s+(\d{{4}}))?\b(?!\s*\d)")
_STARTS = re.compile(r"(?:\btu\s+(?:ngay\s+)?)$")
_MONTH_OF_YEAR = re.compile(r"(?<!\d )\b(?:0?[1-9]|1[0-2])\s+\d{4}\b(?!\s*\d)")
_MONTH_WORD = re.compile(r"\bthang\s+(?:0?[1-9]|1[0-2])\b(?!\s*\d)")
_BARE_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def label_key(folded: str) -> str:
    """A folded row label with the dates and periods it prints replaced by tokens, so an answer saved
    for a row applies next month when only its dates moved. What tells rows apart stays: a window
    starting on 01/01 is `[year-start]`, any other day `[date]`, so the year-to-date row and the short
    window's row keep different keys; other numbers ('8 gio') stay as printed.

    'tin rac tu ngay 01 01 2023 den ngay 04 10 2023' -> 'tin rac tu ngay [year-start] den ngay [date]';
    'rieng tu ngay 11 08 den 18 08 2023' -> 'rieng tu ngay [date] den [date]';
    'so tin thang 8 2023' -> 'so tin thang [month]'; 'nam 2023' -> 'nam [year]'."""

    def day(m: re.Match) -> str:
        d, mo = int(m.group(1)), int(m.group(2))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return m.group(0)
        starts = _STARTS.search(folded[: m.start()]) or folded[m.end() :].lstrip().startswith("den ")
        return YEAR_START if (d, mo) == (1, 1) and starts else DATE

    def window(m: re.Match) -> str:
        """A 'from … to …' window (the layouts' own `_RANGE`): its start and its end as tokens."""
        d1, m1 = int(m.group(1)), int(m.group(2))
        start = YEAR_START if (d1, m1) == (1, 1) else DATE
        text = m.group(0)
        base = m.start()
        start_end, end_start = m.end(3 if m.group(3) else 2), m.start(4)
        end_end = m.end(6 if m.group(6) else 5)
        return (
            text[: m.start(1) - base]
            + start
            + text[start_end - base : end_start - base]
            + DATE
            + text[end_end - base :]
        )

    key = _DAY.sub(day, _RANGE.sub(window, folded))
    key = _MONTH_OF_YEAR.sub(MONTH, key)
    key = _MONTH_WORD.sub(f"thang {MONTH}", key)
    return _BARE_YEAR.sub(YEAR, key)
