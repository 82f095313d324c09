from decimal import Decimal

import pytest
from django.template import Context, Template

from core.numbers import format_number, format_percent, format_period, format_vnd


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (1234.5, None, "1.234,5"),
        (Decimal("1234.50"), None, "1.234,5"),
        (1234, None, "1.234"),
        (12906957546, None, "12.906.957.546"),
        (Decimal("0.05"), None, "0,05"),
        (Decimal("-7.1"), None, "-7,1"),
        (Decimal("92.899"), 1, "92,9"),
        (Decimal("92.9"), 2, "92,90"),
        (Decimal("0.004"), None, "0"),
        (None, None, "–"),
        ("", None, "–"),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_percent_vnd_and_period():
    assert format_percent(92.9) == "92,9%"
    assert format_percent(Decimal("100.00")) == "100%"
    assert format_percent(None) == "–"
    assert format_vnd(Decimal("12906957546")) == "12.906.957.546 đ"
    assert format_period("2023-08") == "8/2023"
    assert format_period("2023-11") == "11/2023"


def test_the_template_filters_are_builtins():
    out = Template("{{ a|vn_number }} {{ b|vn_percent }} {{ c|vn_vnd }} {{ d|vn_period }}").render(
        Context({"a": 1234.5, "b": 92.9, "c": 12906957546, "d": "2023-08"})
    )
    assert out == "1.234,5 92,9% 12.906.957.546 đ 8/2023"
