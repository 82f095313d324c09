import datetime
from decimal import Decimal

import pytest

from indicators.choices import Cumulative, Direction, Measure, QualityFlag, Status
from indicators.status import (
    Change,
    TargetRule,
    aggregate,
    change_text,
    choose_target,
    compare_with_previous,
    completeness,
    cumulative_kind,
    evaluate,
    evaluate_tiers,
    flag_bits,
    flags_from_bits,
    format_number,
    is_outlier,
    mismatch_message,
    modified_z_score,
    monthly_increments,
    progress_of,
    quality_flags,
    ratio_mismatch,
    total_mismatch,
)

D = Decimal


def target(comparator=">=", value=80, value_max=None, **kwargs):
    kwargs.setdefault("year", 2023)
    return TargetRule(comparator=comparator, value=value, value_max=value_max, **kwargs)


# ------------------------------------------------------------------------------------ which target
class TestChooseTarget:
    def test_a_unit_target_beats_the_level_target(self):
        level = target(value=80, levels="agency|district")
        own = target(value=90, unit="SYT")
        assert choose_target([level, own], period="2023-08", unit="SYT", level="agency") is own
        assert choose_target([level, own], period="2023-08", unit="SCT", level="agency") is level

    def test_a_level_target_applies_to_each_listed_level_only(self):
        t = target(levels="agency|district")
        assert choose_target([t], period="2023-08", unit="BUDOP", level="district") is t
        assert choose_target([t], period="2023-08", unit="X", level="commune") is None

    def test_only_the_target_of_the_values_year_applies(self):
        t2023 = target(value=80, levels="district")
        t2024 = target(value=85, levels="district", year=2024)
        assert choose_target([t2023, t2024], period="2024-01", level="district") is t2024
        assert choose_target([t2023, t2024], period="2022-12", level="district") is None

    def test_a_target_applies_only_from_its_effective_period(self):
        esign = target(value=95, levels="agency|district", effective_from="2023-09")
        assert choose_target([esign], period="2023-08", level="agency") is None
        assert choose_target([esign], period="2023-09", level="agency") is esign

    def test_the_most_recently_effective_target_wins(self):
        early = target(value=80, levels="district", effective_from="2023-01")
        later = target(value=90, levels="district", effective_from="2023-07")
        assert choose_target([later, early], period="2023-06", level="district") is early
        assert choose_target([early, later], period="2023-08", level="district") is later


# ------------------------------------------------------------------------------------------ status
class TestEvaluate:
    def test_no_value_is_no_data_and_no_target_is_no_target(self):
        assert evaluate(None, target()).status == Status.NO_DATA
        assert evaluate(D("50"), None).status == Status.NO_TARGET
        assert evaluate(None, None).status == Status.NO_DATA

    def test_gte_is_met_at_the_boundary(self):
        assert evaluate(D("80"), target(">=", 80)).status == Status.MET
        assert evaluate(D("79.99"), target(">=", 80)).status == Status.NOT_MET

    def test_gt_is_not_met_at_the_boundary(self):
        # "đạt trên 50%": exactly 50 % is not above 50 %.
        assert evaluate(D("50"), target(">", 50)).status == Status.NOT_MET
        assert evaluate(D("50.01"), target(">", 50)).status == Status.MET

    def test_lte_and_lt_for_lower_is_better(self):
        assert evaluate(D("10"), target("<=", 10), direction=Direction.DOWN).status == Status.MET
        assert evaluate(D("10"), target("<", 10), direction=Direction.DOWN).status == Status.NOT_MET
        assert evaluate(D("9"), target("<", 10), direction=Direction.DOWN).status == Status.MET

    def test_range_is_met_from_the_lower_bound_inclusive_to_the_upper_bound(self):
        eid = target("range", 20, 30)
        assert evaluate(D("19.99"), eid).status == Status.NOT_MET
        assert evaluate(D("20"), eid).status == Status.MET
        assert evaluate(D("30"), eid).status == Status.MET
        assert evaluate(D("30.01"), eid).status == Status.NOT_MET

    def test_progress_is_the_value_as_percent_of_the_target(self):
        assert evaluate(D("92.9"), target(">=", 80)).progress == D("116.13")
        assert evaluate(D("40"), target(">=", 50)).progress == D("80.00")
        assert evaluate(D("25"), target("range", 20, 30)).progress == D("125.00")

    def test_a_lower_is_better_indicator_measures_progress_inversely(self):
        # HOT-OPEN (tin đang xử lý): 12 open against at most 10 is 83,33 % of the way.
        hot_open = target("<=", 10)
        result = evaluate(D("12"), hot_open, direction=Direction.DOWN)
        assert result.status == Status.NOT_MET
        assert result.progress == D("83.33")
        assert evaluate(D("5"), hot_open, direction=Direction.DOWN).progress == D("200.00")
        assert progress_of(D("0"), hot_open, Direction.DOWN) == D("100")

    def test_a_higher_is_better_target_of_zero_has_no_progress(self):
        assert progress_of(D("3"), target(">=", 0)) is None

    def test_before_the_deadline_a_miss_is_in_progress(self):
        # CQS-FILE-ONLINE: "đạt 60% (trước tháng 9/2023)", deadline stored as 2023-09-30.
        t = target(">=", 60, deadline=datetime.date(2023, 9, 30))
        assert evaluate(D("45"), t, period="2023-06").status == Status.IN_PROGRESS
        assert evaluate(D("45"), t, period="2023-08").status == Status.IN_PROGRESS
        assert evaluate(D("45"), t, period="2023-09").status == Status.NOT_MET
        assert evaluate(D("45"), t, period="2023-10").status == Status.NOT_MET
        assert evaluate(D("61"), t, period="2023-06").status == Status.MET

    def test_status_labels_are_vietnamese(self):
        assert Status.MET.label == "Đạt"
        assert Status.NOT_MET.label == "Không đạt"
        assert Status.NO_TARGET.label == "Chưa có chỉ tiêu"
        assert Status.NO_DATA.label == "Chưa có số liệu"
        assert Status.IN_PROGRESS.label == "Đang thực hiện"

    def test_the_dvctt_targets_of_the_january_report(self):
        # Sở GTVT printed 92,90 % against 80 % → Đạt; Huyện Hớn Quản 88,9 % → Đạt.
        svc = target(">=", 80, levels="agency|district", effective_from="2023-01")
        assert evaluate(D("92.9"), svc, period="2023-01").status == Status.MET
        assert evaluate(D("88.9"), svc, period="2023-01").status == Status.MET
        assert evaluate(D("79.9"), svc, period="2023-01").status == Status.NOT_MET


class TestTiers:
    TIERS = [
        target(">=", 100, levels="province"),
        target(">=", 95, levels="district"),
        target(">=", 80, levels="commune"),
    ]

    def test_each_level_is_judged_against_its_own_tier(self):
        result = evaluate_tiers(
            {"province": 100, "district": 96, "commune": 70}, self.TIERS, period="2023-06"
        )
        assert {lvl: e.status for lvl, e in result.levels.items()} == {
            "province": Status.MET,
            "district": Status.MET,
            "commune": Status.NOT_MET,
        }
        assert result.levels["commune"].progress == D("87.50")
        assert result.status == Status.NOT_MET
        assert result.progress == D("87.50")

    def test_the_printed_june_values_fail_every_tier(self):
        result = evaluate_tiers({"province": 95, "district": 92, "commune": 70}, self.TIERS, period="2023-06")
        assert [e.status for e in result.levels.values()] == [Status.NOT_MET] * 3
        assert [e.progress for e in result.levels.values()] == [D("95.00"), D("96.84"), D("87.50")]
        assert result.status == Status.NOT_MET

    def test_overall_is_met_only_if_every_level_is_met(self):
        result = evaluate_tiers(
            {"province": 100, "district": 95, "commune": 80}, self.TIERS, period="2023-12"
        )
        assert result.status == Status.MET
        assert result.progress == D("100.00")

    def test_a_missing_level_means_no_data_unless_another_level_failed(self):
        met_so_far = evaluate_tiers({"province": 100, "district": 99}, self.TIERS, period="2023-12")
        assert met_so_far.levels["commune"].status == Status.NO_DATA
        assert met_so_far.status == Status.NO_DATA
        failed = evaluate_tiers({"province": 90, "district": 99}, self.TIERS, period="2023-12")
        assert failed.status == Status.NOT_MET

    def test_no_tier_targets_means_no_target(self):
        result = evaluate_tiers({"province": 95}, [], period="2023-06")
        assert result.status == Status.NO_TARGET


# ------------------------------------------------------------------------------------------ change
class TestChangeText:
    @pytest.mark.parametrize(
        "value, previous, printed",
        [
            # January 2023 report, DVCTT sheet (value, value of the December report, printed change)
            ("98.9", "98", "Tăng 0,9%"),
            ("92.9", "100", "Giảm 7,1%"),
            ("97", "97.3", "Giảm 0,3%"),
            ("100", "99", "Tăng 1%"),
            ("88.9", "92.9", "Giảm 4%"),
            ("100", "92.9", "Tăng 7,1%"),
            ("100", "100", "Bằng"),
            # August 2023 report
            ("90.05", "90", "Tăng 0,05%"),
            ("100", "90", "Tăng 10%"),
            ("82.1", "93.3", "Giảm 11,2%"),
            ("95.2", "100", "Giảm 4,8%"),
            ("99.4", "99.4", "Bằng"),
        ],
    )
    def test_percent_changes_are_percentage_points_worded_as_printed(self, value, previous, printed):
        result = compare_with_previous(
            D(value), D(previous), period="2023-08", previous_period="2023-07", measure=Measure.PERCENT
        )
        assert result.change_text == printed
        assert result.change == D(value) - D(previous)
        assert result.change_pct is None
        assert result.increment is None

    def test_float_noise_does_not_leak_into_the_wording(self):
        assert change_text(92.9 - 100, Measure.PERCENT) == "Giảm 7,1%"
        assert change_text(D("0.004"), Measure.PERCENT) == "Bằng"
        assert change_text(D("0.005"), Measure.PERCENT) == "Tăng 0,01%"

    def test_counts_change_in_absolute_and_relative_terms_with_the_increment(self):
        # Bình Phước Today users, "Không xác định": 12.608 in January after 11.272 → tăng thêm 1.336.
        result = compare_with_previous(
            D("12608"), D("11272"), period="2023-01", previous_period="2022-12", measure=Measure.COUNT
        )
        assert result.change == D("1336")
        assert result.increment == D("1336")
        assert result.change_pct == D("11.85")
        assert result.change_text == "Tăng 1.336"
        assert result.previous_period == "2022-12"

    def test_a_count_that_falls_is_worded_giam(self):
        result = compare_with_previous(
            D("7"), D("12"), period="2023-08", previous_period="2023-07", measure="count"
        )
        assert result.change_text == "Giảm 5"
        assert result.change_pct == D("-41.67")

    def test_a_relative_change_from_zero_is_undefined(self):
        result = compare_with_previous(
            D("5"), D("0"), period="2023-08", previous_period="2023-07", measure="count"
        )
        assert result.change_pct is None
        assert result.change_text == "Tăng 5"

    def test_a_missing_previous_value_gives_no_change(self):
        result = compare_with_previous(
            D("92.9"), None, period="2023-08", previous_period=None, measure="percent"
        )
        assert result == Change()
        assert result.change_text == ""

    def test_no_value_gives_no_change(self):
        assert (
            compare_with_previous(None, D("3"), period="2023-08", previous_period="2023-07", measure="count")
            == Change()
        )

    def test_format_number_is_vietnamese(self):
        assert format_number(D("1336"), 0) == "1.336"
        assert format_number(D("12906957546"), 0) == "12.906.957.546"
        assert format_number(D("0.05")) == "0,05"
        assert format_number(D("7.10")) == "7,1"
        assert format_number(D("-3.5")) == "-3,5"


class TestCumulative:
    def test_the_code_convention_names_the_kind(self):
        assert cumulative_kind("SW-ECABINET-YTD") == Cumulative.YEAR_TO_DATE
        assert cumulative_kind("MEDIA-POSTS-CUM") == Cumulative.SINCE_START
        assert cumulative_kind("SW-ECABINET") == Cumulative.NONE
        assert cumulative_kind("APP-BPTODAY-USERS", Cumulative.SINCE_START) == Cumulative.SINCE_START

    def test_year_to_date_resets_in_january(self):
        # December YTD 140 meetings, January YTD 12: the increment is 12, and it is not a drop.
        result = compare_with_previous(
            D("12"),
            D("140"),
            period="2023-01",
            previous_period="2022-12",
            measure=Measure.COUNT,
            cumulative=Cumulative.YEAR_TO_DATE,
        )
        assert result.increment == D("12")
        assert result.cumulative_drop is False
        assert result.change == D("-128")
        assert result.change_text == "Giảm 128"

    def test_a_january_year_to_date_value_with_no_earlier_report_is_its_own_increment(self):
        result = compare_with_previous(
            D("12"), None, period="2023-01", previous_period=None, measure="count", cumulative="ytd"
        )
        assert result.increment == D("12")
        assert result.change is None

    def test_year_to_date_increment_within_the_year(self):
        result = compare_with_previous(
            D("95"), D("80"), period="2023-08", previous_period="2023-07", measure="count", cumulative="ytd"
        )
        assert result.increment == D("15")

    def test_a_year_to_date_value_with_the_previous_month_missing_counts_from_the_last_report(self):
        # July missing: August is compared with June, and the increment covers two months.
        result = compare_with_previous(
            D("95"), D("70"), period="2023-08", previous_period="2023-06", measure="count", cumulative="ytd"
        )
        assert result.previous_period == "2023-06"
        assert result.increment == D("25")

    def test_a_since_start_count_never_resets(self):
        result = compare_with_previous(
            D("10"),
            D("400"),
            period="2023-01",
            previous_period="2022-12",
            measure="count",
            cumulative=Cumulative.SINCE_START,
        )
        assert result.cumulative_drop is True
        assert result.increment == D("-390")

    def test_a_cumulative_value_below_the_previous_one_is_a_drop(self):
        result = compare_with_previous(
            D("79"), D("80"), period="2023-08", previous_period="2023-07", measure="count", cumulative="ytd"
        )
        assert result.cumulative_drop is True
        assert quality_flags(D("79"), measure="count", change=result) == [QualityFlag.CUMULATIVE_DROP]

    def test_monthly_increments_of_a_year_to_date_series(self):
        series = {"2022-11": 100, "2022-12": 130, "2023-01": 12, "2023-02": 30, "2023-04": 70}
        assert monthly_increments(series, Cumulative.YEAR_TO_DATE) == {
            "2022-11": None,
            "2022-12": D("30"),
            "2023-01": D("12"),
            "2023-02": D("18"),
            "2023-04": None,  # March is missing
        }


# -------------------------------------------------------------------------------------- roll-ups
class TestAggregate:
    ROWS = [
        {"value": D("100"), "numerator": D("30"), "denominator": D("30")},
        {"value": D("90"), "numerator": D("9"), "denominator": D("10")},
        {"value": None},
    ]

    def test_sum_mean_and_ratio_of_sums(self):
        rows = self.ROWS[:2]
        assert aggregate(rows, "sum") == D("190")
        assert aggregate(rows, "mean") == D("95")
        assert aggregate(rows, "ratio_of_sums") == D("97.5")
        assert aggregate(rows, "none") is None

    def test_missing_values_are_left_out_and_partial_ratios_refused(self):
        assert aggregate(self.ROWS, "mean") == D("95")
        assert (
            aggregate([{"value": D("50"), "numerator": D("1"), "denominator": None}], "ratio_of_sums") is None
        )
        assert aggregate([], "sum") is None

    def test_the_app_users_total_of_january(self):
        users = [2960, 926, 572, 559, 1613, 686, 659, 873, 1080, 1661, 378, 12608]
        computed = aggregate([{"value": v} for v in users], "sum")
        assert computed == D("24575")
        assert total_mismatch(computed, D("24575"), "count") is False

    def test_a_mismatch_beyond_rounding_names_both_numbers(self):
        assert total_mismatch(D("99.45"), D("99"), "percent") is False
        assert total_mismatch(D("98.2"), D("99"), "percent") is True
        assert total_mismatch(D("2730"), D("2731"), "count") is True
        assert mismatch_message(D("591420084"), D("591420"), "amount_vnd") == (
            "Tổng in trong báo cáo 591.420 khác tổng tính từ các đơn vị 591.420.084"
        )


# --------------------------------------------------------------------------------------- quality
class TestQualityFlags:
    def test_percent_outside_0_100_and_negative_counts(self):
        assert quality_flags(D("109.76"), measure="percent") == [QualityFlag.PERCENT_OUT_OF_RANGE]
        assert quality_flags(D("-0.1"), measure="percent") == [QualityFlag.PERCENT_OUT_OF_RANGE]
        assert quality_flags(D("100"), measure="percent") == []
        assert quality_flags(D("-3"), measure="count") == [QualityFlag.NEGATIVE]
        assert quality_flags(None, measure="count") == []

    def test_the_modified_z_score_against_the_units_own_history(self):
        history = [100, 102, 98, 101, 99, 100, 160]
        # median 100, MAD 1 → M(160) = 0.6745 × 60 = 40.47
        assert modified_z_score(160, history) == D("40.4700")
        assert is_outlier(160, history) is True
        assert is_outlier(101, history) is False

    def test_the_outlier_threshold_is_3_5(self):
        history = [10, 11, 9, 10, 12, 8]  # median 10, MAD 1
        assert modified_z_score(D("15.2"), history + [D("15.2")]) == D("3.50740")
        assert is_outlier(D("15.2"), history + [D("15.2")]) is True
        assert is_outlier(D("15.18"), history + [D("15.18")]) is False  # M = 3.4939

    def test_a_short_or_flat_history_never_flags(self):
        assert modified_z_score(200, [100, 100, 200]) is None
        assert modified_z_score(92.9, [100] * 11 + [92.9]) is None

    def test_numerator_and_denominator_must_give_the_printed_percent(self):
        assert ratio_mismatch(D("92.9"), D("929"), D("1000")) is False
        assert ratio_mismatch(D("92.9"), D("920"), D("1000")) is True
        assert ratio_mismatch(D("92.9"), D("929"), D("0")) is False
        assert quality_flags(D("92.9"), measure="percent", numerator=920, denominator=1000) == [
            QualityFlag.RATIO_MISMATCH
        ]

    def test_flags_round_trip_through_the_stored_bit_mask(self):
        flags = [QualityFlag.NEGATIVE, QualityFlag.OUTLIER]
        assert flag_bits(flags) == 2 | 8
        assert flags_from_bits(10) == flags
        assert flags_from_bits(None) == []

    def test_flag_labels_are_vietnamese(self):
        assert QualityFlag.CUMULATIVE_DROP.label == "Số lũy kế giảm so với kỳ trước"


# ---------------------------------------------------------------------------------- completeness
DUE = datetime.date(2023, 2, 20)  # the last day on time; indicators.deadlines.deadline_for decides it


class TestCompleteness:
    def test_on_time_late_missing_and_pending(self):
        expected = ["DX", "BL", "PL", "BD"]
        reported = {
            "DX": datetime.date(2023, 2, 18),
            "BL": datetime.date(2023, 2, 25),
            "XX": datetime.date(2023, 2, 1),
        }
        states, summary = completeness(expected, reported, DUE, today=datetime.date(2023, 3, 1))
        assert states == {"DX": "on_time", "BL": "late", "PL": "missing", "BD": "missing"}
        assert (summary.expected, summary.reported, summary.late, summary.missing) == (4, 2, 1, 2)
        assert summary.rate == D("50.0")
        states, summary = completeness(expected, reported, DUE, today=datetime.date(2023, 2, 10))
        assert states["PL"] == "pending"
        assert summary.missing == 0

    def test_units_reporting_without_being_expected_never_push_the_rate_past_100(self):
        reported = {"DX": datetime.date(2023, 2, 1), "XX": datetime.date(2023, 2, 1)}
        _, summary = completeness(["DX"], reported, DUE, today=datetime.date(2023, 3, 1))
        assert summary.rate == D("100.0")
