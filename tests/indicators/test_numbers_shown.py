"""Numbers as the reader expects them (issue 17): one formatter (core.numbers) for targets, amounts
and history lists."""

from decimal import Decimal

from core.numbers import format_measure, format_target


def test_targets_print_with_the_signs_not_ascii_operators():
    assert format_target(">=", Decimal(80)) == "≥ 80%"
    assert format_target("<=", Decimal(5)) == "≤ 5%"
    assert format_target("range", Decimal(80), Decimal(90)) == "80–90%"
    assert format_target(">=", Decimal(1000), measure="count") == "≥ 1.000"
    assert format_target(">=", Decimal(1500000), measure="amount_vnd") == "≥ 1.500.000 đ"
    assert format_target(">=", None) == "–"


def test_one_precision_for_one_value_and_amounts_always_with_dong():
    assert format_measure(Decimal("92.900000"), "percent") == "92,9%"
    assert format_measure(Decimal("99.45"), "percent") == "99,45%"
    assert format_measure(Decimal(1420), "count") == "1.420"
    assert format_measure(Decimal("12906957546"), "amount_vnd") == "12.906.957.546 đ"
