"""A transposed one-unit sheet: indicators down the rows, one value column, the unit named in the title
(or the file's name, or the uploader's only unit) — an agency's own report of its figures.

Tried only when no other layout knows the sheet and the catalogue's vocabulary is at hand: a row label
is read with the indicators' phrasings (`imports/vocabulary.py`, the header's time window narrowing
them); one indicator found is the reading, several are a question, none is a warning. The unit comes
from the title rows (a unit's name after "của", or a whole title line), else the file's name when it
names exactly one unit ('So_GDDT_thang_8.xlsx'; `units.matching.UnitIndex.match_file_name`), else the
uploader's only unit; without one the sheet is a question."""

from __future__ import annotations

from core.numbers import Kind, read_number
from core.text import fold

from ..types import Answers, SheetResult
from ..vocabulary import expand
from ..workbook import SheetData
from .base import ParseContext, Role
from .columns import CUMULATIVE_OF_WINDOW
from .row_labels import RowMapping, label_fingerprint
from .table_ends import is_table_end
from .windows import header_window

LAYOUT = "transposed"
TITLE = "Bảng một đơn vị (chỉ tiêu theo dòng)"
MIN_ROWS = 2  # rows read as indicators before a sheet is taken as this layout
MAX_ROWS = 300  # a one-unit report is short: a longer sheet is not this layout (and is not scanned)


def _numeric(v) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return True
    return isinstance(v, str) and v.strip() not in ("", "-") and read_number(v).value is not None


def _is_numbering(sheet: SheetData, c: int) -> bool:
    """An STT column: its numbers are 1, 2, 3, …"""
    numbers = [sheet.raw(r, c) for r in range(sheet.height) if _numeric(sheet.raw(r, c))]
    try:
        return [float(str(v).strip()) for v in numbers] == [float(i) for i in range(1, len(numbers) + 1)]
    except ValueError:
        return False


def _shape(sheet: SheetData) -> tuple[int, int, int] | None:
    """(first data row, label column, value column): the one column with numbers and the text column
    to its left with the most labels."""
    if sheet.height > MAX_ROWS:
        return None
    counts: dict[int, int] = {}
    for r in range(sheet.height):
        for c in range(sheet.width):
            if _numeric(sheet.raw(r, c)):
                counts[c] = counts.get(c, 0) + 1
    value_cols = [c for c, n in counts.items() if n >= MIN_ROWS and not _is_numbering(sheet, c)]
    if len(value_cols) != 1 or value_cols[0] == 0:
        return None
    vc = value_cols[0]
    rows = [r for r in range(sheet.height) if _numeric(sheet.raw(r, vc))]
    best = max(
        range(vc),
        key=lambda c: sum(1 for r in rows if isinstance(sheet.raw(r, c), str) and sheet.raw(r, c).strip()),
    )
    return rows[0], best, vc


def _reading(label: str, answers: Answers) -> list[str]:
    text = expand(fold(label))
    found = [c for c, _p in answers.vocabulary.candidates(text)]
    window = header_window(text)
    if len(found) > 1 and window in CUMULATIVE_OF_WINDOW:
        found = [c for c in found if answers.windows.get(c, "") == CUMULATIVE_OF_WINDOW[window]] or found
    return found


def detect(sheet: SheetData, answers: Answers | None = None) -> int:
    if answers is None or answers.vocabulary is None:
        return 0
    shape = _shape(sheet)
    if shape is None:
        return 0
    first, lc, vc = shape
    n = sum(
        1
        for r in range(first, sheet.height)
        if _numeric(sheet.raw(r, vc)) and len(_reading(sheet.text(r, lc), answers)) == 1
    )
    return n if n >= MIN_ROWS else 0


def _unit_of(sheet: SheetData, first: int, answers: Answers) -> str | None:
    if answers.find_unit is not None:
        for r in range(first):
            for c in range(min(sheet.width, 6)):
                text = sheet.text(r, c)
                if not text:
                    continue
                lowered = text.lower()
                tail = text[lowered.rfind("của ") + 4 :] if "của " in lowered else ""
                for candidate in (tail.strip(" .:"), text):
                    code = answers.find_unit(candidate) if candidate else None
                    if code:
                        return code
    return answers.file_unit or answers.default_unit


def parse(sheet: SheetData, answers: Answers | None = None) -> SheetResult:
    result = SheetResult(sheet=sheet.name, layout=LAYOUT)
    ctx = ParseContext(sheet, result, None)
    shape = _shape(sheet) if answers is not None and answers.vocabulary is not None else None
    if shape is None:
        return result
    first, lc, vc = shape
    unit = _unit_of(sheet, first, answers)
    if unit is None:
        why = (
            f"tiêu đề không ghi tên đơn vị, tên tệp khớp với nhiều đơn vị: {answers.file_units}"
            if answers.file_units
            else "tiêu đề không ghi tên đơn vị"
        )
        ctx.problem(
            None,
            None,
            "",
            f"Không rõ bảng này là số liệu của đơn vị nào ({why}); hãy ghi tên đơn vị "
            "vào tiêu đề hoặc tải lên bằng tài khoản của đơn vị.",
            code="unit_question",
        )
        return result
    header = sheet.text(first - 1, vc) if first else ""
    result.fingerprint = label_fingerprint(LAYOUT, [sheet.text(first - 1, lc) if first else "", header])
    mapped = RowMapping(result, vc, answers)
    rows = [r for r in range(first, sheet.height) if _numeric(sheet.raw(r, vc))]
    seen: dict[str, int] = {}
    for r in range(first, sheet.height):
        if is_table_end(sheet, r):
            break
        label = sheet.text(r, lc)
        if not label or sheet.raw(r, vc) in ("", None):
            continue
        answer = mapped.answer(r, label)
        if answer is not None:  # a person's mapping beats the vocabulary's reading
            mapped.add(r, label, *answer)
            if answer[0] is None:
                continue
            found = [answer[0]]
        else:
            found = _reading(label, answers)
        if len(found) != 1:
            message = (
                f"Dòng '{label}' có thể là {len(found)} chỉ tiêu ({', '.join(found)}); chưa nhập dòng này."
                if found
                else f"Không nhận ra chỉ tiêu '{label}'; không nhập dòng này."
            )
            if found:
                ctx.problem(r, lc, label, message, code="row_question")
                why = [{"indicator": c, "why": "tên dòng khớp với chỉ tiêu này"} for c in found]
                mapped.unmapped(r, label, message, why)
            else:
                ctx.warn(r, lc, label, message, code="unmapped_row")
                mapped.unmapped(r, label)
            continue
        code = found[0]
        if answer is None:
            mapped.add(r, label, code)
        if code in seen:
            message = f"Chỉ tiêu {code} đã có ở dòng {seen[code] + 1}"
            ctx.problem(r, lc, label, message, code="duplicate_row")
            mapped.duplicate(r, message)
            continue
        seen[code] = r
        kind = Kind(answers.kinds.get(code, Kind.NUMBER))
        ctx.read(r, vc, Role(code, kind), header or label, rows, unit_code=unit)
    return result
