"""The status engine on the two real sample workbooks, imported through the importer."""

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from imports.services import import_file
from indicators.choices import Status
from indicators.models import ProvinceAggregate, ValueStatus

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(staff, django_capture_on_commit_callbacks):
    for name, period in (("bao-cao-2023-01.xlsx", "2023-01"), ("bao-cao-2023-08.xlsx", "2023-08")):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = import_file(SAMPLES / name, period=period, user=staff, skip_invalid=True)
        assert outcome.batch.status == "committed", outcome.summary()


def printed_statuses(name: str) -> list[tuple[str, str]]:
    """The printed "So với chỉ tiêu …" cells (columns E and H) of every unit row of the DVCTT sheet."""
    rows = CalamineWorkbook.from_path(str(SAMPLES / name)).get_sheet_by_name("DVCTT").to_python()
    units = [r for r in rows if isinstance(r[0], float)]
    return [(r[4], r[7]) for r in units]


@pytest.mark.parametrize(
    "name, period", [("bao-cao-2023-01.xlsx", "2023-01"), ("bao-cao-2023-08.xlsx", "2023-08")]
)
def test_every_dvctt_status_equals_the_printed_column(imported, name, period):
    printed = printed_statuses(name)
    assert len(printed) == 27
    label = {"Đạt": Status.MET, "Không đạt": Status.NOT_MET}
    expected_svc = sorted(label[svc] for svc, _ in printed)
    expected_file = sorted(label[f] for _, f in printed)
    rows = ValueStatus.objects.filter(data_value__period=period).exclude(data_value__unit__level="province")
    svc = sorted(rows.filter(data_value__indicator__code="DVC-SVC-RATE").values_list("status", flat=True))
    file_rate = sorted(
        rows.filter(data_value__indicator__code="DVC-FILE-RATE").values_list("status", flat=True)
    )
    assert svc == expected_svc
    assert file_rate == expected_file


@pytest.mark.parametrize("period, printed_total", [("2023-01", 24575), ("2023-08", 40387)])
def test_the_province_sum_of_app_users_equals_the_printed_tong(imported, period, printed_total):
    agg = ProvinceAggregate.objects.get(indicator__code="APP-BPTODAY-USERS", period=period)
    assert (agg.computed, agg.printed, agg.mismatch, agg.unit_count) == (
        printed_total,
        printed_total,
        False,
        12,
    )


def test_august_app_users_compare_with_the_january_report(imported):
    row = ValueStatus.objects.get(
        data_value__indicator__code="APP-BPTODAY-USERS",
        data_value__unit__code="DONGXOAI",
        data_value__period="2023-08",
    )
    assert (row.previous_period, row.previous_value, row.increment, row.change_text) == (
        "2023-01",
        2960,
        443,
        "Tăng 443",
    )
