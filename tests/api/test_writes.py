from decimal import Decimal

import pytest

from indicators.models import AuditEntry, DataValue, ValueChange
from tests.api.conftest import token_client

URL = "/api/v1/values/"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as a real request would commit: the status engine's on-commit task runs."""

    def _post(client, body, query=""):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL + query, body, format="json")

    return _post


def stored():
    return sorted(
        (dv.indicator.code, dv.unit.code, dv.period, dv.value, dv.raw, dv.source)
        for dv in DataValue.objects.select_related("indicator", "unit")
    )


def test_one_object_is_written_audited_and_judged(staff, api, post):
    response = post(api, {"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": "2023-08", "value": 81.25})
    assert response.status_code == 201
    assert response.json() == {
        "dry_run": False,
        "created": 1,
        "changed": 0,
        "unchanged": 0,
        "keys": ["DVC-SVC-RATE/BUDOP/2023-08"],
        "warnings": [],
    }
    assert stored() == [("DVC-SVC-RATE", "BUDOP", "2023-08", Decimal("81.25"), "81.25", "api")]
    entry = ValueChange.objects.get()
    assert (entry.action, entry.indicator.code, entry.unit.code, entry.period, entry.source, entry.user) == (
        "created",
        "DVC-SVC-RATE",
        "BUDOP",
        "2023-08",
        "api",
        staff,
    )
    assert (entry.value_before, entry.value_after) == (None, Decimal("81.25"))
    item = api.get(URL + "DVC-SVC-RATE/BUDOP/2023-08/").json()
    assert (item["status"], item["target"], item["source"]) == ("met", 80, "api")


def test_a_list_is_written_and_a_second_push_changes_nothing(api, post):
    body = [
        {
            "indicator": "APP-BPTODAY-USERS",
            "unit": "DONGXOAI",
            "period": "2023-08",
            "value": 3403,
            "raw": "3.403",
        },
        {
            "indicator": "HOT-RECEIVED",
            "unit": "BP",
            "period": "2023-08",
            "value": 2095,
            "note": "Tổng đài 1022",
        },
    ]
    first = post(api, body)
    assert first.status_code == 201
    assert (first.json()["created"], first.json()["keys"]) == (
        2,
        ["APP-BPTODAY-USERS/DONGXOAI/2023-08", "HOT-RECEIVED/BP/2023-08"],
    )
    again = post(api, body)
    assert again.status_code == 200
    assert {k: again.json()[k] for k in ("created", "changed", "unchanged")} == {
        "created": 0,
        "changed": 0,
        "unchanged": 2,
    }
    assert ValueChange.objects.count() == 2
    assert DataValue.objects.get(unit__code="BP").note == "Tổng đài 1022"


def test_dry_run_validates_and_counts_but_writes_nothing(api, post):
    response = post(
        api, [{"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": "2023-08", "value": 81}], "?dry_run=1"
    )
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["created"] == 1
    assert DataValue.objects.count() == 0 and ValueChange.objects.count() == AuditEntry.objects.count() == 0
    bad = post(api, [{"indicator": "NOPE", "unit": "BUDOP", "period": "2023-08", "value": 81}], "?dry_run=1")
    assert bad.status_code == 400


def test_every_problem_is_reported_per_item_and_nothing_is_written(reporter, post):
    client = token_client(reporter)
    body = [
        {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-08", "value": 90},
        {"indicator": "NOPE", "unit": "DONGXOAI", "period": "2023-08", "value": 1},
        {"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": "2023-13", "value": 50},
        {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-09", "value": "12,5a"},
        {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-08", "value": 91},
        "92,9",
        {"unit": "DONGXOAI", "period": "2023-08", "value": 1, "vlaue": 2},
        {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-10", "value": True, "tiers": [1]},
        {"indicator": "DVC-SVC-RATE", "unit": "XX", "period": "2023-10"},
    ]
    response = post(client, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ (12 lỗi); không có số liệu nào được ghi.",
        "code": "invalid",
        "errors": [
            {"index": 1, "field": "indicator", "message": "Không có chỉ tiêu mã 'NOPE'"},
            {
                "index": 2,
                "field": "unit",
                "message": "Bạn không có quyền nhập số liệu cho đơn vị 'Huyện Bù Đốp'",
            },
            {
                "index": 2,
                "field": "period",
                "message": 'Kỳ báo cáo "2023-13" không hợp lệ (định dạng YYYY-MM, năm 2000–2100, ví dụ 2023-08)',
            },
            {"index": 3, "field": "value", "message": '"12,5a" không phải là số'},
            {"index": 4, "field": None, "message": "Số liệu DVC-SVC-RATE/DONGXOAI/2023-08 bị lặp"},
            {"index": 5, "field": None, "message": "Mỗi mục phải là một đối tượng JSON."},
            {"index": 6, "field": "indicator", "message": "Thiếu trường bắt buộc."},
            {"index": 6, "field": "vlaue", "message": 'Trường "vlaue" không được hỗ trợ.'},
            {"index": 7, "field": "value", "message": "Giá trị value phải là số."},
            {"index": 7, "field": "tiers", "message": 'Phải là đối tượng {cấp: số}, ví dụ {"province": 95}.'},
            {"index": 8, "field": "unit", "message": "Không có đơn vị mã 'XX'"},
            {"index": 8, "field": "value", "message": "Thiếu trường bắt buộc (null nếu chưa có số liệu)."},
        ],
    }
    assert DataValue.objects.count() == 0 and ValueChange.objects.count() == AuditEntry.objects.count() == 0


def test_vietnamese_number_text_is_read_like_the_importer_reads_cells(api, post):
    response = post(
        api,
        [
            {"indicator": "APP-BPTODAY-USERS", "unit": "DONGXOAI", "period": "2023-08", "value": "1.039"},
            {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-08", "value": "92,9%"},
        ],
    )
    assert response.status_code == 201, response.json()
    assert stored() == [
        ("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", Decimal("1039"), "1.039", "api"),
        ("DVC-SVC-RATE", "DONGXOAI", "2023-08", Decimal("92.9"), "92,9%", "api"),
    ]


def test_an_empty_or_malformed_body_is_refused(api):
    assert api.post(URL, [], format="json").json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "code": "invalid",
        "errors": [
            {"index": None, "field": None, "message": "Gửi một đối tượng hoặc một danh sách số liệu (JSON)."}
        ],
    }
    broken = api.post(URL, "{not json", content_type="application/json")
    assert (broken.status_code, broken.json()) == (
        400,
        {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ.", "code": "parse_error"},
    )
    form = api.post(URL, {"indicator": "X"})  # multipart
    assert (form.status_code, form.json()["detail"]) == (
        415,
        "Chỉ nhận dữ liệu dạng JSON (Content-Type: application/json).",
    )


def test_too_many_items_are_refused(api, settings):
    settings.API_MAX_PAGE_SIZE = 2
    body = [
        {"indicator": "HOT-RECEIVED", "unit": "BP", "period": f"2023-0{m}", "value": m} for m in (1, 2, 3)
    ]
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": None, "field": None, "message": "Mỗi lần gửi tối đa 2 số liệu."}
    ]


def test_put_creates_then_replaces_one_value(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = api.put(
            URL + "DVC-SVC-RATE/BUDOP/2023-08/", {"value": 75.5, "raw": "75,50%"}, format="json"
        )
    assert created.status_code == 201
    body = api.get(URL + "DVC-SVC-RATE/BUDOP/2023-08/").json()  # after the commit's status recompute
    assert {k: body[k] for k in ("indicator", "unit", "period", "value", "raw", "source", "status")} == {
        "indicator": "DVC-SVC-RATE",
        "unit": "BUDOP",
        "period": "2023-08",
        "value": 75.5,
        "raw": "75,50%",
        "source": "api",
        "status": "not_met",
    }
    with django_capture_on_commit_callbacks(execute=True):
        replaced = api.put(
            URL + "DVC-SVC-RATE/BUDOP/2023-08/", {"value": 85, "note": "đã sửa"}, format="json"
        )
    assert replaced.status_code == 200
    assert [replaced.json()[k] for k in ("value", "raw", "note")] == [85, "85", "đã sửa"]
    assert api.get(URL + "DVC-SVC-RATE/BUDOP/2023-08/").json()["status"] == "met"
    assert ValueChange.objects.filter(action="updated").count() == 1


def test_patch_changes_only_the_fields_sent(api, django_capture_on_commit_callbacks):
    api.put(
        URL + "DVC-SVC-RATE/BUDOP/2023-08/",
        {"value": 75.5, "raw": "75,50%", "numerator": 151, "denominator": 200, "note": "quý 3"},
        format="json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(URL + "DVC-SVC-RATE/BUDOP/2023-08/", {"note": "đã kiểm tra"}, format="json")
    assert response.status_code == 200
    assert [response.json()[k] for k in ("value", "raw", "numerator", "denominator", "note")] == [
        75.5,
        "75,50%",
        151,
        200,
        "đã kiểm tra",
    ]
    missing = api.patch(URL + "DVC-SVC-RATE/BUDOP/2023-09/", {"value": 1}, format="json")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Chưa có số liệu này; dùng PUT để tạo mới.", "code": "not_found"}


def test_put_rejects_a_body_that_contradicts_the_address_and_bad_values(api):
    wrong = api.put(URL + "DVC-SVC-RATE/BUDOP/2023-08/", {"unit": "BP", "value": 1}, format="json")
    assert (wrong.status_code, wrong.json()["errors"]) == (
        400,
        [{"index": 0, "field": "unit", "message": 'Khác với địa chỉ ("BUDOP").'}],
    )
    bad = api.put(URL + "DVC-SVC-RATE/BUDOP/2023-13/", {"value": "abc"}, format="json")
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["period", "value"]
    assert api.put(URL + "NOPE/BUDOP/2023-08/", {"value": 1}, format="json").status_code == 404
    assert api.put(URL + "DVC-SVC-RATE/NOPE/2023-08/", {"value": 1}, format="json").status_code == 404
    assert DataValue.objects.count() == 0


def test_a_reporter_cannot_put_another_units_value(outsider):
    response = token_client(outsider).put(URL + "DVC-SVC-RATE/DONGXOAI/2023-08/", {"value": 1}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Bạn không có quyền nhập số liệu cho đơn vị 'Thành phố Đồng Xoài'.",
        "code": "permission_denied",
    }
    assert DataValue.objects.count() == 0


def test_a_push_only_for_units_the_reporter_may_not_write_is_403(outsider):
    response = token_client(outsider).post(
        URL, {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-08", "value": 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Bạn không có quyền nhập số liệu cho đơn vị này; không có số liệu nào được ghi.",
        "code": "permission_denied",
        "errors": [
            {
                "index": 0,
                "field": "unit",
                "message": "Bạn không có quyền nhập số liệu cho đơn vị 'Thành phố Đồng Xoài'",
            }
        ],
    }


def test_a_write_to_an_approved_period_is_a_409_with_the_reason(values, reporter, post):
    import datetime

    from indicators.models.workflow import Submission
    from units.models import Unit

    Submission.objects.create(
        unit=Unit.objects.get(code="DONGXOAI"),
        period="2023-08",
        state="approved",
        deadline=datetime.date(2023, 9, 20),
    )
    before = stored()
    client = token_client(reporter)
    response = post(
        client, {"indicator": "DVC-SVC-RATE", "unit": "DONGXOAI", "period": "2023-08", "value": 99}
    )
    reason = "Số liệu tháng 8/2023 của Thành phố Đồng Xoài đã được duyệt và khóa; liên hệ Sở TT&TT để mở khóa nếu cần sửa."
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{reason} Không có số liệu nào được ghi.",
        "code": "locked",
        "errors": [{"index": 0, "field": None, "message": reason}],
    }
    put = client.put(URL + "DVC-SVC-RATE/DONGXOAI/2023-08/", {"value": 99}, format="json")
    assert (put.status_code, put.json()["code"]) == (409, "locked")
    assert stored() == before


def test_nul_characters_are_refused_not_a_server_error(api):
    response = api.post(
        URL,
        [{"indicator": "\x00", "unit": "BP", "period": "2023-08", "value": "1\x00", "note": "a\x00"}],
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 0, "field": "indicator", "message": "Chứa ký tự không hợp lệ (NUL)."},
        {"index": 0, "field": "value", "message": "Chứa ký tự không hợp lệ (NUL)."},
        {"index": 0, "field": "note", "message": "Chứa ký tự không hợp lệ (NUL)."},
    ]
    assert api.get(URL + "DVC-SVC-RATE/%00/2023-08/").status_code == 404
