import pytest

DONGXOAI = {
    "code": "DONGXOAI",
    "name": "Thành phố Đồng Xoài",
    "short_name": "Đồng Xoài",
    "level": "district",
    "parent": "BP",
    "aliases": ["UBND thành phố Đồng Xoài", "UBND TP.Đồng Xoài", "TP. Đồng Xoài"],
    "order": 28,
    "active": True,
}


def test_a_unit_by_its_code(api):
    response = api.get("/api/v1/units/DONGXOAI/")
    assert (response.status_code, response.json()) == (200, DONGXOAI)
    assert api.get("/api/v1/units/NOPE/").json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_the_unit_list_pages_through_the_whole_catalogue(api):
    first = api.get("/api/v1/units/").json()
    assert (first["count"], len(first["results"])) == (150, 100)
    assert first["results"][0]["code"] == "BP"
    assert first["next"] == "http://testserver/api/v1/units/?limit=100&offset=100"
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 50 and second["next"] is None
    codes = [u["code"] for u in first["results"] + second["results"]]
    assert len(set(codes)) == 150


@pytest.mark.parametrize(
    "query, count, first",
    [
        ("?level=district", 11, "DONGXOAI"),
        ("?level=agency", 26, None),
        ("?level=province", 1, "BP"),
        ("?parent=DONGXOAI", 8, None),
        ("?parent=BP", 38, None),
        ("?level=commune&parent=BUDOP", 7, "BUDOP-THANHBINH"),
    ],
)
def test_unit_filters(api, query, count, first):
    body = api.get("/api/v1/units/" + query + "&limit=200").json()
    assert body["count"] == count
    if first:
        assert body["results"][0]["code"] == first
    if "level=district" in query:
        assert body["results"][0] == DONGXOAI


@pytest.mark.parametrize(
    "query, field, message",
    [
        (
            "?level=city",
            "level",
            'Cấp "city" không hợp lệ (province, agency, district, commune, unassigned).',
        ),
        ("?parent=NOPE", "parent", 'Không có đơn vị mã "NOPE".'),
    ],
)
def test_bad_unit_filters(api, query, field, message):
    response = api.get("/api/v1/units/" + query)
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "Dữ liệu không hợp lệ.",
            "code": "invalid",
            "errors": [{"field": field, "message": message}],
        },
    )


def test_an_indicator_with_its_targets(api):
    response = api.get("/api/v1/indicators/CQS-WORK-ONLINE/")
    assert response.status_code == 200
    body = response.json()
    targets = body.pop("targets")
    assert {
        k: body[k] for k in ("code", "pillar", "group", "periodicity", "measure", "aggregation", "direction")
    } == {
        "code": "CQS-WORK-ONLINE",
        "pillar": "CQS",
        "group": "KH57",
        "periodicity": "annual",
        "measure": "percent",
        "aggregation": "ratio_of_sums",
        "direction": "up",
    }
    assert [(t["level"], t["comparator"], t["value"], t["source_text"]) for t in targets] == [
        ("commune", ">=", 80, "cấp xã đạt 80%"),
        ("district", ">=", 95, "cấp huyện đạt 95%"),
        ("province", ">=", 100, "cấp tỉnh đạt 100%"),
    ]
    assert targets[0] == {
        "indicator": "CQS-WORK-ONLINE",
        "year": 2023,
        "level": "commune",
        "unit": None,
        "comparator": ">=",
        "value": 80,
        "value_max": None,
        "effective_from": "",
        "deadline": None,
        "source_text": "cấp xã đạt 80%",
    }


def test_the_indicator_list_item(api):
    [item, _] = api.get("/api/v1/indicators/?group=DVC").json()["results"]
    assert item == {
        "code": "DVC-SVC-RATE",
        "name": "Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến",
        "pillar": "CQS",
        "group": "DVC",
        "group_label": "Dịch vụ công trực tuyến",
        "measure": "percent",
        "periodicity": "monthly",
        "reported_by": ["agency", "district"],
        "aggregation": "mean",
        "direction": "up",
        "cumulative": "",
        "owner": "VPUBND",
        "source": "Báo cáo chuyên đề (chỉ tiêu Ủy ban quốc gia về CĐS 80%)",
        "order": 30,
    }


@pytest.mark.parametrize(
    "query, count",
    [
        ("", 64),
        ("?pillar=CQS", 29),
        ("?pillar=HTS", 3),
        ("?group=KH57", 29),
        ("?group=TAX", 8),
        ("?periodicity=annual", 29),
        ("?periodicity=monthly", 35),
        ("?pillar=CQS&group=DVC", 2),
    ],
)
def test_indicator_filters(api, query, count):
    assert api.get("/api/v1/indicators/" + query).json()["count"] == count


def test_bad_indicator_filters(api):
    response = api.get("/api/v1/indicators/?pillar=XX&periodicity=weekly")
    assert response.json()["errors"] == [
        {"field": "pillar", "message": 'Trụ cột "XX" không hợp lệ (HTS, CQS, KTS, XHS).'},
        {"field": "periodicity", "message": 'Kỳ báo cáo "weekly" không hợp lệ (monthly, annual).'},
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?indicator=DVC-SVC-RATE", [("DVC-SVC-RATE", "agency"), ("DVC-SVC-RATE", "district")]),
        ("?indicator=CQS-WORK-ONLINE&level=district", [("CQS-WORK-ONLINE", "district")]),
        ("?indicator=DVC-SVC-RATE&year=2024", []),
    ],
)
def test_target_filters(api, query, expected):
    body = api.get("/api/v1/targets/" + query).json()
    assert [(t["indicator"], t["level"]) for t in body["results"]] == expected


@pytest.mark.parametrize(
    "query, count", [("", 37), ("?year=2023", 37), ("?level=province", 29), ("?level=district", 4)]
)
def test_target_counts(api, query, count):
    assert api.get("/api/v1/targets/" + query).json()["count"] == count


def test_bad_target_filters(api):
    assert api.get("/api/v1/targets/?year=abc&indicator=X").json()["errors"] == [
        {"field": "indicator", "message": 'Không có chỉ tiêu mã "X".'},
        {"field": "year", "message": "Năm phải là số (ví dụ 2023)."},
    ]
