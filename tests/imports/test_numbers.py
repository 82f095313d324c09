from decimal import Decimal

import pytest

from core.numbers import (
    Kind,
    NumberError,
    detect_grouping,
    parse_percent,
    parse_vn_number,
    percent_column_scale,
    read_change,
    read_increment,
    read_number,
    read_status,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.039", D(1039)),
        ("07", D(7)),
        ("92,9", D("92.9")),
        ("1.234,5", D("1234.5")),
        ("0", D(0)),
        ("-3", D(-3)),
    ],
)
def test_parse_vn_number_reads_vietnamese_numbers(text, expected):
    assert parse_vn_number(text) == expected


def test_parse_vn_number_rejects_garbage_with_the_message_users_see():
    with pytest.raises(NumberError) as exc:
        parse_vn_number("12,5a")
    assert str(exc.value) == '"12,5a" không phải là số'


@pytest.mark.parametrize(
    ("text", "expected"), [("92,90%", D("92.9")), ("100,00%", D(100)), ("100%", D(100)), ("0,51%", D("0.51"))]
)
def test_parse_percent(text, expected):
    assert parse_percent(text) == expected


def test_parse_percent_needs_the_percent_sign():
    with pytest.raises(NumberError):
        parse_percent("98,9")


def test_text_percent_is_read_on_a_0_to_100_scale():
    r = read_number("92,90%", Kind.PERCENT)
    assert (r.value, r.error, r.warnings) == (D("92.9"), None, [])


def test_percent_without_sign_is_read_with_a_warning():
    r = read_number("98,9", Kind.PERCENT)
    assert r.value == D("98.9")
    assert r.flags == ["missing_percent"]
    assert r.warnings == ['"98,9" thiếu dấu %, được hiểu là 98,9%']


def test_dot_decimal_percent_is_read_with_a_warning():
    r = read_number("92.70%", Kind.PERCENT)
    assert r.value == D("92.7")
    assert r.flags == ["dot_decimal"]
    assert r.warnings == ['"92.70%" dùng dấu chấm thập phân, được hiểu là 92,7%']


def test_percent_formatted_number_is_a_fraction():
    assert read_number(0.929, Kind.PERCENT, percent_scale="fraction").value == D("92.9")
    assert read_number(1.0, Kind.PERCENT, percent_scale="fraction").value == D(100)
    assert read_number(0.0, Kind.PERCENT, percent_scale="fraction").value == D(0)


def test_a_lone_numeric_percent_at_most_one_is_a_fraction_and_above_one_is_points_with_a_warning():
    assert read_number(1.0, Kind.PERCENT).value == D(100)
    r = read_number(92.9, Kind.PERCENT)
    assert r.value == D("92.9")
    assert r.flags == ["numeric_points"]
    assert len(r.warnings) == 1


def test_small_number_in_a_points_column_is_ambiguous():
    r = read_number(1.0, Kind.PERCENT, percent_scale="points")
    assert r.value is None
    assert r.alternatives == [D(1), D(100)]
    assert r.error == '"1" không rõ là 1% hay 100% (các ô khác của cột ghi theo thang 0–100)'


def test_column_scale():
    assert percent_column_scale([1.0, 0.929, "98,9", ""]) == "fraction"
    assert percent_column_scale([92.9, 1.0]) == "points"
    assert percent_column_scale(["100%"]) == "auto"


@pytest.mark.parametrize(
    ("raw", "value", "flags"),
    [
        ("1.039", D(1039), ["dot_thousands"]),
        ("07", D(7), ["leading_zero"]),
        (1039.0, D(1039), []),
        ("12.608", D(12608), ["dot_thousands"]),
    ],
)
def test_counts(raw, value, flags):
    r = read_number(raw, Kind.COUNT)
    assert (r.value, r.flags, r.error) == (value, flags, None)


def test_comma_grouping_in_a_comma_grouped_column():
    assert read_number("591,420,084", Kind.AMOUNT, grouping="comma").value == D(591420084)
    assert read_number("591,420,084", Kind.AMOUNT).value == D(591420084)  # two groups: unambiguous


def test_malformed_number_in_a_comma_grouped_column_is_an_error():
    r = read_number("2,73", Kind.COUNT, grouping="comma")
    assert r.value is None
    assert r.error == '"2,73" không đọc được chắc chắn (cột ghi số theo dấu phẩy ngăn cách hàng nghìn)'


def test_single_comma_group_without_context_is_ambiguous_for_a_plain_number():
    r = read_number("1,039", Kind.NUMBER)
    assert r.value is None
    assert r.alternatives == [D("1.039"), D(1039)]


def test_a_count_or_an_amount_has_no_decimals_so_one_group_is_thousands():
    # issue 15: "1.183" / "1,183" in a count column are 1183, warned when the column uses the other grouping
    for kind in (Kind.COUNT, Kind.AMOUNT):
        assert (read_number("1,183", kind).value, read_number("1,183", kind).warnings) == (D(1183), [])
        assert (read_number("1.183", kind).value, read_number("1.183", kind).warnings) == (D(1183), [])
        dot = read_number("1,183", kind, grouping="dot")
        assert (dot.value, dot.flags) == (D(1183), ["mixed_grouping"])
        assert dot.warnings == [
            '"1,183" ngăn cách hàng nghìn bằng dấu phẩy, khác các ô khác của cột (dấu chấm); được hiểu là 1.183'
        ]
        comma = read_number("1.183", kind, grouping="comma")
        assert (comma.value, comma.flags) == (D(1183), ["mixed_grouping"])


def test_dash_means_no_transaction():
    r = read_number("-", Kind.COUNT)
    assert (r.value, r.flags, r.error) == (D(0), ["no_transaction"], None)
    p = read_number("-", Kind.PERCENT)
    assert (p.value, p.flags) == (None, ["no_transaction"])


def test_empty_cells_are_empty_not_zero():
    for raw in ("", "  ", None):
        r = read_number(raw, Kind.COUNT)
        assert (r.value, r.flags, r.error) == (None, ["empty"], None)


def test_counts_must_be_whole_and_not_negative():
    assert read_number(2.5, Kind.COUNT).error == '"2.5" không phải là số nguyên (cột số lượng)'
    assert read_number("-3", Kind.COUNT).error == '"-3" là số âm; số lượng không thể âm'


def test_dates_are_not_numbers():
    import datetime

    r = read_number(datetime.datetime(2039, 3, 1), Kind.COUNT)
    assert r.error == '"01/03/2039" là ngày tháng, không phải số (ô bị định dạng kiểu ngày)'


def test_not_a_number_message():
    assert read_number("12,5a", Kind.PERCENT).error == '"12,5a" không phải là số'


def test_grouping_detection():
    assert detect_grouping(["591,420,084", 5.0]) == "comma"
    assert detect_grouping(["1.234.567"]) == "dot"
    assert detect_grouping(["2,73", 3.0]) == "auto"


def test_change_status_and_increment_readers():
    assert (read_change("Tăng 0,9%").direction, read_change("Tăng 0,9%").amount) == ("up", D("0.9"))
    assert (read_change("Giảm 7,1%").direction, read_change("Giảm 7,1%").amount) == ("down", D("7.1"))
    assert (read_change("Bằng").direction, read_change("Bằng").amount) == ("same", D(0))
    assert read_status("Đạt").direction == "met"
    assert read_status("Không đạt").direction == "not_met"
    assert read_status("KHÔNG ĐẠT").direction == "not_met"
    assert (read_increment("07").direction, read_increment("07").amount) == ("up", D(7))
    assert read_increment("1.336").amount == D(1336)
    assert read_change("xyz").error is not None
