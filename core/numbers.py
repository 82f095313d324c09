"""Read and format numbers the way Vietnamese offices print them: `1.234,5`, `92,9%`, `12.906.957.546 đ`.

Reading (workbooks, forms, the API's text values) comes first, then the one formatter that every
page, export, document and chart uses (`format_number`, `format_percent`, `format_vnd`, `format_measure`).

Pure functions, no Django. Every reader returns `Decimal`s and never guesses: a value that can be
read two ways is an error carrying both readings, so the user decides.

Conventions (Vietnamese): `,` is the decimal mark and `.` groups thousands (`1.039` = 1039,
`92,90%` = 92.9). Agencies also send English-style cells: `92.70%` (a dot decimal: read, with a
warning) and, in the tax table, `591,420,084` (comma grouping).

Percent cells typed as numbers (decided here, the issue is silent):
- Excel stores a percent-formatted cell as a fraction (`92,90%` is the float 0.929). calamine does
  not expose number formats, so the scale of a *numeric* cell is decided from the number and its
  column:
  - a column whose numeric cells are all <= 1.5 is on the fraction scale: every numeric cell is
    multiplied by 100 (1.0 -> 100; 1.0976 -> 109.76, then the range check warns above 100);
  - a column with any numeric cell > 1.5 is on the points scale (92.9 means 92.9 %); there a
    numeric cell strictly between 0 and 1.5 is ambiguous (1 could be 1 % or 100 %): an error;
  - a lone cell read without its column (``percent_scale="auto"``): <= 1 is a fraction, > 1 is in
    points with the warning flag ``numeric_points``.
- Text without `%` in a percent column (`98,9`) is read in points with a warning; text without `%`
  strictly between 0 and 1 (`0,95`) is ambiguous and an error.
- `-` means "no transaction": 0 with the flag ``no_transaction`` for counts and amounts; in a
  percent column it is no data (None) with the same flag and a warning (0 % would fail a target).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum


class Kind(StrEnum):
    PERCENT = "percent"  # stored on a 0-100 scale
    COUNT = "count"  # a whole number
    AMOUNT = "amount"  # money in đồng: like a count, a whole number (one group after a mark is thousands)
    NUMBER = "number"  # any number, no scale rules (long format, DTI points)


class NumberError(ValueError):
    """A strict parser could not read a value; `str()` is the Vietnamese message."""


@dataclass
class Reading:
    """What `read_number` made of one cell.

    `value` is None when the cell is empty, unreadable (then `error` says why) or means no data.
    `warnings` are Vietnamese sentences; `flags` are machine-readable kinds of the same.
    `alternatives` lists the readings of an ambiguous cell, for the user to choose from.
    """

    value: Decimal | None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    alternatives: list[Decimal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def empty(self) -> bool:
        return "empty" in self.flags


HUNDRED = Decimal(100)
FRACTION_LIMIT = Decimal("1.5")
# No reported figure reaches 10^15 (the province's budget is ~10^13 đồng); beyond it a cell is a typo or
# a serial number, and the database's numeric columns would overflow further on.
MAX_MAGNITUDE = Decimal(10) ** 15
_DASHES = {"-", "–", "—", "−", "--", "---"}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_DIGITS = re.compile(r"^\d+$")
_DOT_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_COMMA_DECIMAL = re.compile(r"^\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^\d+\.\d+$")
_VN_FULL = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$")  # 1.234,5
_EN_FULL = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")  # 1,234.5


def format_vn(value: Decimal | int | float, places: int | None = None) -> str:
    """1039 -> '1.039', 92.9 -> '92,9' (for messages; the product's templatetag does the pages)."""
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    sign = "-" if d < 0 else ""
    d = abs(d)
    text = format(d.normalize() if places is None else d, "f")
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    return f"{sign}{out},{frac}" if frac else f"{sign}{out}"


def raw_text(raw) -> str:
    """The cell as a user would recognise it in a message."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, _dt.datetime):
        if raw.time() == _dt.time(0):
            return raw.strftime("%d/%m/%Y")
        return raw.strftime("%d/%m/%Y %H:%M")
    if isinstance(raw, _dt.date):
        return raw.strftime("%d/%m/%Y")
    return str(raw)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub("", text.strip())


def _dec(text: str) -> Decimal:
    return Decimal(text)


def _from_float(number: float) -> Decimal:
    # repr() gives the shortest string that round-trips: 0.929 -> "0.929", not 0.92900000000000004796...
    return Decimal(repr(float(number)))


def _strip_trailing_zeros(d: Decimal) -> Decimal:
    if d == d.to_integral_value() and d.adjusted() < 28:  # quantize needs the digits to fit the context
        return d.quantize(Decimal(1))
    return d.normalize()


def _not_a_number(raw) -> str:
    return f'"{raw_text(raw)}" không phải là số'


# --------------------------------------------------------------------------------------------
# Strict parsers (raise NumberError)
# --------------------------------------------------------------------------------------------


def parse_vn_number(text: str) -> Decimal:
    """Strictly read a Vietnamese-printed number: '1.039' -> 1039, '92,9' -> 92.9, '07' -> 7.

    Raises NumberError for anything else, including English-style '92.70' (use `read_number`,
    which reads it with a warning) and '2,73,1'.
    """
    t = _clean(str(text))
    negative = t.startswith("-") and len(t) > 1
    if negative:
        t = t[1:]
    if _DIGITS.match(t):
        d = _dec(t)
    elif _DOT_GROUPED.match(t):
        d = _dec(t.replace(".", ""))
    elif _COMMA_DECIMAL.match(t):
        d = _dec(t.replace(",", "."))
    elif _VN_FULL.match(t):
        d = _dec(t.replace(".", "").replace(",", "."))
    else:
        raise NumberError(f'"{text}" không phải là số')
    return _strip_trailing_zeros(-d if negative else d)


def parse_percent(text: str) -> Decimal:
    """Strictly read a printed percent on a 0-100 scale: '92,90%' -> 92.9, '100%' -> 100."""
    t = _clean(str(text))
    if not t.endswith("%"):
        raise NumberError(f'"{text}" không phải là tỷ lệ phần trăm (thiếu dấu %)')
    body = t[:-1]
    if _DIGITS.match(body):
        return _strip_trailing_zeros(_dec(body))
    if _COMMA_DECIMAL.match(body):
        return _strip_trailing_zeros(_dec(body.replace(",", ".")))
    raise NumberError(f'"{text}" không phải là tỷ lệ phần trăm')


# --------------------------------------------------------------------------------------------
# Lenient reader for cells
# --------------------------------------------------------------------------------------------


def percent_column_scale(raws) -> str:
    """'fraction' when every numeric cell of a percent column is <= 1.5, else 'points'.

    Text cells do not vote: they carry their own `%`. A column without numeric cells is 'auto'.
    """
    seen = False
    for raw in raws:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            continue
        seen = True
        if abs(raw) > float(FRACTION_LIMIT):
            return "points"
    return "fraction" if seen else "auto"


def detect_grouping(raws) -> str:
    """'comma' if a text cell of the column is comma-grouped with two or more groups
    ('591,420,084', unambiguous), 'dot' if one is dot-grouped with two or more groups, else 'auto'."""
    for raw in raws:
        if not isinstance(raw, str):
            continue
        t = _clean(raw)
        if _COMMA_GROUPED.match(t) and t.count(",") >= 2:
            return "comma"
        if _DOT_GROUPED.match(t) and t.count(".") >= 2:
            return "dot"
    return "auto"


def read_number(
    raw, kind: Kind | str = Kind.NUMBER, *, grouping: str = "auto", percent_scale: str = "auto"
) -> Reading:
    """Read one cell (a calamine value: str, float, int, bool, date or '') as a Decimal.

    `grouping`: 'auto' | 'dot' (Vietnamese: `.` groups thousands) | 'comma' (`,` groups thousands,
    as in the tax table). `percent_scale`: 'auto' | 'fraction' | 'points' (see the module doc).
    """
    kind = Kind(kind)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Reading(None, flags=["empty"])
    try:
        reading = _read_any(raw, kind, grouping, percent_scale)
    except (InvalidOperation, ValueError, OverflowError):  # never an exception for what a cell holds
        return Reading(None, error=_not_a_number(raw))
    if reading.value is not None and abs(reading.value) >= MAX_MAGNITUDE:
        return Reading(
            None,
            error=f'"{raw_text(raw)}" quá lớn (từ {format_vn(MAX_MAGNITUDE)} trở lên), không phải số liệu báo cáo',
            flags=["too_large"],
        )
    return reading


def _read_any(raw, kind: Kind, grouping: str, percent_scale: str) -> Reading:
    if isinstance(raw, bool):
        return Reading(None, error=_not_a_number(raw))
    if isinstance(raw, _dt.date | _dt.time | _dt.timedelta):
        return Reading(
            None, error=f'"{raw_text(raw)}" là ngày tháng, không phải số (ô bị định dạng kiểu ngày)'
        )
    if isinstance(raw, int | float):
        return _read_numeric(raw, kind, percent_scale)
    return _read_text(str(raw), kind, grouping)


def _check_count(d: Decimal, reading: Reading, raw) -> Reading:
    if d != d.to_integral_value():
        return Reading(None, error=f'"{raw_text(raw)}" không phải là số nguyên (cột số lượng)')
    reading.value = d.quantize(Decimal(1))
    if reading.value < 0:
        reading.error = f'"{raw_text(raw)}" là số âm; số lượng không thể âm'
    return reading


def _read_numeric(raw: float | int, kind: Kind, percent_scale: str) -> Reading:
    if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
        return Reading(None, error=_not_a_number(raw))
    d = _strip_trailing_zeros(_from_float(raw)) if isinstance(raw, float) else Decimal(raw)
    if kind == Kind.COUNT:
        return _check_count(d, Reading(d), raw)
    if kind == Kind.PERCENT:
        if percent_scale == "fraction":
            return Reading(_strip_trailing_zeros(d * HUNDRED), flags=["fraction"])
        if percent_scale == "points":
            if 0 < abs(d) <= FRACTION_LIMIT:
                a, b = _strip_trailing_zeros(d), _strip_trailing_zeros(d * HUNDRED)
                return Reading(
                    None,
                    error=(
                        f'"{raw_text(raw)}" không rõ là {format_vn(a)}% hay {format_vn(b)}% '
                        "(các ô khác của cột ghi theo thang 0–100)"
                    ),
                    alternatives=[a, b],
                )
            return Reading(d, flags=["numeric_points"])
        if abs(d) <= 1:
            return Reading(_strip_trailing_zeros(d * HUNDRED), flags=["fraction"])
        return Reading(
            d,
            warnings=[f'"{raw_text(raw)}" được hiểu là {format_vn(d)}% (ô số không có định dạng phần trăm)'],
            flags=["numeric_points"],
        )
    return Reading(d)


def _read_text(text: str, kind: Kind, grouping: str) -> Reading:
    t = _clean(text)
    if t in _DASHES:
        if kind == Kind.PERCENT:
            return Reading(None, warnings=['"-": không có số liệu'], flags=["no_transaction"])
        return Reading(Decimal(0), flags=["no_transaction"])
    negative = False
    if t.startswith(("-", "−")) and len(t) > 1:
        negative, t = True, t[1:]
    has_percent = t.endswith("%")
    if has_percent:
        t = t[:-1]
        if kind not in (Kind.PERCENT, Kind.NUMBER):
            return Reading(None, error=f'"{text}" là tỷ lệ phần trăm, cột này cần số lượng')
    t = t.lstrip("+")
    reading = _read_plain(t, text, kind, grouping, percent=kind == Kind.PERCENT or has_percent)
    if reading.error or reading.value is None:
        return reading
    if negative:
        reading.value = -reading.value
    if kind == Kind.PERCENT:
        if not has_percent:
            v = reading.value
            if 0 < abs(v) < 1:
                a, b = v, _strip_trailing_zeros(v * HUNDRED)
                return Reading(
                    None,
                    error=f'"{text}" không rõ là {format_vn(a)}% hay {format_vn(b)}% (thiếu dấu %)',
                    alternatives=[a, b],
                )
            if v != 0:
                reading.warnings.append(f'"{text}" thiếu dấu %, được hiểu là {format_vn(v)}%')
                reading.flags.append("missing_percent")
        return reading
    if kind == Kind.COUNT:
        if reading.value != reading.value.to_integral_value():
            return Reading(None, error=f'"{text}" không phải là số nguyên (cột số lượng)')
        if reading.value < 0:
            reading.error = f'"{text}" là số âm; số lượng không thể âm'
    return reading


def _read_plain(t: str, text: str, kind: Kind, grouping: str, *, percent: bool) -> Reading:
    """Read an unsigned number without `%`."""
    if _DIGITS.match(t):
        flags = ["leading_zero"] if len(t) > 1 and t.startswith("0") else []
        return Reading(Decimal(int(t)), flags=flags)
    if percent:
        # A percent is at most a few hundred: a dot is a decimal mark, not thousands.
        if _COMMA_DECIMAL.match(t):
            return Reading(_strip_trailing_zeros(_dec(t.replace(",", "."))))
        if _DOT_DECIMAL.match(t):
            v = _strip_trailing_zeros(_dec(t))
            return Reading(
                v,
                warnings=[f'"{text}" dùng dấu chấm thập phân, được hiểu là {format_vn(v)}%'],
                flags=["dot_decimal"],
            )
        return Reading(None, error=f'"{text}" không phải là số')
    whole = kind in (Kind.COUNT, Kind.AMOUNT)  # counts and amounts carry no decimals
    if _DOT_GROUPED.match(t):
        grouped = _dec(t.replace(".", ""))
        if grouping == "comma":
            if t.count(".") >= 2 or whole:  # "5.144.126.233" cannot be a decimal; "1.183" in a count
                return Reading(grouped, warnings=[_other_grouping(text, grouped, "chấm", "phẩy")], flags=["mixed_grouping"])
            return _ambiguous(
                text, [_strip_trailing_zeros(_dec(t)), grouped], "cột ghi số theo dấu phẩy ngăn cách hàng nghìn"
            )
        return Reading(grouped, flags=["dot_thousands"])
    if _COMMA_GROUPED.match(t):
        grouped = _dec(t.replace(",", ""))
        if grouping == "comma":
            return Reading(grouped, flags=["comma_grouping"])
        if t.count(",") >= 2 or whole:  # "591,420,084" cannot be a decimal; "1,183" in a count
            if grouping == "dot":
                return Reading(grouped, warnings=[_other_grouping(text, grouped, "phẩy", "chấm")], flags=["mixed_grouping"])
            return Reading(grouped, flags=["comma_grouping"])
        decimal = _strip_trailing_zeros(_dec(t.replace(",", ".")))
        if grouping == "dot":
            return Reading(decimal)
        return _ambiguous(text, [decimal, grouped], "")
    if _COMMA_DECIMAL.match(t):
        if grouping == "comma":
            return Reading(
                None,
                error=f'"{text}" không đọc được chắc chắn (cột ghi số theo dấu phẩy ngăn cách hàng nghìn)',
            )
        return Reading(_strip_trailing_zeros(_dec(t.replace(",", "."))))
    if _VN_FULL.match(t) and grouping != "comma":
        return Reading(_strip_trailing_zeros(_dec(t.replace(".", "").replace(",", "."))))
    if _EN_FULL.match(t) and grouping != "dot":
        return Reading(
            _strip_trailing_zeros(_dec(t.replace(",", ""))),
            warnings=[
                f'"{text}" ghi theo kiểu tiếng Anh (dấu phẩy ngăn cách hàng nghìn, dấu chấm thập phân)'
            ],
            flags=["dot_decimal"],
        )
    if _DOT_DECIMAL.match(t):
        if kind == Kind.COUNT:
            return Reading(
                None, error=f'"{text}" không đọc được chắc chắn (dấu chấm không đúng vị trí hàng nghìn)'
            )
        v = _strip_trailing_zeros(_dec(t))
        return Reading(
            v,
            warnings=[f'"{text}" dùng dấu chấm thập phân, được hiểu là {format_vn(v)}'],
            flags=["dot_decimal"],
        )
    return Reading(None, error=f'"{text}" không phải là số')


def _other_grouping(text: str, value: Decimal, mark: str, column_mark: str) -> str:
    return (
        f'"{text}" ngăn cách hàng nghìn bằng dấu {mark}, khác các ô khác của cột (dấu {column_mark}); '
        f"được hiểu là {format_vn(value)}"
    )


def _ambiguous(text: str, options: list[Decimal], why: str) -> Reading:
    opts = " hay ".join(format_vn(o) for o in options)
    suffix = f" ({why})" if why else ""
    return Reading(None, error=f'"{text}" không đọc được chắc chắn: {opts}?{suffix}', alternatives=options)


# --------------------------------------------------------------------------------------------
# Derived columns: changes, statuses, increments
# --------------------------------------------------------------------------------------------


@dataclass
class Derived:
    """A printed derived figure: `direction` 'up'/'down'/'same' or 'met'/'not_met'."""

    direction: str | None
    amount: Decimal | None = None
    error: str | None = None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).replace("ƣ", "ư").replace("Ƣ", "Ư")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").lower().split())


_CHANGE = re.compile(r"^(tang|giam)\s*([0-9.,]+)\s*(%|diem %|diem phan tram)?$")


def read_change(raw) -> Derived:
    """'Tăng 0,9%' -> up 0.9; 'Giảm 7,1%' -> down 7.1; 'Bằng' -> same 0."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Derived(None)
    f = _fold(raw_text(raw))
    if f in {"bang", "khong doi", "giu nguyen", "nhu cu"}:
        return Derived("same", Decimal(0))
    m = _CHANGE.match(f)
    if m:
        num = m.group(2)
        r = read_number(num + ("%" if m.group(3) else ""), Kind.PERCENT if m.group(3) else Kind.NUMBER)
        if r.value is None:
            return Derived(None, error=f'"{raw_text(raw)}" không đọc được mức tăng/giảm')
        return Derived("up" if m.group(1) == "tang" else "down", r.value)
    return Derived(None, error=f'"{raw_text(raw)}" không phải là mức tăng/giảm (Tăng …%, Giảm …%, Bằng)')


def read_status(raw) -> Derived:
    """'Đạt' -> met; 'Không đạt' / 'Chưa đạt' -> not_met."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Derived(None)
    f = _fold(raw_text(raw))
    if f in {"dat", "da dat", "hoan thanh", "x"}:
        return Derived("met")
    if f in {"khong dat", "chua dat", "chua hoan thanh"}:
        return Derived("not_met")
    return Derived(None, error=f'"{raw_text(raw)}" không phải là Đạt/Không đạt')


def read_increment(raw) -> Derived:
    """A printed increment ('46', '07', '1.336', or a number): direction from its sign."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Derived(None)
    if isinstance(raw, str):
        change = read_change(raw)
        if change.error is None and change.direction:
            return change
    r = read_number(raw, Kind.NUMBER)
    if r.value is None:
        return Derived(None, error=r.error or f'"{raw_text(raw)}" không phải là số')
    v = r.value
    return Derived("up" if v > 0 else "down" if v < 0 else "same", abs(v))


# ------------------------------------------------------------------------------------------ formatting
# Pure functions: no Django settings, no locale module (the server's locale must not change a number).
EMPTY = "–"


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value, decimals: int | None = None) -> str:
    """1234.5 → "1.234,5"; 1234 → "1.234"; decimals=2 → fixed places; None → "–".

    Without `decimals`, trailing zeros are dropped (92.90 → "92,9") and at most 2 places are shown.
    """
    d = _to_decimal(value)
    if d is None:
        return EMPTY
    places = 2 if decimals is None else decimals
    q = (
        d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if places
        else d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    sign = "-" if q < 0 else ""
    q = abs(q)
    text = f"{q:f}"
    whole, _, frac = text.partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    if frac:
        out += "," + frac
    if out == "0":
        sign = ""
    return sign + out


def format_percent(value, decimals: int | None = None) -> str:
    """92.9 (0–100 scale) → "92,9%"; None → "–"."""
    if _to_decimal(value) is None:
        return EMPTY
    return format_number(value, decimals) + "%"


def format_vnd(value) -> str:
    """12906957546 → "12.906.957.546 đ"."""
    if _to_decimal(value) is None:
        return EMPTY
    return format_number(value, 0) + " đ"


def format_measure(value, measure: str, decimals: int | None = None) -> str:
    """Format by an indicator's measure (percent, count, amount_vnd)."""
    if measure == "percent":
        return format_percent(value, decimals)
    if measure == "amount_vnd":
        return format_vnd(value)
    return format_number(value, decimals)


COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def format_target(comparator: str, value, value_max=None, measure: str = "percent") -> str:
    """A target as every page, document and message prints it: "≥ 80%", "≤ 5%", "80–90%", "≥ 1.000"
    (never ">= 80%"); the number by `format_measure`."""
    if _to_decimal(value) is None:
        return EMPTY
    if comparator == "range":
        upper = format_measure(value_max, measure) if _to_decimal(value_max) is not None else "…"
        lower = format_number(value) if measure == "percent" else format_measure(value, measure)
        return f"{lower}–{upper}"
    return f"{COMPARATOR_SIGNS.get(comparator, comparator)} {format_measure(value, measure)}"


def format_period(period: str) -> str:
    """ "2023-08" → "8/2023", as the reports print months."""
    if not period or len(period) != 7:
        return period or EMPTY
    return f"{int(period[5:])}/{period[:4]}"
