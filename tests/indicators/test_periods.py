import datetime

import pytest

from core.periods import (
    add_months,
    last_day,
    month_of,
    months_between,
    next_month,
    parse_period,
    period_label,
    period_range,
    previous_month,
    year_of,
)


def test_it_accepts_a_well_formed_period():
    assert parse_period("2023-08") == "2023-08"
    assert parse_period(" 2023-12 ") == "2023-12"


@pytest.mark.parametrize("text", ["2023-13", "08/2023", "2023-8", "2023-00", "202308", "", None, "abcd-ef"])
def test_it_refuses_a_malformed_period_with_the_message_users_see(text):
    with pytest.raises(ValueError) as excinfo:
        parse_period(text)
    assert str(excinfo.value) == f'Kỳ báo cáo "{text}" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'


def test_the_month_before_january_is_december_of_the_previous_year():
    assert previous_month("2023-01") == "2022-12"
    assert previous_month("2023-08") == "2023-07"


def test_the_month_after_december_is_january_of_the_next_year():
    assert next_month("2022-12") == "2023-01"
    assert next_month("2023-07") == "2023-08"


def test_add_months_crosses_years_both_ways():
    assert add_months("2023-11", 14) == "2025-01"
    assert add_months("2023-02", -14) == "2021-12"


def test_period_range_includes_both_ends_and_crosses_years():
    assert period_range("2022-11", "2023-02") == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert period_range("2023-05", "2023-05") == ["2023-05"]
    assert period_range("2023-05", "2023-04") == []


def test_period_range_validates_its_bounds():
    with pytest.raises(ValueError):
        period_range("2023-01", "2023-13")


def test_year_and_month_of_a_period():
    assert year_of("2023-08") == 2023
    assert month_of("2023-08") == 8


def test_months_between_counts_calendar_months():
    assert months_between("2023-07", "2023-08") == 1
    assert months_between("2022-12", "2023-11") == 11


def test_last_day_knows_february_in_leap_years():
    assert last_day("2024-02") == datetime.date(2024, 2, 29)
    assert last_day("2023-02") == datetime.date(2023, 2, 28)
    assert last_day("2023-09") == datetime.date(2023, 9, 30)


def test_the_label_is_worded_as_the_reports_print_it():
    assert period_label("2023-08") == "tháng 8/2023"
    assert period_label("2023-10") == "tháng 10/2023"
    assert period_label("2023-01") == "tháng 1/2023"
