"""Pure rules of the plan (no ORM): deadlines printed in a task's text, what a progress report may say,
and when a task is overdue. The loader, the import, the forms, the API and the pages call these."""

from __future__ import annotations

import calendar
import datetime
import re

from core.periods import MAX_YEAR, MIN_YEAR
from core.text import fold_glyphs, strip_marks

from .choices import TaskState

# ------------------------------------------------------------------------------ printed deadlines
_NUM = r"(\d{1,2})"
_YEAR = r"(\d{4})"
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Each pattern reads the folded text (lower case, no diacritics); the group order is given beside it.
_PATTERNS = [
    # "trước ngày 30/6/2023": due before that day, so the day before is the last one on time.
    ("before_day", re.compile(rf"\btruoc ngay {_NUM}\s*/\s*{_NUM}\s*/\s*{_YEAR}\b")),
    # "chậm nhất (là) ngày 30/6/2023", "hạn chót ngày …", "hoàn thành trong ngày …": that day.
    ("on_day", re.compile(rf"\b(?:cham nhat(?: la)?|han chot|han cuoi)(?: ngay)? {_NUM}\s*/\s*{_NUM}\s*/\s*{_YEAR}\b")),
    # "trước tháng 9/2023": before September, so 31 August.
    ("before_month", re.compile(rf"\btruoc thang {_NUM}\s*/\s*{_YEAR}\b")),
    # "trong tháng 9/2023", "hoàn thành tháng 9/2023", "chậm nhất tháng 9/2023": the month's last day.
    ("in_month", re.compile(rf"\b(?:trong|hoan thanh(?: trong)?|cham nhat(?: trong)?) thang {_NUM}\s*/\s*{_YEAR}\b")),
    # "trong quý III/2023", "trước quý IV/2023".
    ("in_quarter", re.compile(rf"\b(?:trong|hoan thanh(?: trong)?) quy (iv|iii|ii|i|[1-4])\s*/\s*{_YEAR}\b")),
    ("before_quarter", re.compile(rf"\btruoc quy (iv|iii|ii|i|[1-4])\s*/\s*{_YEAR}\b")),
]


def _fold(text: str) -> str:
    return " ".join(strip_marks(fold_glyphs(text)).lower().split())


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _date_of(kind: str, groups: tuple[str, ...]) -> datetime.date | None:
    try:
        if kind in ("before_day", "on_day"):
            day, month, year = (int(g) for g in groups)
            date = datetime.date(year, month, day)
            return date - datetime.timedelta(days=1) if kind == "before_day" else date
        if kind in ("before_month", "in_month"):
            month, year = int(groups[0]), int(groups[1])
            if not 1 <= month <= 12:
                return None
            if kind == "in_month":
                return _month_end(year, month)
            return datetime.date(year, month, 1) - datetime.timedelta(days=1)
        quarter, year = _ROMAN_Q[groups[0]], int(groups[1])
        if kind == "in_quarter":
            return _month_end(year, quarter * 3)
        return datetime.date(year, quarter * 3 - 2, 1) - datetime.timedelta(days=1)
    except ValueError:
        return None


def deadlines_in_text(text: str) -> list[tuple[datetime.date, str]]:
    """Every deadline the text prints, as (last day on time, the phrase as folded), in text order.

    "đảm bảo trước tháng 9/2023" → [(2023-08-31, "truoc thang 9/2023")]. Dates that do not exist
    (31/02) and years outside 2000–2100 are left out; "từ ngày 01/01/2023" is not a deadline.
    """
    folded = _fold(text or "")
    found = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            date = _date_of(kind, match.groups())
            if date is not None and MIN_YEAR <= date.year <= MAX_YEAR:
                found.append((match.start(), date, match.group(0)))
    found.sort()
    return [(date, phrase) for _start, date, phrase in found]


def printed_phrase(text: str, folded_phrase: str) -> str:
    """The phrase as printed in ``text`` (with its diacritics) for a folded phrase found in it."""
    words = (text or "").split()
    size = len(folded_phrase.split())
    for i in range(len(words) - size + 1):
        candidate = " ".join(words[i : i + size])
        if _fold(candidate).rstrip(".,;:)") == folded_phrase or _fold(candidate) == folded_phrase:
            return candidate.rstrip(".,;:)")
    return folded_phrase


# ------------------------------------------------------------------------------ progress reports
PERCENT_MESSAGE = 'Tỷ lệ hoàn thành "%(text)s" không hợp lệ: nhập số nguyên từ 0 đến 100.'
STATE_MESSAGE = 'Tình trạng "%(text)s" không hợp lệ (cho phép: %(choices)s).'


def read_percent(raw) -> int:
    """A completion percentage: an integer 0–100 given as a number or as text ("40", "40%", "40 %").

    ValueError with the message users see otherwise (decimals, negatives, words, booleans)."""
    if isinstance(raw, bool):
        raise ValueError(PERCENT_MESSAGE % {"text": raw})
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\s*\d{1,3}\s*%?\s*", raw):
        value = int(raw.strip().rstrip("%").strip())
    else:
        raise ValueError(PERCENT_MESSAGE % {"text": "" if raw is None else raw})
    if not 0 <= value <= 100:
        raise ValueError(PERCENT_MESSAGE % {"text": raw})
    return value


def read_state(raw) -> str:
    if isinstance(raw, str) and raw.strip() in TaskState.values:
        return raw.strip()
    choices = ", ".join(f"{value} ({label})" for value, label in TaskState.choices)
    raise ValueError(STATE_MESSAGE % {"text": "" if raw is None else raw, "choices": choices})


def check_progress(state: str, percent: int) -> dict[str, str]:
    """What a state and a percentage must agree on: a task done is 100 %, a task not started 0 %."""
    if state == TaskState.DONE and percent != 100:
        return {"percent": f"Nhiệm vụ đã hoàn thành thì tỷ lệ hoàn thành phải là 100%, không phải {percent}%."}
    if state == TaskState.NOT_STARTED and percent != 0:
        return {"percent": f"Nhiệm vụ chưa triển khai thì tỷ lệ hoàn thành phải là 0%, không phải {percent}%."}
    return {}


def is_overdue(due: datetime.date | None, latest_state: str | None, today: datetime.date) -> bool:
    """A task is overdue when its due date has passed and its latest approved state is not done."""
    return due is not None and due < today and latest_state != TaskState.DONE
