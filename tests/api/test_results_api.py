from decimal import Decimal

import pytest

from indicators.models import Completeness, DTIPillar, DTIScore
from units.models import Unit

DVC_AUGUST = {
    "indicator": "DVC-SVC-RATE",
    "period": "2023-08",
    "aggregation": "mean",
    "computed": 83.75,
    "printed": 95.2,
    "unit_count": 2,
    # 2 of the 37 agencies and districts that must report DVC are in the roll-up; the province's own
    # printed total is still the province's figure.
    "covered": 2,
    "expected": 37,
    "partial": True,
    "coverage": 0.0541,
    "coverage_text": "2/37 đơn vị đã báo cáo",
    "province_total": 95.2,
    "mismatch": True,
    "message": "Tổng in trong báo cáo 95,2% khác tổng tính từ các đơn vị 83,75%",
}


def test_aggregates_give_the_computed_total_beside_the_printed_one(values, api):
    body = api.get("/api/v1/aggregates/?indicator=DVC-SVC-RATE&period=2023-08").json()
    assert body == {"count": 1, "next": None, "previous": None, "results": [DVC_AUGUST]}


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            "",
            [
                ("DVC-SVC-RATE", "2023-07"),
                ("DVC-SVC-RATE", "2023-08"),
                ("APP-BPTODAY-USERS", "2023-07"),
                ("APP-BPTODAY-USERS", "2023-08"),
            ],
        ),
        (
            "?indicator=APP-BPTODAY-USERS",
            [("APP-BPTODAY-USERS", "2023-07"), ("APP-BPTODAY-USERS", "2023-08")],
        ),
        ("?period=2023-07", [("DVC-SVC-RATE", "2023-07"), ("APP-BPTODAY-USERS", "2023-07")]),
        ("?from=2023-08&to=2023-08&indicator=APP-BPTODAY-USERS", [("APP-BPTODAY-USERS", "2023-08")]),
        ("?mismatch=true", [("DVC-SVC-RATE", "2023-08")]),
    ],
)
def test_aggregate_filters(values, api, query, expected):
    rows = api.get("/api/v1/aggregates/" + query).json()["results"]
    assert [(r["indicator"], r["period"]) for r in rows] == expected


def test_the_sum_of_app_users(values, api):
    [row] = api.get("/api/v1/aggregates/?indicator=APP-BPTODAY-USERS&period=2023-08").json()["results"]
    assert (row["aggregation"], row["computed"], row["printed"], row["unit_count"], row["mismatch"]) == (
        "sum",
        4442,
        None,
        2,
        False,
    )


def test_completeness_per_period_and_group(values, api):
    rows = api.get("/api/v1/completeness/?period=2023-08&group=APP").json()
    # The deadline is the workflow's setting for the group; the engine pins it on each row.
    due_on = Completeness.objects.filter(period="2023-08", group="APP").values_list("due_on", flat=True)[0]
    assert rows == [
        {
            "period": "2023-08",
            "group": "APP",
            "group_label": "Ứng dụng Bình Phước Today",
            "due_on": due_on.isoformat(),
            "expected": 12,
            "reported": 2,
            # Written today, long after the September 2023 deadline.
            "late": 2,
            "missing": 10,
            "rate": 16.7,
            "late_units": ["DONGXOAI", "BUDOP"],
            "missing_units": [
                "BINHLONG",
                "PHUOCLONG",
                "CHONTHANH",
                "DONGPHU",
                "HONQUAN",
                "PHURIENG",
                "BUGIAMAP",
                "LOCNINH",
                "BUDANG",
                "BP-UNK",
            ],
        }
    ]
    every = api.get("/api/v1/completeness/").json()
    assert [(r["period"], r["group"], r["expected"], r["reported"]) for r in every] == [
        ("2023-07", "DVC", 37, 1),
        ("2023-07", "APP", 12, 1),
        ("2023-08", "DVC", 37, 2),
        ("2023-08", "APP", 12, 2),
    ]
    assert [r["period"] for r in api.get("/api/v1/completeness/?from=2023-08").json()] == [
        "2023-08",
        "2023-08",
    ]
    assert [r["period"] for r in api.get("/api/v1/completeness/?to=2023-07").json()] == ["2023-07", "2023-07"]


def test_completeness_refuses_bad_parameters(values, api):
    response = api.get("/api/v1/completeness/?period=2023-8&group=XYZ")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "period", "message": 'Kỳ báo cáo "2023-8" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'},
        {
            "field": "group",
            "message": 'Nhóm "XYZ" không hợp lệ (KH57, DVC, APP, HOTLINE, SOFTWARE, CNSCD, ECERT, TAX, MEDIA).',
        },
    ]


@pytest.fixture
def dti(catalogue):
    """District scores as a share of each pillar's maximum (district maximum: 700 points)."""
    shares = {
        ("DONGXOAI", 2023): "0.9",
        ("BUDOP", 2023): "0.7",
        ("BINHLONG", 2023): "0.7",
        ("PHUOCLONG", 2023): "0.55",
        ("LOCNINH", 2023): "0.4",
        ("DONGXOAI", 2022): "0.5",
        ("SNV", 2023): "0.8",
    }
    for (code, year), share in shares.items():
        unit = Unit.objects.get(code=code)
        for pillar in DTIPillar.objects.filter(level=unit.level):
            DTIScore.objects.create(
                unit=unit, year=year, pillar=pillar, score=pillar.max_points * Decimal(share)
            )


def test_dti_scores_with_total_percent_group_and_rank(dti, api):
    rows = api.get("/api/v1/dti/?year=2023&level=district").json()
    assert [(r["unit"], r["total"], r["max_points"], r["percent"], r["group"], r["rank"]) for r in rows] == [
        ("DONGXOAI", 630, 700, 90, "Tốt", 1),
        ("BINHLONG", 490, 700, 70, "Khá", 2),
        ("BUDOP", 490, 700, 70, "Khá", 2),
        ("PHUOCLONG", 385, 700, 55, "Trung bình", 4),
        ("LOCNINH", 280, 700, 40, "Yếu", 5),
    ]
    assert rows[0]["pillars"][:2] == [
        {"pillar": "NHAN-THUC", "name": "Nhận thức số", "score": 54, "max_points": 60},
        {"pillar": "THE-CHE", "name": "Thể chế số", "score": 27, "max_points": 30},
    ]
    assert len(rows[0]["pillars"]) == 9
    assert (rows[0]["year"], rows[0]["level"]) == (2023, "district")


def test_dti_filters(dti, api):
    agencies = api.get("/api/v1/dti/?level=agency").json()
    assert [(r["unit"], r["total"], r["max_points"], r["group"], r["rank"]) for r in agencies] == [
        ("SNV", 480, 600, "Tốt", 1)
    ]
    by_year = api.get("/api/v1/dti/?year=2022").json()
    assert [(r["unit"], r["percent"], r["group"]) for r in by_year] == [("DONGXOAI", 50, "Trung bình")]
    assert len(api.get("/api/v1/dti/").json()) == 7
    bad = api.get("/api/v1/dti/?year=20x3&level=city")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "year", "message": 'Năm "20x3" không hợp lệ.'},
        {
            "field": "level",
            "message": 'Cấp "city" không hợp lệ (province, agency, district, commune, unassigned).',
        },
    ]
