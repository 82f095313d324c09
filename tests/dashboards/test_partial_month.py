"""Issue 17, "a partial month is shown as the province": after a complete August 2023, staff approve only
Đồng Xoài's September. Every reader keeps August as the default month, September is one click away and
says "1/37 đơn vị đã báo cáo", no change is computed against the full month, a partial sum of app users
is never printed as the province total; the API's aggregates and the báo cáo carry the same coverage."""

from decimal import Decimal

import pytest
from django.test import override_settings

from entry.services import transitions
from indicators.models import DataValue, ProvinceAggregate, Submission
from indicators.services import ValueInput, record_values
from reports.services import create_report
from units.models import Unit

from ..reports.helpers import document, narrative, paragraphs, row, tables
from .seed_data import seed_august_report

pytestmark = pytest.mark.django_db

def _agencies_not_in_the_seed():
    """The ten agencies the printed DVCTT table leaves out: with them July and August are complete."""
    seeded = DataValue.objects.filter(indicator__code="DVC-SVC-RATE", period="2023-08").values("unit_id")
    return list(Unit.objects.filter(level="agency").exclude(id__in=seeded).values_list("code", flat=True))


@pytest.fixture
def partial_september(staff, reporter, outsider, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    seed_august_report(staff)
    rest = _agencies_not_in_the_seed()
    assert len(rest) == 10
    with capture(execute=True):
        record_values(
            [ValueInput(code, unit, period, Decimal(100))
             for code in ("DVC-SVC-RATE", "DVC-FILE-RATE") for unit in rest for period in ("2023-07", "2023-08")],
            user=staff,
            source="form",
        )  # fmt: skip
    # September: Đồng Xoài's reporter enters its figures; Bù Đốp's reporter has a draft, not approved.
    with capture(execute=True):
        record_values(
            [
                ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-09", Decimal("92.9")),
                ValueInput("APP-BPTODAY-USERS", "DONGXOAI", "2023-09", Decimal(3512)),
            ],
            user=reporter,
            source="form",
        )
    with capture(execute=True):
        record_values(
            [ValueInput("DVC-SVC-RATE", "BUDOP", "2023-09", Decimal(50))], user=outsider, source="form"
        )
    Submission.objects.filter(unit__code="DONGXOAI", period="2023-09").update(state="submitted")
    with capture(execute=True):
        transitions.approve(Unit.objects.get(code="DONGXOAI"), "2023-09", user=staff)
    return staff


def _item(response, code):
    return next(i for g in response.context["groups"] for i in g["items"] if i["indicator"]["code"] == code)


def test_the_engine_counts_who_is_in_each_province_figure(partial_september):
    got = {
        (a.indicator.code, a.period): (a.covered, a.expected)
        for a in ProvinceAggregate.objects.filter(
            indicator__code__in=("DVC-SVC-RATE", "APP-BPTODAY-USERS"), period__in=("2023-08", "2023-09")
        ).select_related("indicator")
    }
    assert got == {
        ("DVC-SVC-RATE", "2023-08"): (37, 37),
        ("DVC-SVC-RATE", "2023-09"): (1, 37),  # Bù Đốp's draft is not published
        ("APP-BPTODAY-USERS", "2023-08"): (12, 12),  # 11 districts and "Không xác định"
        ("APP-BPTODAY-USERS", "2023-09"): (1, 12),
    }


def test_readers_open_on_the_last_complete_month_with_the_partial_one_a_click_away(client, partial_september, viewer):
    client.force_login(viewer)
    response = client.get("/")
    html = response.content.decode()
    assert response.context["period"] == "2023-08"
    assert response.context["month"]["coverage"].text == "37/37 đơn vị đã báo cáo"
    assert (
        'Tháng mới hơn, chưa đủ số liệu:\n  <a href="?period=2023-09">Tháng 9/2023 (1/37 đơn vị đã báo cáo)</a>'
        in html
    )
    assert '<option value="2023-09">Tháng 9/2023 (chưa đủ: 1/37 đơn vị đã báo cáo)</option>' in html
    # Indicator pages and rankings open on August as well.
    assert client.get("/indicators/DVC-SVC-RATE/").context["period"] == "2023-08"
    assert client.get("/rankings/DVC/").context["period"] == "2023-08"


@override_settings(PROVINCE_COVERAGE_THRESHOLD=0.02)
def test_the_threshold_is_a_setting(client, partial_september, viewer):
    client.force_login(viewer)
    assert client.get("/").context["period"] == "2023-09"  # 1/37 = 2,7 % reaches 2 %


def test_the_partial_month_says_who_reported_and_compares_like_with_like(client, partial_september, viewer):
    client.force_login(viewer)
    response = client.get("/?period=2023-09")
    html = response.content.decode()
    assert "<strong>Số liệu chưa đầy đủ:</strong> Tháng 9/2023 mới có 1/37 đơn vị đã báo cáo" in html
    assert '<a href="?period=2023-08">Xem tháng 8/2023 (đủ số liệu)</a>' in html
    rate = _item(response, "DVC-SVC-RATE")["province"]
    assert (rate["value"], rate["coverage"].text) == (Decimal("92.9"), "1/37 đơn vị đã báo cáo")
    # Not "Giảm 6,55%" (92,9 against August's 37 units): Đồng Xoài against its own August (100).
    assert (rate["change_text"], rate["change_note"]) == (
        "Giảm 7,1%",
        "so sánh cùng 1 đơn vị đã báo cáo cả hai kỳ",
    )
    assert "6,55" not in html
    users = _item(response, "APP-BPTODAY-USERS")["province"]
    # A partial sum is not the province total: 3.512 is never printed as it, nor "Giảm 36.875".
    assert (users["value"], users["withheld"], users["coverage"].text) == (None, True, "1/12 đơn vị đã báo cáo")
    assert (users["change_text"], users["change_note"]) == ("Tăng 109", "so sánh cùng 1 đơn vị đã báo cáo cả hai kỳ")
    assert "36.875" not in html
    cell = html.split('id="province-APP-BPTODAY-USERS"')[1].split("</tr>")[0]
    assert "3.512" not in cell
    assert "Chưa đủ số liệu" in cell and "1/12 đơn vị đã báo cáo" in cell


def test_the_complete_month_compares_as_before(client, partial_september, viewer):
    client.force_login(viewer)
    response = client.get("/?period=2023-08")
    rate = _item(response, "DVC-FILE-RATE")["province"]
    assert rate["coverage"] is None or not rate["coverage"].partial
    assert rate["change_note"] == ""
    assert rate["change_text"].startswith(("Tăng", "Giảm", "Bằng"))


def test_the_unit_page_ranks_among_the_units_that_reported(client, partial_september, viewer):
    client.force_login(viewer)
    response = client.get("/units/DONGXOAI/?period=2023-09")
    rows = {r["indicator"]["code"]: r for r in response.context["rows"]}
    rate = rows["DVC-SVC-RATE"]
    assert (rate["rank"], rate["peer_count"], rate["peer_expected"]) == (1, 1, 11)
    html = response.content.decode()
    assert (
        '1/1<br><span class="small muted rank-note">trong 1 đơn vị cùng cấp đã báo cáo (của 11 phải báo cáo)</span>'
        in html
    )
    assert rows["APP-BPTODAY-USERS"]["province_withheld"] is True


def test_the_api_aggregates_carry_the_coverage(client, partial_september, viewer):
    client.force_login(viewer)
    rows = client.get("/api/v1/aggregates/?indicator=DVC-SVC-RATE&indicator=APP-BPTODAY-USERS&period=2023-09")
    got = {
        r["indicator"]: (r["covered"], r["expected"], r["partial"], r["coverage"], r["coverage_text"], r["province_total"])
        for r in rows.json()["results"]
    }
    assert got == {
        "DVC-SVC-RATE": (1, 37, True, 0.027, "1/37 đơn vị đã báo cáo", 92.9),
        "APP-BPTODAY-USERS": (1, 12, True, 0.0833, "1/12 đơn vị đã báo cáo", None),
    }
    [august] = client.get("/api/v1/aggregates/?indicator=DVC-SVC-RATE&period=2023-08").json()["results"]
    assert (august["covered"], august["expected"], august["partial"]) == (37, 37, False)


def test_the_report_prints_the_coverage_where_it_prints_province_totals(partial_september, staff):
    doc = document(create_report("2023-09", user=staff))
    dvc_lines = paragraphs(doc, "dvc")
    assert (
        "Số liệu toàn tỉnh tháng 9/2023 chưa đầy đủ, dòng tổng chỉ gồm các đơn vị đã báo cáo – "
        "Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến: 1/37 đơn vị đã báo cáo."
    ) in dvc_lines
    # Compared with Đồng Xoài's own July (100%), not with the 37 units' 99,45%.
    assert narrative(doc, "dvc")[0] == (
        "+ Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến toàn tỉnh giảm từ 100% (tháng 7/2023) xuống 92,9% "
        "(1/37 đơn vị đã báo cáo, đến ngày 31/10/2023); 0/1 đơn vị đạt 100%."
    )
    app = tables(doc)["app"]
    assert row(app, "total")["cells"][2] == "–"  # not 3.512
    assert any(
        "Số người sử dụng ứng dụng Bình Phước Today (lũy kế): 1/12 đơn vị đã báo cáo (chưa tính tổng toàn tỉnh)" in p
        for s in doc["parts"] if s["kind"] == "data" for sec in s["sections"] for p in
        [b.get("text", "") for b in sec["blocks"]]
    )  # fmt: skip
