"""The dashboards after importing the two sample workbooks through the intake (imports.services)."""

from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from imports.services import import_file
from indicators.engine import recompute_all

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(staff, django_capture_on_commit_callbacks):
    for name, period in (("bao-cao-2023-01.xlsx", "2023-01"), ("bao-cao-2023-08.xlsx", "2023-08")):
        with django_capture_on_commit_callbacks(execute=True):
            outcome = import_file(SAMPLES / name, period=period, user=staff, skip_invalid=True)
        assert outcome.batch.status == "committed", outcome.summary()
    recompute_all()
    return staff


def _printed_dvctt(name):
    rows = CalamineWorkbook.from_path(str(SAMPLES / name)).get_sheet_by_name("DVCTT").to_python()
    return [(r[1], r[4], r[7]) for r in rows if isinstance(r[0], float)]


@pytest.mark.parametrize(
    "name, period", [("bao-cao-2023-01.xlsx", "2023-01"), ("bao-cao-2023-08.xlsx", "2023-08")]
)
def test_dvctt_statuses_on_the_indicator_pages_are_those_printed(client, imported, name, period):
    client.force_login(imported)
    printed = _printed_dvctt(name)
    for column, code in ((1, "DVC-SVC-RATE"), (2, "DVC-FILE-RATE")):
        rows = client.get(f"/indicators/{code}/?period={period}").context["rows"]
        shown = [{"met": "Đạt", "not_met": "Không đạt"}[r["status"]] for r in rows]
        assert len(rows) == len(printed) == 27
        assert sorted(shown) == sorted(p[column].strip() for p in printed)


def test_the_overview_and_the_ranking_print_the_app_user_totals(client, imported):
    client.force_login(imported)
    overview = client.get("/?period=2023-08")
    app = next(
        i
        for g in overview.context["groups"]
        for i in g["items"]
        if i["indicator"]["code"] == "APP-BPTODAY-USERS"
    )
    assert app["province"]["value"] == Decimal(40387)
    ranked = client.get("/rankings/APP/?period=2023-08").context["tables"][0]["ranked"]
    assert [(r["unit_code"], int(r["value"])) for r in ranked[:4]] == [
        ("DONGXOAI", 3403),
        ("PHURIENG", 1864),
        ("CHONTHANH", 1861),
        ("LOCNINH", 1791),
    ]
