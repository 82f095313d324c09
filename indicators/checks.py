"""The per-value checks every channel runs: the form, the importer, the API and the write door itself.

Pure: no database. ``indicator`` is anything with the catalogue's attributes (`Indicator`, the
importer's `IndicatorMeta`): ``code``, ``measure``, ``cumulative``. ``previous`` is the unit's most
recent earlier value as ``(period, value)`` or None.

Errors refuse the value on every channel (a negative count or percent, a numerator above its
denominator, a fraction in a count, a numerator or denominator without a value that cannot be
computed from them). A ratio indicator's value typed as numerator and denominator only is computed
here (8/8 → 100 %) and handed back in ``ValueCheck.value``, so no channel drops or stores it empty. Warnings are what a person must look at before it is stored: the
form asks to confirm them, the importer lists them in the preview, the API answers them in
``warnings`` (a percent above 100, a cumulative value lower than last period's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import format_vn

from .choices import Aggregation, Cumulative, Measure
from .status import cumulative_kind, restarts

HUNDRED = Decimal(100)
STORED_PLACES = Decimal("0.000001")  # DataValue.value is numeric(24, 6)

VALUE_REQUIRED = "Thiếu giá trị: đã nhập {parts} thì phải nhập cả giá trị"
RATIO_PARTS_REQUIRED = "Thiếu giá trị: hãy nhập giá trị, hoặc cả tử số và mẫu số để tính tỷ lệ"
ZERO_DENOMINATOR = "Mẫu số bằng 0: không tính được tỷ lệ; hãy nhập giá trị"


@dataclass
class ValueCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)  # field → messages
    warnings: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # machine-readable kinds, in the order found
    value: Decimal | None = None  # the value checked: as given, or computed from numerator/denominator
    computed: bool = False  # the value was computed from the numerator and denominator

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


def is_ratio(indicator) -> bool:
    """A percentage summed as numerators over denominators: its value follows from the two."""
    return indicator.measure == Measure.PERCENT and getattr(indicator, "aggregation", "") == Aggregation.RATIO_OF_SUMS


def ratio_value(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator as a percentage, to the stored precision (8/8 → 100, 2/3 → 66,666667)."""
    value = (numerator * HUNDRED / denominator).quantize(STORED_PLACES)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


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
    check.value = value
    if value is None:
        if numerator is None and denominator is None:
            return check
        if check.errors:
            return check
        if not is_ratio(indicator):
            parts = " và ".join(n for n, v in (("tử số", numerator), ("mẫu số", denominator)) if v is not None)
            check.error("value", VALUE_REQUIRED.format(parts=parts), "value_required")
            return check
        if numerator is None or denominator is None:
            check.error("value", RATIO_PARTS_REQUIRED, "value_required")
            return check
        if denominator == 0:
            check.error("denominator", ZERO_DENOMINATOR, "zero_denominator")
            return check
        value = check.value = ratio_value(numerator, denominator)
        check.computed = True
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
    Called once per imported value by the importer and again by the door, hence plain strings and
    Decimal constants (comparing with an enum member or an int costs twice as much).
    """
    if value is None:
        return True
    if measure == _PERCENT:
        return _ZERO <= value <= HUNDRED
    if measure == _COUNT:
        return value >= _ZERO and value == value.to_integral_value()
    if measure == _AMOUNT:
        return value >= _ZERO
    return True


_ZERO = Decimal(0)
_PERCENT, _COUNT, _AMOUNT = str(Measure.PERCENT), str(Measure.COUNT), str(Measure.AMOUNT_VND)
