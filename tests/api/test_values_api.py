import csv
import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import VALUES

URL = "/api/v1/values/"

BUDOP_DVC = {
    "indicator": "DVC-SVC-RATE",
    "unit": "BUDOP",
    "period": "2023-08",
    "value": 75.5,
    "numerator": None,
    "denominator": None,
    "raw": "75,50%",
    "source": "import",
    "note": "",
    "target": 80,
    "status": "not_met",
    "previous_period": None,
    "previous_value": None,
    "change": None,
    "change_text": None,
    "flags": [],
}
DONGXOAI_DVC_08 = {
    "indicator": "DVC-SVC-RATE",
    "unit": "DONGXOAI",
    "period": "2023-08",
    "value": 92,
    "numerator": None,
    "denominator": None,
    "raw": "92,00%",
    "source": "import",
    "note": "",
    "target": 80,
    "status": "met",
    "previous_period": "2023-07",
    "previous_value": 91.1,
    "change": 0.9,
    "change_text": "Tăng 0,9%",
    "flags": [],
}
DONGXOAI_APP_08 = {
    "indicator": "APP-BPTODAY-USERS",
    "unit": "DONGXOAI",
    "period": "2023-08",
    "value": 3403,
    "numerator": None,
    "denominator": None,
    "raw": "3.403",
    "source": "import",
    "note": "",
    "target": None,
    "status": "no_target",
    "previous_period": "2023-07",
    "previous_value": 3300,
    "change": 103,
    "change_text": "Tăng 103",
    "flags": [],
}


def without_time(rows):
    return [{k: v for k, v in row.items() if k != "updated_at"} for row in rows]


def keys(rows):
    return [(r["indicator"], r["unit"], r["period"]) for r in rows]


def get(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_gives_every_field_with_the_status_engines_results(values, api):
    body = get(api, "?unit=DONGXOAI&unit=BUDOP&period=2023-08")
    assert (body["count"], body["next"], body["previous"]) == (4, None, None)
    assert without_time(body["results"]) == [
        DONGXOAI_DVC_08,
        BUDOP_DVC,
        DONGXOAI_APP_08,
        {
            **DONGXOAI_APP_08,
            "unit": "BUDOP",
            "value": 1039,
            "raw": "1.039",
            "previous_period": None,
            "previous_value": None,
            "change": None,
            "change_text": None,
        },
    ]
    assert all(r["updated_at"].endswith("+00:00") for r in body["results"])


def test_the_province_value_carries_the_printed_total_mismatch_flag(values, api):
    [bp] = get(api, "?unit=BP")["results"]
    assert (bp["value"], bp["status"], bp["flags"]) == (95.2, "no_target", ["total_mismatch"])


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            "?indicator=APP-BPTODAY-USERS",
            [
                ("APP-BPTODAY-USERS", "DONGXOAI", "2023-07"),
                ("APP-BPTODAY-USERS", "DONGXOAI", "2023-08"),
                ("APP-BPTODAY-USERS", "BUDOP", "2023-08"),
            ],
        ),
        (
            "?indicator=APP-BPTODAY-USERS&indicator=DVC-SVC-RATE&unit=BUDOP",
            [("DVC-SVC-RATE", "BUDOP", "2023-08"), ("APP-BPTODAY-USERS", "BUDOP", "2023-08")],
        ),
        ("?unit=BP", [("DVC-SVC-RATE", "BP", "2023-08")]),
        ("?level=province", [("DVC-SVC-RATE", "BP", "2023-08")]),
        ("?level=agency", []),
        (
            "?pillar=CQS&unit=DONGXOAI",
            [("DVC-SVC-RATE", "DONGXOAI", "2023-07"), ("DVC-SVC-RATE", "DONGXOAI", "2023-08")],
        ),
        ("?pillar=HTS", []),
        ("?group=APP&period=2023-07", [("APP-BPTODAY-USERS", "DONGXOAI", "2023-07")]),
        (
            "?period=2023-07",
            [("DVC-SVC-RATE", "DONGXOAI", "2023-07"), ("APP-BPTODAY-USERS", "DONGXOAI", "2023-07")],
        ),
        ("?period=2023-07&period=2023-08&unit=BUDOP&group=DVC", [("DVC-SVC-RATE", "BUDOP", "2023-08")]),
        (
            "?from=2023-08&unit=DONGXOAI",
            [("DVC-SVC-RATE", "DONGXOAI", "2023-08"), ("APP-BPTODAY-USERS", "DONGXOAI", "2023-08")],
        ),
        (
            "?to=2023-07",
            [("DVC-SVC-RATE", "DONGXOAI", "2023-07"), ("APP-BPTODAY-USERS", "DONGXOAI", "2023-07")],
        ),
        ("?from=2023-01&to=2023-06", []),
        ("?status=not_met", [("DVC-SVC-RATE", "BUDOP", "2023-08")]),
        ("?status=met", [("DVC-SVC-RATE", "DONGXOAI", "2023-07"), ("DVC-SVC-RATE", "DONGXOAI", "2023-08")]),
        ("?flag=total_mismatch", [("DVC-SVC-RATE", "BP", "2023-08")]),
        ("?flag=outlier", []),
    ],
)
def test_every_filter(values, api, query, expected):
    body = get(api, query)
    assert keys(body["results"]) == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?indicator=NOPE", "indicator", 'Không có chỉ tiêu mã "NOPE".'),
        ("?unit=DONGXOAI&unit=XX", "unit", 'Không có đơn vị mã "XX".'),
        (
            "?level=city",
            "level",
            'Cấp "city" không hợp lệ (province, agency, district, commune, unassigned).',
        ),
        ("?pillar=ABC", "pillar", 'Trụ cột "ABC" không hợp lệ (HTS, CQS, KTS, XHS).'),
        (
            "?group=XYZ",
            "group",
            'Nhóm "XYZ" không hợp lệ (KH57, DVC, APP, HOTLINE, SOFTWARE, CNSCD, ECERT, TAX, MEDIA).',
        ),
        ("?period=2023-13", "period", 'Kỳ báo cáo "2023-13" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'),
        ("?from=08/2023", "from", 'Kỳ báo cáo "08/2023" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'),
        ("?to=2023-8", "to", 'Kỳ báo cáo "2023-8" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'),
        (
            "?status=ok",
            "status",
            'Trạng thái "ok" không hợp lệ (met, not_met, in_progress, no_target, no_data).',
        ),
        (
            "?flag=bad",
            "flag",
            'Cảnh báo "bad" không hợp lệ (percent_out_of_range, negative, cumulative_drop, '
            "outlier, total_mismatch, ratio_mismatch).",
        ),
    ],
)
def test_a_bad_filter_is_a_json_error_in_vietnamese(values, api, query, field, message):
    response = api.get(URL + query)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "code": "invalid",
        "errors": [{"field": field, "message": message}],
    }


def test_walking_every_page_gives_the_unpaginated_rows_in_a_stable_order(values, api):
    everything = get(api, "?limit=1000")
    assert everything["count"] == len(VALUES) == len(everything["results"])
    walked, url, pages = [], URL + "?limit=2", 0
    while url:
        page = api.get(url).json()
        assert page["count"] == len(VALUES)
        walked.extend(page["results"])
        url, pages = page["next"], pages + 1
    assert pages == 4
    assert walked == everything["results"]
    assert get(api, "?limit=2&offset=6")["previous"] == "http://testserver/api/v1/values/?limit=2&offset=4"
    assert get(api, "?limit=2")["next"] == "http://testserver/api/v1/values/?limit=2&offset=2"


def test_an_offset_past_the_end_still_counts(values, api):
    body = get(api, "?offset=50")
    assert (body["count"], body["results"]) == (7, [])


def test_the_largest_page_is_a_setting(values, api, settings):
    settings.API_MAX_PAGE_SIZE = 3
    body = get(api, "?limit=1000")
    assert (len(body["results"]), body["count"]) == (3, 7)
    assert body["next"] == "http://testserver/api/v1/values/?limit=3&offset=3"


def test_the_list_uses_a_fixed_number_of_queries(values, api, django_assert_max_num_queries):
    # token + user groups + data version + indicator codes + the rows (the page holds everything: no
    # COUNT); answered from the cache (test_page_cache.py) it is the first three only.
    with django_assert_max_num_queries(5):
        get(api, "?indicator=DVC-SVC-RATE")


def test_etag_and_last_modified_give_304(values, api):
    first = api.get(URL + "?unit=DONGXOAI")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and len(etag) == 34
    again = api.get(URL + "?unit=DONGXOAI", HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content) == (304, b"")
    assert api.get(URL + "?unit=BUDOP", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert api.get(URL + "?unit=DONGXOAI", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert (
        api.get(URL + "?unit=DONGXOAI", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code
        == 200
    )


def test_the_etag_changes_when_a_value_changes(values, api, django_capture_on_commit_callbacks):
    etag = api.get(URL)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        api.patch(URL + "DVC-SVC-RATE/BUDOP/2023-08/", {"value": 81}, format="json")
    response = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"] if r["unit"] == "BUDOP"][0] == "met"


def test_csv_download_parses_back_to_the_same_rows(values, api):
    rows = get(api, "?limit=1000")["results"]
    response = api.get(URL + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="so-lieu.csv"'
    assert response["X-Total-Count"] == "7"
    parsed = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(parsed[0]) == [
        "indicator",
        "unit",
        "period",
        "value",
        "numerator",
        "denominator",
        "raw",
        "source",
        "note",
        "target",
        "status",
        "previous_period",
        "previous_value",
        "change",
        "change_text",
        "flags",
        "updated_at",
    ]

    def as_text(v):
        if v is None:
            return ""
        if isinstance(v, list):
            return "[" + ",".join(f'"{x}"' for x in v) + "]"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    assert parsed == [{k: as_text(v) for k, v in row.items()} for row in rows]


def test_xlsx_download_parses_back_to_the_same_rows(values, api):
    rows = get(api, "?limit=1000&unit=DONGXOAI")["results"]
    response = api.get(URL + "?format=xlsx&unit=DONGXOAI")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *data = [list(r) for r in sheet.iter_rows(values_only=True)]
    parsed = [dict(zip(header, r, strict=True)) for r in data]
    for row in rows:
        row["flags"] = "[" + ",".join(f'"{x}"' for x in row["flags"]) + "]"
        for key in ("raw", "note"):
            row[key] = row[key] or None  # an empty cell reads back as None
    assert parsed == rows


def test_a_file_pages_like_the_json_list_when_asked(values, api):
    response = api.get(URL + "?format=csv&limit=2")
    assert response["X-Total-Count"] == "7"
    assert response["Link"] == '<http://testserver/api/v1/values/?format=csv&limit=2&offset=2>; rel="next"'
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 3


def test_an_unknown_format_is_refused_in_json(values, api):
    response = api.get(URL + "?format=pdf")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}


def test_one_value_by_its_codes(values, api):
    response = api.get(URL + "DVC-SVC-RATE/DONGXOAI/2023-08/")
    assert response.status_code == 200
    assert without_time([response.json()]) == [DONGXOAI_DVC_08]
    assert api.get(URL + "DVC-SVC-RATE/DONGXOAI/2023-09/").json() == {
        "detail": "Không tìm thấy.",
        "code": "not_found",
    }


def test_the_series_gives_one_compact_array_per_unit(values, api):
    response = api.get(
        "/api/v1/indicators/DVC-SVC-RATE/series/?unit=DONGXOAI&unit=BUDOP&from=2023-07&to=2023-08"
    )
    assert response.status_code == 200
    assert response.json() == {
        "indicator": "DVC-SVC-RATE",
        "measure": "percent",
        "series": [
            {
                "unit": "DONGXOAI",
                "periods": ["2023-07", "2023-08"],
                "values": [91.1, 92],
                "targets": [80, 80],
                "statuses": ["met", "met"],
            },
            {
                "unit": "BUDOP",
                "periods": ["2023-08"],
                "values": [75.5],
                "targets": [80],
                "statuses": ["not_met"],
            },
        ],
    }
    only_july = api.get("/api/v1/indicators/DVC-SVC-RATE/series/?to=2023-07").json()["series"]
    assert only_july == [
        {"unit": "DONGXOAI", "periods": ["2023-07"], "values": [91.1], "targets": [80], "statuses": ["met"]}
    ]
    assert api.get("/api/v1/indicators/NOPE/series/").status_code == 404
    bad = api.get("/api/v1/indicators/DVC-SVC-RATE/series/?from=2023")
    assert bad.json()["errors"] == [
        {"field": "from", "message": 'Kỳ báo cáo "2023" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)'}
    ]
