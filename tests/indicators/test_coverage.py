"""The pure rules of indicators/coverage.py: which month readers open on, what a partial figure shows and
what its change compares (the database side is tests/dashboards/test_partial_month.py)."""

from decimal import Decimal

from django.test import override_settings

from indicators.coverage import Coverage, change_in, comparisons_needed, default_period, figure, period_labels


def entry(computed=None, printed=None, covered=0, expected=0, aggregation="mean"):
    return {
        "computed": None if computed is None else Decimal(computed),
        "printed": None if printed is None else Decimal(printed),
        "covered": covered,
        "expected": expected,
        "aggregation": aggregation,
    }


def test_a_coverage_reads_as_units_that_reported():
    assert Coverage(1, 37).text == "1/37 đơn vị đã báo cáo"
    assert Coverage(1, 37).partial and not Coverage(37, 37).partial
    assert not Coverage(0, 0).known and not Coverage(0, 0).partial
    assert Coverage(1234, 2000).text == "1.234/2.000 đơn vị đã báo cáo"


def test_readers_open_on_the_latest_month_that_reaches_the_threshold():
    months = {"2023-09": Coverage(1, 37), "2023-08": Coverage(30, 37), "2023-07": Coverage(37, 37)}
    periods = ["2023-09", "2023-08", "2023-07", "2023-06"]
    assert default_period(periods, months) == "2023-08"  # 30/37 = 81 % reaches 80 %
    with override_settings(PROVINCE_COVERAGE_THRESHOLD=0.9):
        assert default_period(periods, months) == "2023-07"
    # No month reaches it (or none has a known coverage): the latest month, shown as partial.
    assert default_period(periods, {"2023-09": Coverage(1, 37)}) == "2023-09"
    assert default_period([], {}) is None


def test_partial_months_are_labelled_in_the_period_selector():
    months = {"2023-09": Coverage(1, 37), "2023-08": Coverage(37, 37)}
    assert period_labels(["2023-09", "2023-08", "2023-06"], months) == {
        "2023-09": " (chưa đủ: 1/37 đơn vị đã báo cáo)"
    }


def test_a_partial_sum_is_never_the_province_total_but_a_partial_mean_is_shown():
    assert figure(entry("3512", covered=1, expected=12, aggregation="sum")) is None
    assert figure(entry("92.9", covered=1, expected=37)) == Decimal("92.9")
    assert figure(entry("3512", "40387", covered=1, expected=12, aggregation="sum")) == Decimal(40387)


def test_a_change_against_a_complete_month_uses_the_units_in_both_or_says_why_not():
    series = {
        "2023-08": entry("99.45", covered=37, expected=37),
        "2023-09": entry("92.9", covered=1, expected=37),
    }
    assert comparisons_needed({7: series}, "2023-09") == {7: "2023-08"}
    alone = change_in(series, "2023-09", "percent")
    assert (alone["change_text"], alone["change_note"]) == (
        "",
        "Không so sánh với tháng 8/2023: không có đơn vị nào báo cáo cả hai kỳ",
    )
    same_units = {("2023-09", "2023-08"): (Decimal("92.9"), Decimal(100), 1)}
    compared = change_in(series, "2023-09", "percent", same_units)
    assert (compared["change_text"], compared["change_note"]) == (
        "Giảm 7,1%",
        "so sánh cùng 1 đơn vị đã báo cáo cả hai kỳ",
    )


def test_two_complete_months_compare_as_before():
    series = {
        "2023-07": entry("99.65", covered=37, expected=37),
        "2023-08": entry("99.31", covered=37, expected=37),
    }
    assert comparisons_needed({7: series}, "2023-08") == {}
    change = change_in(series, "2023-08", "percent")
    assert (change["change_text"], change["change_note"], change["previous_period"]) == (
        "Giảm 0,34%",
        "",
        "2023-07",
    )
