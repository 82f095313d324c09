"""The per-value checks every channel runs: the form, the importer, the API and the write door itself.

Pure: no database. ``indicator`` is anything with the catalogue's attributes (`Indicator`, the
importer's `IndicatorMeta`): ``code``, ``measure``, ``cumulative``. ``previous`` is the unit's most
recent earlier value as ``(period, value)`` or None.

Errors refuse the value on every channel (a negative count or percent, a numerator above its
denominator, a fraction in a count). Warnings are what a person must look at before it is stored: the
form asks to confirm them, the importer lists them in the preview, the API answers them in
``warnings`` (a percent above 100, a cumulative value lower than last period's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import format_vn

from .choices import Cumulative, Measure
from .status import cumulative_kind, restarts

HUNDRED = Decimal(100)


@dataclass
class ValueCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)  # field → messages
    warnings: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # machine-readable kinds, in the order found

    def error(self, name: str, message: str, code: str) -> None:
        self.errors.setdefault(name, []).append(message)
        self.codes.append(code)

    def warn(self, message: str, code: str) -> None:
        self.warnings.append(message)
        self.codes.append(code)

    @property
    def ok(self) -> bool:
        return not self.errors


def shown(value, measure: str = "") -> str:
    """A number as messages print it: 1.039, 92,9 (with % for percentages)."""
    text = format_vn(Decimal(value))
    return f"{text}%" if measure == Measure.PERCENT else text


def check_value(
    indicator,
    value: Decimal | None,
    previous: tuple[str, Decimal | None] | None = None,
    *,
    period: str = "",
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    raw: str = "",
) -> ValueCheck:
    """Check one value of ``indicator`` for ``period`` (see the module docstring).

    ``raw`` is the text as typed, quoted in the messages about it (a form shows "-5" as the user typed
    it); without it the number is printed the Vietnamese way.
    """
    check = ValueCheck()
    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and number < 0:
            check.error(name, f'"{format_vn(number)}" là số âm', "negative")
    if numerator is not None and denominator is not None and numerator > denominator:
        check.error(
            "numerator",
            f"Tử số ({format_vn(numerator)}) lớn hơn mẫu số ({format_vn(denominator)})",
            "numerator_above_denominator",
        )
    if value is None:
        return check
    quoted = raw.strip() or format_vn(value)
    measure = indicator.measure
    if measure == Measure.PERCENT:
        if value < 0:
            check.error("value", f"Tỷ lệ {shown(value, measure)} là số âm", "negative")
        elif value > HUNDRED:
            check.warn(
                f"Tỷ lệ {shown(value, measure)} lớn hơn 100%; hãy xác nhận nếu đúng", "percent_above_100"
            )
    elif measure == Measure.COUNT:
        if value != value.to_integral_value():
            check.error("value", f'"{quoted}" không phải là số nguyên (cột số lượng)', "not_integer")
        elif value < 0:
            check.error("value", f'"{quoted}" là số âm; số lượng không thể âm', "negative")
    elif measure == Measure.AMOUNT_VND and value < 0:
        check.error("value", f'"{quoted}" là số âm; số tiền không thể âm', "negative")
    cumulative = cumulative_kind(indicator.code, getattr(indicator, "cumulative", "") or "")
    if previous is not None and cumulative != Cumulative.NONE:
        prev_period, prev_value = previous
        if (
            prev_value is not None
            and value < prev_value
            and not restarts(cumulative, prev_period, period or prev_period)
        ):
            check.warn(
                f"Số lũy kế {shown(value, measure)} thấp hơn kỳ trước "
                f"({shown(prev_value, measure)}); hãy xác nhận nếu đúng",
                "cumulative_drop",
            )
    return check


def plainly_valid(measure: str, value: Decimal | None) -> bool:
    """True when `check_value` has nothing to say about ``value`` — no error, no warning — for an
    indicator of this measure that is not cumulative, without numerator or denominator.

    The same rules as `check_value`, without the messages: the write door skips the call for the
    bulk of a large import and calls it for every other value (tests/indicators hold the two equal).
    """
    if value is None:
        return True
    if measure == Measure.PERCENT:
        return 0 <= value <= HUNDRED
    if measure == Measure.COUNT:
        return value >= 0 and value == value.to_integral_value()
    if measure == Measure.AMOUNT_VND:
        return value >= 0
    return True
