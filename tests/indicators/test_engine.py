"""The status engine against the database (SQLite by default, PostgreSQL with DATABASE_URL)."""

import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators import engine
from indicators.choices import Measure, QualityFlag, Status
from indicators.deadlines import deadline_for
from indicators.models import Completeness, DataValue, Indicator, ProvinceAggregate, Target, ValueStatus
from indicators.services import ValueInput, record_values
from indicators.status import (
    TargetRule,
    choose_target,
    compare_with_previous,
    evaluate,
    flags_from_bits,
    quality_flags,
)
from tests.factories import IndicatorFactory, TargetFactory, UnitFactory
from units.models import Unit

D = Decimal

pytestmark = pytest.mark.django_db


def record(user, rows, capture):
    """Write through the service, as every write path does, and run the on-commit recompute."""
    with capture(execute=True):
        record_values([ValueInput(*row) for row in rows], user=user, source="form")


def status_of(indicator, unit, period) -> ValueStatus:
    return ValueStatus.objects.get(
        data_value__indicator__code=indicator, data_value__unit__code=unit, data_value__period=period
    )


# The August 2023 report, DVCTT sheet: (unit, DVC-SVC-RATE, printed change, DVC-FILE-RATE, printed change).
# Every row prints "Đạt" against 80 % and 50 %. The July values are what the printed change implies.
AUGUST = [
    ("SGDDT", "100", "Bằng", "100", "Bằng"),
    ("SCT", "100", "Bằng", "100", "Bằng"),
    ("SGTVT", "100", "Bằng", "100", "Bằng"),
    ("SKHDT", "100", "Bằng", "100", "Bằng"),
    ("SKHCN", "100", "Bằng", "100", "Bằng"),
    ("SLDTBXH", "100", "Bằng", "100", "Bằng"),
    ("SNV", "100", "Bằng", "100", "Bằng"),
    ("SNNPTNT", "100", "Bằng", "100", "Bằng"),
    ("STNMT", "100", "Bằng", "100", "Bằng"),
    ("STTTT", "100", "Bằng", "100", "Bằng"),
    ("SXD", "100", "Bằng", "100", "Bằng"),
    ("SYT", "100", "Bằng", "100", "Tăng 0,8%"),
    ("SVHTTDL", "100", "Bằng", "100", "Bằng"),
    ("STP", "100", "Bằng", "100", "Bằng"),
    ("CAT", "100", "Bằng", "100", "Bằng"),
    ("BQLKKT", "100", "Bằng", "100", "Bằng"),
    ("DONGXOAI", "100", "Bằng", "82.1", "Giảm 11,2%"),
    ("DONGPHU", "100", "Bằng", "99.4", "Bằng"),
    ("CHONTHANH", "95.2", "Giảm 4,8%", "100", "Bằng"),
    ("BINHLONG", "100", "Bằng", "100", "Bằng"),
    ("PHUOCLONG", "100", "Bằng", "100", "Bằng"),
    ("HONQUAN", "90.05", "Tăng 0,05%", "100", "Bằng"),
    ("PHURIENG", "100", "Tăng 10%", "100", "Bằng"),
    ("BUDOP", "100", "Bằng", "100", "Bằng"),
    ("BUGIAMAP", "100", "Bằng", "100", "Bằng"),
    ("LOCNINH", "100", "Bằng", "100", "Bằng"),
    ("BUDANG", "100", "Bằng", "100", "Tăng 1,3%"),
]
JULY = {
    ("DVC-SVC-RATE", "CHONTHANH"): "100",
    ("DVC-SVC-RATE", "HONQUAN"): "90",
    ("DVC-SVC-RATE", "PHURIENG"): "90",
    ("DVC-FILE-RATE", "SYT"): "99.2",
    ("DVC-FILE-RATE", "DONGXOAI"): "93.3",
    ("DVC-FILE-RATE", "BUDANG"): "98.7",
}


def implied_july(indicator, unit, august):
    return JULY.get((indicator, unit), august)


@pytest.fixture
def two_months(staff, django_capture_on_commit_callbacks):
    july, august = [], []
    for unit, svc, _, file_rate, _ in AUGUST:
        july.append(("DVC-SVC-RATE", unit, "2023-07", implied_july("DVC-SVC-RATE", unit, svc)))
        july.append(("DVC-FILE-RATE", unit, "2023-07", implied_july("DVC-FILE-RATE", unit, file_rate)))
        august.append(("DVC-SVC-RATE", unit, "2023-08", svc))
        august.append(("DVC-FILE-RATE", unit, "2023-08", file_rate))
    august.append(("DVC-SVC-RATE", "BP", "2023-08", "99"))  # the printed TỔNG
    record(staff, july, django_capture_on_commit_callbacks)
    record(staff, august, django_capture_on_commit_callbacks)


class TestTheAugustReport:
    def test_every_units_change_text_equals_the_printed_column(self, two_months):
        for unit, _, svc_printed, _, file_printed in AUGUST:
            svc = status_of("DVC-SVC-RATE", unit, "2023-08")
            file_rate = status_of("DVC-FILE-RATE", unit, "2023-08")
            assert (unit, svc.change_text) == (unit, svc_printed)
            assert (unit, file_rate.change_text) == (unit, file_printed)
            assert svc.previous_period == file_rate.previous_period == "2023-07"

    def test_every_unit_is_dat_against_80_and_50_percent(self, two_months):
        for unit, *_ in AUGUST:
            svc = status_of("DVC-SVC-RATE", unit, "2023-08")
            file_rate = status_of("DVC-FILE-RATE", unit, "2023-08")
            assert (unit, svc.status, svc.target_value) == (unit, Status.MET, D("80"))
            assert (unit, file_rate.status, file_rate.target_value) == (unit, Status.MET, D("50"))

    def test_exact_numbers_of_one_unit(self, two_months):
        row = status_of("DVC-FILE-RATE", "DONGXOAI", "2023-08")
        assert row.previous_value == D("93.3")
        assert row.change == D("-11.2")
        assert row.progress == D("164.20")
        assert row.increment is None
        assert row.flags == 0

    def test_the_province_total_is_the_mean_of_the_units_and_matches_the_printed_99(self, two_months):
        agg = ProvinceAggregate.objects.get(indicator__code="DVC-SVC-RATE", period="2023-08")
        assert agg.computed.quantize(D("0.0001")) == D("99.4537")
        assert agg.printed == D("99")
        assert agg.unit_count == 27
        assert agg.mismatch is False
        # The province's printed total has no target of its own (targets are for agencies and districts).
        assert status_of("DVC-SVC-RATE", "BP", "2023-08").status == Status.NO_TARGET

    def test_a_later_correction_recomputes_only_what_it_touches(
        self, two_months, staff, django_capture_on_commit_callbacks
    ):
        record(staff, [("DVC-SVC-RATE", "HONQUAN", "2023-07", "95")], django_capture_on_commit_callbacks)
        assert status_of("DVC-SVC-RATE", "HONQUAN", "2023-08").change_text == "Giảm 4,95%"
        assert status_of("DVC-SVC-RATE", "HONQUAN", "2023-07").change_text == ""
        assert status_of("DVC-SVC-RATE", "CHONTHANH", "2023-08").change_text == "Giảm 4,8%"

    def test_export_values_carries_the_status_columns(self, two_months):
        out = io.StringIO()
        call_command(
            "export_values", "--period", "2023-08", "--unit", "DONGXOAI", "--format", "json", stdout=out
        )
        rows = {r["indicator"]: r for r in json.loads(out.getvalue())}
        file_rate = rows["DVC-FILE-RATE"]
        assert {k: file_rate[k] for k in ("indicator", "unit", "period", "value", "raw", "source")} == {
            "indicator": "DVC-FILE-RATE",
            "unit": "DONGXOAI",
            "period": "2023-08",
            "value": 82.1,
            "raw": "82.1",
            "source": "form",
        }
        assert {
            k: file_rate[k]
            for k in (
                "target",
                "status",
                "previous_period",
                "previous_value",
                "change",
                "change_text",
                "flags",
            )
        } == {
            "target": 50,
            "status": "met",
            "previous_period": "2023-07",
            "previous_value": 93.3,
            "change": -11.2,
            "change_text": "Giảm 11,2%",
            "flags": [],
        }

    def test_recompute_all_gives_the_same_rows_as_the_incremental_path(self, two_months):
        before = list(ValueStatus.objects.order_by("pk").values())
        engine.recompute_all()
        assert list(ValueStatus.objects.order_by("pk").values()) == before


# The January 2023 report, BinhPhuocToday sheet: (unit, users, printed "số người dùng tăng thêm").
JANUARY_USERS = [
    ("DONGXOAI", 2960, 46),
    ("PHUOCLONG", 926, 12),
    ("BINHLONG", 572, 7),
    ("BUGIAMAP", 559, 34),
    ("LOCNINH", 1613, 11),
    ("BUDOP", 686, 4),
    ("HONQUAN", 659, 7),
    ("DONGPHU", 873, 9),
    ("BUDANG", 1080, 14),
    ("CHONTHANH", 1661, 27),
    ("PHURIENG", 378, 38),
    ("BP-UNK", 12608, 1336),
]


class TestAppUsers:
    @pytest.fixture
    def users(self, staff, django_capture_on_commit_callbacks):
        dec = [("APP-BPTODAY-USERS", u, "2022-12", n - inc) for u, n, inc in JANUARY_USERS]
        jan = [("APP-BPTODAY-USERS", u, "2023-01", n) for u, n, _ in JANUARY_USERS]
        record(
            staff, dec + [("APP-BPTODAY-USERS", "BP", "2022-12", 23030)], django_capture_on_commit_callbacks
        )
        record(
            staff, jan + [("APP-BPTODAY-USERS", "BP", "2023-01", 24575)], django_capture_on_commit_callbacks
        )

    def test_the_increment_of_every_unit_equals_the_printed_one(self, users):
        for unit, _, increment in JANUARY_USERS:
            row = status_of("APP-BPTODAY-USERS", unit, "2023-01")
            assert (unit, row.increment, row.change_text) == (
                unit,
                increment,
                f"Tăng {increment:,}".replace(",", "."),
            )
        unk = status_of("APP-BPTODAY-USERS", "BP-UNK", "2023-01")
        assert unk.change_text == "Tăng 1.336"
        assert unk.change_pct == D("11.85")
        assert unk.status == Status.NO_TARGET

    def test_the_province_sum_equals_the_printed_tong(self, users):
        agg = ProvinceAggregate.objects.get(indicator__code="APP-BPTODAY-USERS", period="2023-01")
        assert (agg.computed, agg.printed, agg.mismatch) == (D("24575"), D("24575"), False)
        assert status_of("APP-BPTODAY-USERS", "BP", "2023-01").flags == 0
        # December's printed total was 23.030 but the units add up to 23.030 too.
        assert ProvinceAggregate.objects.get(
            indicator__code="APP-BPTODAY-USERS", period="2022-12"
        ).computed == D("23030")

    def test_a_printed_total_that_does_not_add_up_is_flagged_with_both_numbers(
        self, users, staff, django_capture_on_commit_callbacks
    ):
        record(staff, [("APP-BPTODAY-USERS", "BP", "2023-01", 24755)], django_capture_on_commit_callbacks)
        agg = ProvinceAggregate.objects.get(indicator__code="APP-BPTODAY-USERS", period="2023-01")
        assert agg.mismatch is True
        assert agg.message == "Tổng in trong báo cáo 24.755 khác tổng tính từ các đơn vị 24.575"
        assert status_of("APP-BPTODAY-USERS", "BP", "2023-01").flag_list == [QualityFlag.TOTAL_MISMATCH]
        # Corrected: the flag goes away.
        record(staff, [("APP-BPTODAY-USERS", "BP", "2023-01", 24575)], django_capture_on_commit_callbacks)
        assert status_of("APP-BPTODAY-USERS", "BP", "2023-01").flags == 0


class TestRulesInTheDatabase:
    def test_ytd_resets_in_january_and_a_drop_is_flagged_within_the_year(
        self, staff, django_capture_on_commit_callbacks
    ):
        rows = [
            ("SW-ECABINET-YTD", "DONGXOAI", p, v)
            for p, v in [
                ("2022-11", 120),
                ("2022-12", 140),
                ("2023-01", 12),
                ("2023-02", 30),
                ("2023-04", 25),
            ]
        ]
        record(staff, rows, django_capture_on_commit_callbacks)
        jan = status_of("SW-ECABINET-YTD", "DONGXOAI", "2023-01")
        assert (jan.previous_period, jan.increment, jan.change_text, jan.flags) == (
            "2022-12",
            12,
            "Giảm 128",
            0,
        )
        feb = status_of("SW-ECABINET-YTD", "DONGXOAI", "2023-02")
        assert (feb.increment, feb.change_text) == (18, "Tăng 18")
        # March is missing: April compares with February and its fall is a drop.
        apr = status_of("SW-ECABINET-YTD", "DONGXOAI", "2023-04")
        assert (apr.previous_period, apr.increment) == ("2023-02", -5)
        assert apr.flag_list == [QualityFlag.CUMULATIVE_DROP]

    def test_a_missing_previous_month_compares_with_the_latest_earlier_report(
        self, staff, django_capture_on_commit_callbacks
    ):
        record(
            staff,
            [("DVC-FILE-RATE", "BUDOP", "2023-06", "97"), ("DVC-FILE-RATE", "BUDOP", "2023-08", "99.5")],
            django_capture_on_commit_callbacks,
        )
        row = status_of("DVC-FILE-RATE", "BUDOP", "2023-08")
        assert (row.previous_period, row.previous_value, row.change_text) == ("2023-06", D("97"), "Tăng 2,5%")
        first = status_of("DVC-FILE-RATE", "BUDOP", "2023-06")
        assert (first.previous_period, first.previous_value, first.change_text) == ("", None, "")

    def test_a_target_applies_only_from_its_effective_period(self, staff, django_capture_on_commit_callbacks):
        # SW-ESIGN-RATE: "tối thiểu 95%" from the UBND letter of 11/9/2023.
        record(
            staff,
            [
                ("SW-ESIGN-RATE", "SYT", "2023-08", "90"),
                ("SW-ESIGN-RATE", "SYT", "2023-09", "94.99"),
                ("SW-ESIGN-RATE", "SYT", "2023-10", "95"),
            ],
            django_capture_on_commit_callbacks,
        )
        assert status_of("SW-ESIGN-RATE", "SYT", "2023-08").status == Status.NO_TARGET
        assert status_of("SW-ESIGN-RATE", "SYT", "2023-09").status == Status.NOT_MET
        assert status_of("SW-ESIGN-RATE", "SYT", "2023-10").status == Status.MET

    def test_gt_versus_gte_and_range_at_the_boundaries(self, staff, django_capture_on_commit_callbacks):
        record(
            staff,
            [
                ("XHS-DIGITAL-SKILLS", "BP", "2023-06", "50"),  # "> 50"
                ("XHS-DIGITAL-SKILLS", "BP", "2023-07", "50.01"),
                ("CQS-INSPECT", "BP", "2023-06", "50"),  # ">= 50"
                ("XHS-EID", "BP", "2023-06", "20"),  # range 20–30
                ("XHS-EID", "BP", "2023-07", "30.01"),
                ("XHS-EID", "BP", "2023-08", "19.99"),
            ],
            django_capture_on_commit_callbacks,
        )
        assert status_of("XHS-DIGITAL-SKILLS", "BP", "2023-06").status == Status.NOT_MET
        assert status_of("XHS-DIGITAL-SKILLS", "BP", "2023-07").status == Status.MET
        assert status_of("CQS-INSPECT", "BP", "2023-06").status == Status.MET
        assert [status_of("XHS-EID", "BP", p).status for p in ("2023-06", "2023-07", "2023-08")] == [
            Status.MET,
            Status.NOT_MET,
            Status.NOT_MET,
        ]

    def test_the_deadline_makes_a_miss_in_progress(self, staff, django_capture_on_commit_callbacks):
        # CQS-FILE-ONLINE: đạt 60% trước tháng 9/2023.
        record(
            staff,
            [("CQS-FILE-ONLINE", "BP", "2023-06", "45"), ("CQS-FILE-ONLINE", "BP", "2023-09", "55")],
            django_capture_on_commit_callbacks,
        )
        june = status_of("CQS-FILE-ONLINE", "BP", "2023-06")
        assert (june.status, june.progress) == (Status.IN_PROGRESS, D("75.00"))
        assert status_of("CQS-FILE-ONLINE", "BP", "2023-09").status == Status.NOT_MET

    def test_a_lower_is_better_indicator_with_a_unit_target(self, staff, django_capture_on_commit_callbacks):
        hot_open = Indicator.objects.get(code="HOT-OPEN")
        bp = Unit.objects.get(code="BP")
        Target.objects.create(indicator=hot_open, year=2023, unit=bp, comparator="<=", value=10)
        record(
            staff,
            [("HOT-OPEN", "BP", "2023-07", 8), ("HOT-OPEN", "BP", "2023-08", 12)],
            django_capture_on_commit_callbacks,
        )
        july, august = status_of("HOT-OPEN", "BP", "2023-07"), status_of("HOT-OPEN", "BP", "2023-08")
        assert (july.status, july.progress) == (Status.MET, D("125.00"))
        assert (august.status, august.progress, august.change_text) == (Status.NOT_MET, D("83.33"), "Tăng 4")

    def test_a_unit_target_beats_the_level_target(self, staff, django_capture_on_commit_callbacks):
        TargetFactory(
            indicator=Indicator.objects.get(code="DVC-SVC-RATE"),
            level="",
            unit=Unit.objects.get(code="SYT"),
            value=99,
        )
        record(
            staff,
            [("DVC-SVC-RATE", "SYT", "2023-08", "98"), ("DVC-SVC-RATE", "SCT", "2023-08", "98")],
            django_capture_on_commit_callbacks,
        )
        assert (
            status_of("DVC-SVC-RATE", "SYT", "2023-08").status,
            status_of("DVC-SVC-RATE", "SYT", "2023-08").target_value,
        ) == (Status.NOT_MET, D("99"))
        assert status_of("DVC-SVC-RATE", "SCT", "2023-08").status == Status.MET

    def test_the_tiered_indicator_is_judged_per_level(self, staff, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            record_values(
                [
                    ValueInput(
                        "CQS-WORK-ONLINE",
                        "BP",
                        "2023-06",
                        "95",
                        tiers={"province": 95, "district": 92, "commune": 70},
                    )
                ],
                user=staff,
                source="import",
            )
        row = status_of("CQS-WORK-ONLINE", "BP", "2023-06")
        assert row.status == Status.NOT_MET
        assert {lvl: (t["target"], t["status"], t["progress"]) for lvl, t in row.tiers.items()} == {
            "province": (100.0, "not_met", 95.0),
            "district": (95.0, "not_met", 96.84),
            "commune": (80.0, "not_met", 87.5),
        }
        with django_capture_on_commit_callbacks(execute=True):
            record_values(
                [
                    ValueInput(
                        "CQS-WORK-ONLINE",
                        "BP",
                        "2023-12",
                        "100",
                        tiers={"province": 100, "district": 95, "commune": 80},
                    )
                ],
                user=staff,
                source="import",
            )
        assert status_of("CQS-WORK-ONLINE", "BP", "2023-12").status == Status.MET

    def test_a_value_without_a_number_has_no_data(self, staff, django_capture_on_commit_callbacks):
        record(staff, [("KTS-GRDP", "BP", "2023-06", None)], django_capture_on_commit_callbacks)
        row = status_of("KTS-GRDP", "BP", "2023-06")
        assert (row.status, row.change_text, row.flags) == (Status.NO_DATA, "", 0)

    def test_quality_flags(self, staff, django_capture_on_commit_callbacks):
        history = [
            ("SW-EMAIL-RATE", "SNV", f"2023-0{m}", v)
            for m, v in [(1, "80"), (2, "81"), (3, "79"), (4, "80"), (5, "82"), (6, "78"), (7, "80")]
        ]
        # The write door refuses a negative count now; one stored before that rule is still flagged.
        DataValue.objects.create(
            indicator=Indicator.objects.get(code="TAX-FEE-COUNT"),
            unit=Unit.objects.get(code="BUDOP"),
            period="2023-08",
            value=D(-3),
            source="import",
        )
        record(
            staff,
            history + [("SW-EMAIL-RATE", "SNV", "2023-08", "109.76")],
            django_capture_on_commit_callbacks,
        )
        with django_capture_on_commit_callbacks(execute=True):
            engine.recompute_all()
        with django_capture_on_commit_callbacks(execute=True):
            record_values(
                [ValueInput("SW-QLVB-RATE", "SNV", "2023-08", "92.9", numerator=900, denominator=1000)],
                user=staff,
                source="form",
            )
        assert status_of("SW-EMAIL-RATE", "SNV", "2023-08").flag_list == [
            QualityFlag.PERCENT_OUT_OF_RANGE,
            QualityFlag.OUTLIER,
        ]
        assert status_of("SW-EMAIL-RATE", "SNV", "2023-07").flags == 0
        assert status_of("TAX-FEE-COUNT", "BUDOP", "2023-08").flag_list == [QualityFlag.NEGATIVE]
        assert status_of("SW-QLVB-RATE", "SNV", "2023-08").flag_list == [QualityFlag.RATIO_MISMATCH]


class TestCompleteness:
    def test_expected_units_are_pinned_and_the_rate_never_exceeds_100(
        self, staff, django_capture_on_commit_callbacks
    ):
        record(staff, [("CNS-COMMUNE-TEAMS", "DONGXOAI", "2023-01", 10)], django_capture_on_commit_callbacks)
        expected = Completeness.objects.filter(period="2023-01", group="CNSCD")
        districts = Unit.objects.filter(level="district", active=True).count()
        assert expected.count() == districts
        # A district created later does not join January's denominator.
        UnitFactory(code="NEWDIST", level="district")
        record(staff, [("CNS-COMMUNE-TEAMS", "BUDOP", "2023-01", 7)], django_capture_on_commit_callbacks)
        summary = Completeness.objects.filter(period="2023-01", group="CNSCD").summary(
            datetime.date(2023, 3, 1)
        )
        today = datetime.date.today()
        due = deadline_for("CNSCD", "2023-01")  # the workflow's rule: day REPORTING_DEADLINE_DAY of February
        assert list(summary) == [
            {
                "period": "2023-01",
                "group": "CNSCD",
                "expected": districts,
                "reported": 2,
                "late": 2 if today > due else 0,
                "missing": districts - 2,
            }
        ]
        row = expected.get(unit__code="DONGXOAI")
        assert row.due_on == due == datetime.date(2023, 2, 10)
        assert row.reported_on == today


class TestCommand:
    def test_recompute_status_all_prints_counts(self, two_months):
        out = io.StringIO()
        call_command("recompute_status", "--all", stdout=out)
        assert out.getvalue().splitlines() == [
            "Đã tính trạng thái cho 109 số liệu (Đạt: 108, Chưa có chỉ tiêu: 1)",
            "Tổng hợp toàn tỉnh: 4 (không khớp với tổng in trong báo cáo: 0)",
            "Đơn vị phải báo cáo được ghi nhận thêm: 0",
        ]

    def test_recompute_status_for_a_period(self, two_months):
        out = io.StringIO()
        call_command("recompute_status", "--period", "2023-08", stdout=out)
        assert (
            out.getvalue().splitlines()[0]
            == "Đã tính trạng thái cho 55 số liệu (Đạt: 54, Chưa có chỉ tiêu: 1)"
        )

    @pytest.mark.parametrize("args", [[], ["--period", "2023-13"], ["--period", "08/2023"]])
    def test_recompute_status_refuses_bad_arguments(self, args):
        with pytest.raises(CommandError):
            call_command("recompute_status", *args)


class TestTheEngineFollowsThePureRules:
    """Random series through the SQL engine and through indicators/status.py must agree row by row."""

    def test_random_series(self, catalogue):
        rng = random.Random(20231)
        units = [UnitFactory(code=f"RND-{k}", level="district") for k in range(4)]
        specs = [
            ("RND-PCT", Measure.PERCENT, "up", "", ">=", 80, None, None),
            ("RND-GT", Measure.PERCENT, "up", "", ">", 50, None, datetime.date(2023, 9, 30)),
            ("RND-RANGE", Measure.PERCENT, "up", "", "range", 20, 30, None),
            ("RND-DOWN", Measure.COUNT, "down", "", "<=", 10, None, None),
            ("RND-YTD", Measure.COUNT, "up", "ytd", ">=", 100, None, None),
            ("RND-CUM", Measure.COUNT, "up", "since_start", "<", 500, None, None),
        ]
        periods = [
            "2022-10",
            "2022-11",
            "2022-12",
            "2023-01",
            "2023-02",
            "2023-03",
            "2023-05",
            "2023-06",
            "2023-08",
            "2023-09",
            "2023-10",
            "2023-12",
        ]
        rules = {}
        values = []
        for code, measure, direction, cumulative, cmp, tval, tmax, deadline in specs:
            ind = IndicatorFactory(
                code=code,
                measure=measure,
                direction=direction,
                cumulative=cumulative,
                aggregation="sum" if measure == "count" else "mean",
            )
            for year in (2022, 2023):
                TargetFactory(
                    indicator=ind,
                    year=year,
                    level="district",
                    comparator=cmp,
                    value=tval,
                    value_max=tmax,
                    deadline=deadline,
                )
            rules[ind.pk] = (ind, TargetRule(cmp, tval, tmax, levels={"district"}, deadline=deadline))
            for unit in units:
                level = D(rng.randint(0, 40))
                for period in periods:
                    if rng.random() < 0.15:
                        continue
                    if measure == Measure.PERCENT:
                        v = D(rng.randint(0, 11000)) / 100
                    else:
                        level += rng.randint(-5, 20)
                        v = level
                    values.append(DataValue(indicator=ind, unit=unit, period=period, value=v, source="form"))
        DataValue.objects.bulk_create(values)
        engine.recompute_all()
        checked = 0
        for dv in DataValue.objects.select_related("status", "indicator", "unit").order_by(
            "indicator", "unit", "period"
        ):
            ind, rule = rules[dv.indicator_id]
            series = list(DataValue.objects.filter(indicator=ind, unit=dv.unit).order_by("period"))
            earlier = [x for x in series if x.period < dv.period]
            prev = earlier[-1] if earlier else None
            target = choose_target([rule], period=dv.period, unit=dv.unit_id, level="district")
            expected = evaluate(dv.value, target, period=dv.period, direction=ind.direction)
            change = compare_with_previous(
                dv.value,
                prev.value if prev else None,
                period=dv.period,
                previous_period=prev.period if prev else None,
                measure=ind.measure,
                cumulative=ind.cumulative,
            )
            flags = quality_flags(
                dv.value, measure=ind.measure, change=change, history=[x.value for x in series]
            )
            got = dv.status
            key = (ind.code, dv.unit.code, dv.period)
            assert (key, got.status) == (key, expected.status)
            assert (key, got.progress) == (key, expected.progress)
            assert (key, got.change_text) == (key, change.change_text)
            assert (key, got.previous_period or None) == (key, change.previous_period)
            assert (key, got.increment) == (key, change.increment)
            assert (key, got.change_pct) == (key, change.change_pct)
            assert (key, flags_from_bits(got.flags)) == (key, flags)
            checked += 1
        assert checked == len(values)
