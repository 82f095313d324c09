"""Which indicator each column of a unit table is: the layout's reading of each header, then the rules
that keep an unsure reading from storing a wrong value.

- A quantity printed for several time windows (eCabinet meetings in the month and since 1 January;
  tax payments in the month and in the year) is a *family*: the header's window (`windows.py`) picks
  the member. A header without a window is the layout's default only when no other column of the
  same quantity is present; beside one, it is a question.
- Two columns read as the same indicator are both questions: which one holds the figure is not ours
  to pick (the old rule kept the first, and stored the month's figure as the year's).
- A person's answer (this import's mapping, or one confirmed earlier) beats every reading.

Pure: no database, no catalogue beyond the kinds the answers carry.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from core.numbers import Kind
from core.text import fold, has

from ..phrases import phrases
from ..types import (
    HOW_CATALOGUE,
    HOW_IGNORED,
    HOW_UNMAPPED,
    Answers,
    ColumnMapping,
    column_letter,
)
from ..vocabulary import expand
from .windows import WINDOW_LABELS, Window, header_window, label_key


@dataclass
class Role:
    """What a column means: a value of `indicator`, or a printed derived figure of it.

    `family` maps time windows to the indicators of one quantity; `window` is the header's window
    (None: the header names none). With a family, `indicator` is the default when the header names
    no window and no other column of the family is present ('' for no default)."""

    indicator: str
    kind: Kind = Kind.COUNT
    derived: str | None = None  # None for a value; "change" | "status" | "increment"
    grouping: str = "auto"
    display: str | None = None  # header text for messages (default: the printed header)
    family: dict[Window, str | None] | None = None  # window → indicator (None: a window ignored on purpose)
    window: Window | None = None
    how: str = HOW_CATALOGUE


@dataclass
class Ask:
    """A reading the layout is unsure of: a question with candidates."""

    candidates: list[dict]
    message: str


CUMULATIVE_OF_WINDOW = {Window.MONTH: "", Window.YTD: "ytd", Window.SINCE_START: "since_start"}


def vocabulary_reading(col, answers: Answers | None, header: str) -> Role | Ask | None:
    """A header no layout rule knows, read with the catalogue's phrasings (abbreviations expanded,
    one-letter typos tolerated): one indicator found is the reading; several are a question (the
    header's time window narrows them first); none is None."""
    vocabulary = answers.vocabulary if answers else None
    if vocabulary is None:
        return None
    text = expand(fold(" ".join(col.parts)))
    if has(text, *phrases("columns", "derived")):
        return None  # a printed comparison of a figure ("so với tháng trước"), not the figure
    found = vocabulary.candidates(text)
    window = header_window(text)
    if len(found) > 1 and window in CUMULATIVE_OF_WINDOW:
        narrowed = [(c, p) for c, p in found if answers.windows.get(c, "") == CUMULATIVE_OF_WINDOW[window]]
        found = narrowed or found
    if len(found) == 1:
        code = found[0][0]
        return Role(code, Kind(answers.kinds.get(code, Kind.NUMBER)))
    if not found:
        return None
    return Ask(
        [{"indicator": c, "why": f"tiêu đề có cụm '{p}'"} for c, p in found],
        f"Cột {_letter(col.index)} '{header}' có thể là {len(found)} chỉ tiêu "
        f"({', '.join(c for c, _p in found)}); chưa nhập cột này.",
    )


def fingerprint(headers: list[str]) -> str:
    """The header's fingerprint: the folded column headers with digits blanked (next month's
    'tháng 12' is this month's 'tháng 11'), in order. Saved mappings key on it."""
    text = "|".join(re.sub(r"\d+", "#", fold(h)) for h in headers)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def saved_key(header: str, column: int) -> str:
    """How a saved mapping names a column: its folded header and its letter ('hop khong giay@c')."""
    return f"{fold(header)}@{column_letter(column).lower()}"


def row_saved_key(label: str, letter: str) -> str:
    """How a saved mapping names a label table's row: its folded label with its dates as tokens
    (`windows.label_key`) and the value column's letter ('tin rac tu ngay [year-start] den ngay
    [date]@b'), so the answer applies next month when only the dates moved."""
    return f"{label_key(fold(label))}@{letter.lower()}"


def column_keys(col) -> list[str]:
    """The names a mapping may use for a column: its printed header, its full header text, its letter."""
    keys = [fold(col.printed), fold(" ".join(col.parts))]
    return [k for k in dict.fromkeys(keys) if k] + [column_letter(col.index + 1).lower()]


def _letter(c: int) -> str:
    return column_letter(c + 1)


def _choices(family: dict) -> list[dict]:
    return [
        {"indicator": code, "why": f"nếu cột là số liệu {WINDOW_LABELS[w]}"}
        for w, code in family.items()
        if code
    ]


@dataclass
class Resolution:
    roles: dict[int, Role]  # 0-based column → role (only columns to read)
    mapping: list[ColumnMapping]
    questions: list[tuple[int, str, str]]  # (column, header, Vietnamese message)


def resolve_columns(
    sheet_name: str,
    columns: list,
    readings: dict[int, Role | None | str],
    header: dict[int, str],
    *,
    answers: Answers | None,
    fp: str,
) -> Resolution:
    """Turn each column's reading into the role to read it with, or a question.

    `readings`: column → the layout's reading (Role, None for nothing matched, 'skip' for a column that
    maps to nothing on purpose). `header`: column → the header text shown in messages."""
    roles: dict[int, Role] = {}
    mapping: dict[int, ColumnMapping] = {}
    questions: list[tuple[int, str, str]] = []
    answers = answers or Answers()

    def ask(c: int, message: str, candidates: list[dict]) -> None:
        mapping[c] = ColumnMapping(sheet_name, c + 1, header[c], None, HOW_UNMAPPED, candidates, message, fp)
        questions.append((c, header[c], message))

    for col in columns:
        c = col.index
        answer = answers.column(
            sheet_name, fp, [*column_keys(col), fold(header[c])], [saved_key(header[c], c + 1)]
        )
        if answer is not None:
            code, how = answer
            if code is None:
                mapping[c] = ColumnMapping(sheet_name, c + 1, header[c], None, how, fingerprint=fp)
            else:
                kind = Kind(answers.kinds.get(code, Kind.NUMBER))
                roles[c] = Role(code, kind, how=how)
            continue
        reading = readings.get(c)
        if isinstance(reading, Ask):
            ask(c, reading.message, reading.candidates)
        elif reading == "skip":
            mapping[c] = ColumnMapping(sheet_name, c + 1, header[c], None, HOW_IGNORED, fingerprint=fp)
        elif reading is None:
            mapping[c] = ColumnMapping(sheet_name, c + 1, header[c], None, HOW_UNMAPPED, fingerprint=fp)
        elif reading.derived:
            mapping[c] = ColumnMapping(sheet_name, c + 1, header[c], None, HOW_IGNORED, fingerprint=fp)
            roles[c] = reading
        else:
            roles[c] = reading

    # families: the window picks the member; no window beside a sibling is a question
    families: dict[tuple, list[int]] = {}
    for c, role in roles.items():
        if role.family and role.how == HOW_CATALOGUE:
            families.setdefault(tuple(sorted((str(k), v) for k, v in role.family.items())), []).append(c)
    for cols in families.values():
        for c in cols:
            role = roles[c]
            family = role.family
            if role.window is not None:
                if role.window in family:
                    code = family[role.window]
                    if code is None:  # a window with no indicator, e.g. the tax table's one day
                        del roles[c]
                        mapping[c] = ColumnMapping(
                            sheet_name, c + 1, header[c], None, HOW_IGNORED, fingerprint=fp
                        )
                    else:
                        role.indicator = code
                    continue
                del roles[c]
                ask(
                    c,
                    f"Cột {_letter(c)} '{header[c]}' ghi số liệu {role.window.label}, không có chỉ tiêu nào "
                    "trong danh mục cho khoảng thời gian này; chưa nhập cột này.",
                    _choices(family),
                )
                continue
            others = [o for o in cols if o != c]
            if others or not role.indicator:
                del roles[c]
                o = others[0] if others else None
                beside = f" trong khi cột {_letter(o)} '{header[o]}' cùng đại lượng" if o is not None else ""
                ask(
                    c,
                    f"Cột {_letter(c)} '{header[c]}' không ghi rõ kỳ của số liệu (trong tháng hay lũy kế)"
                    f"{beside}; chưa nhập cột này.",
                    _choices(family),
                )

    # one indicator read from two columns: both are questions
    by_indicator: dict[str, list[int]] = {}
    for c, role in roles.items():
        if role.derived is None:
            by_indicator.setdefault(role.indicator, []).append(c)
    for code, cols in by_indicator.items():
        if len(cols) < 2:
            continue
        named = " và ".join(f"cột {_letter(c)} '{header[c]}'" for c in cols)
        for c in cols:
            del roles[c]
            ask(
                c,
                f"{named[0].upper()}{named[1:]} cùng được hiểu là chỉ tiêu {code}; chưa nhập các cột này. "
                "Hãy chỉ rõ chỉ tiêu của từng cột.",
                [{"indicator": code, "why": "tiêu đề khớp với chỉ tiêu này"}],
            )
    for c, role in roles.items():
        if role.derived is None:
            mapping[c] = ColumnMapping(sheet_name, c + 1, header[c], role.indicator, role.how, fingerprint=fp)
    ordered = [mapping[c] for c in sorted(mapping)]
    return Resolution(roles, ordered, questions)
