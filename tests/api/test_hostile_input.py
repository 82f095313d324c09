"""Hostile and careless input (issue 16 #11): every one of these answered 500 or changed data silently.

Each answer is a 400/404 with the Vietnamese message users see, and nothing is written. The bodies are
sent as raw JSON text, as a client would send them (1e400, 40-digit integers and lone surrogates do not
survive a Python round trip through `format="json"`).
"""

import html

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.models import DataValue

URL = "/api/v1/values/"
HEAD = '{"indicator": "APP-BPTODAY-USERS", "unit": "DONGXOAI", "period": "2023-09", '
TOO_LARGE = "Số quá lớn: giá trị tuyệt đối phải nhỏ hơn 10^15 (tối đa 15 chữ số phần nguyên)."
NUL_IN_ADDRESS = "Địa chỉ chứa ký tự không hợp lệ (NUL)."


def client_of(user) -> APIClient:
    """A token client that answers a server error with its 500 instead of raising it in the test."""
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def api(staff):
    return client_of(staff)


def post_text(api, body, url=URL):
    return api.post(url, body, content_type="application/json")


def refused(response, *errors):
    assert response.status_code == 400, response.content[:300]
    assert response.json() == {
        "detail": f"Dữ liệu không hợp lệ ({len(errors)} lỗi); không có số liệu nào được ghi.",
        "code": "invalid",
        "errors": [{"index": 0, "field": field, "message": message} for field, message in errors],
    }


@pytest.mark.parametrize(
    "tail, field",
    [
        ('"value": 1e18}', "value"),
        ('"value": -1e18}', "value"),
        ('"value": 1, "numerator": 1e18}', "numerator"),
        ('"value": 1, "denominator": 1000000000000000000}', "denominator"),
        ('"value": ' + "9" * 40 + "}", "value"),
        ('"value": "' + "9" * 40 + '"}', "value"),
        ('"value": 1e400}', "value"),
        ('"value": 1e15}', "value"),
        ('"value": "1.000.000.000.000.000"}', "value"),
        # Rounded to the column's 6 decimals it is 10^15.
        ('"value": 999999999999999.9999999}', "value"),
    ],
)
def test_a_number_too_large_for_the_database_is_refused_not_a_server_error(values, api, tail, field):
    refused(post_text(api, HEAD + tail), (field, TOO_LARGE))
    assert not DataValue.objects.filter(period="2023-09").exists()


def test_the_largest_number_the_database_holds_is_stored_exactly(values, api):
    response = post_text(api, HEAD + '"value": 999999999999999}')
    assert response.status_code == 201, response.content
    assert DataValue.objects.get(period="2023-09").value == 999999999999999


def test_a_put_with_a_number_too_large_is_refused_and_keeps_the_stored_value(values, api):
    response = api.put(
        URL + "APP-BPTODAY-USERS/DONGXOAI/2023-08/", '{"value": 1e19}', content_type="application/json"
    )
    refused(response, ("value", TOO_LARGE))
    assert (
        DataValue.objects.get(
            indicator__code="APP-BPTODAY-USERS", unit__code="DONGXOAI", period="2023-08"
        ).value
        == 3403
    )


@pytest.mark.parametrize(
    "tiers, message",
    [
        ('{"province": 1e400}', 'Số của cấp "province" quá lớn: giá trị tuyệt đối phải nhỏ hơn 10^15.'),
        ('{"district": -1e18}', 'Số của cấp "district" quá lớn: giá trị tuyệt đối phải nhỏ hơn 10^15.'),
    ],
)
def test_tiers_with_a_number_too_large_are_refused(values, api, tiers, message):
    body = f'{{"indicator": "CQS-WORK-ONLINE", "unit": "BP", "period": "2023-09", "value": 95, "tiers": {tiers}}}'
    refused(post_text(api, body), ("tiers", message))
    assert not DataValue.objects.filter(period="2023-09").exists()


SURROGATE = "Dữ liệu gửi lên chứa ký tự không hợp lệ: nửa cặp UTF-16 (\\ud800) đứng riêng."


def test_a_lone_surrogate_in_a_note_is_refused(values, api):
    response = post_text(api, HEAD + '"value": 1, "note": "ghi chú \\ud800"}')
    assert (response.status_code, response.json()) == (400, {"detail": SURROGATE, "code": "parse_error"})
    assert not DataValue.objects.filter(period="2023-09").exists()


def test_a_lone_surrogate_in_a_key_or_a_put_body_is_refused(values, api):
    response = post_text(api, HEAD + '"value": 1, "\\ud800": 1}')
    assert (response.status_code, response.json()["detail"]) == (400, SURROGATE)
    put = api.put(
        URL + "APP-BPTODAY-USERS/DONGXOAI/2023-08/",
        '{"value": 1, "note": "\\ud800"}',
        content_type="application/json",
    )
    assert (put.status_code, put.json()["detail"]) == (400, SURROGATE)


def test_a_surrogate_pair_is_one_character_and_is_stored(values, api):
    response = post_text(api, HEAD + '"value": 1, "note": "\\ud83d\\ude00 đủ"}')
    assert response.status_code == 201, response.content
    assert DataValue.objects.get(period="2023-09").note == "\U0001f600 đủ"


def test_a_lone_surrogate_in_a_workflow_comment_is_refused(values, api):
    response = post_text(api, '{"comment": "\\udfff"}', "/api/v1/submissions/DONGXOAI/2023-08/return/")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu gửi lên chứa ký tự không hợp lệ: nửa cặp UTF-16 (\\udfff) đứng riêng.",
        "code": "parse_error",
    }


DEEP = "Dữ liệu JSON lồng nhau quá sâu (tối đa 64 cấp)."


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", URL),
        ("put", URL + "APP-BPTODAY-USERS/DONGXOAI/2023-08/"),
        ("patch", URL + "APP-BPTODAY-USERS/DONGXOAI/2023-08/"),
        ("post", "/api/v1/submissions/DONGXOAI/2023-08/submit/"),
    ],
)
@pytest.mark.parametrize("depth", [65, 100_000])
def test_json_nested_too_deep_is_refused(values, api, method, url, depth):
    response = getattr(api, method)(url, "[" * depth + "]" * depth, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": DEEP, "code": "parse_error"})


def test_json_nested_within_the_limit_reaches_the_validation(values, api):
    response = post_text(api, "[" * 64 + "]" * 64)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 0, "field": None, "message": "Mỗi mục phải là một đối tượng JSON."}
    ]


OFFSET = 'Vị trí bắt đầu "offset" phải là số nguyên từ 0 đến 1.000.000.000.'
LIMIT = 'Số mục mỗi trang "limit" phải là số nguyên dương.'


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/values/",
        "/api/v1/values/?format=csv&",
        "/api/v1/indicators/",
        "/api/v1/units/",
        "/api/v1/targets/",
        "/api/v1/aggregates/",
    ],
)
@pytest.mark.parametrize(
    "query, field, message",
    [
        ("offset=99999999999999999999", "offset", OFFSET),
        ("offset=1000000001", "offset", OFFSET),
        ("offset=-1", "offset", OFFSET),
        ("offset=abc", "offset", OFFSET),
        ("limit=abc", "limit", LIMIT),
        ("limit=0", "limit", LIMIT),
    ],
)
def test_a_bad_offset_or_limit_is_a_vietnamese_400(values, api, url, query, field, message):
    sep = "" if url.endswith("&") else "?"
    response = api.get(url + sep + query)
    assert response.status_code == 400, response.content[:300]
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "code": "invalid",
        "errors": [{"field": field, "message": message}],
    }


def test_the_largest_offset_is_still_a_page(values, api):
    body = api.get(URL + "?offset=1000000000").json()
    assert (body["count"], body["results"]) == (7, [])


def test_raw_over_500_characters_is_refused_on_create(values, api):
    response = post_text(api, HEAD + '"value": 1, "raw": "' + "x" * 501 + '"}')
    refused(response, ("raw", "Tối đa 500 ký tự (đang có 501)."))
    assert not DataValue.objects.filter(period="2023-09").exists()


@pytest.mark.parametrize("method", ["put", "patch"])
def test_raw_over_500_characters_is_refused_on_update_not_cut(values, api, method):
    response = getattr(api, method)(
        URL + "APP-BPTODAY-USERS/DONGXOAI/2023-08/", {"value": 1, "raw": "y" * 600}, format="json"
    )
    refused(response, ("raw", "Tối đa 500 ký tự (đang có 600)."))
    stored = DataValue.objects.get(
        indicator__code="APP-BPTODAY-USERS", unit__code="DONGXOAI", period="2023-08"
    )
    assert (stored.value, stored.raw) == (3403, "3.403")


def test_raw_of_500_characters_is_stored_whole(values, api):
    response = api.put(
        URL + "APP-BPTODAY-USERS/DONGXOAI/2023-08/", {"value": 1, "raw": "z" * 500}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["raw"] == "z" * 500


# ----------------------------------------------------------------------- NUL in addresses and queries
@pytest.fixture
def page(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "url",
    ["/indicators/%00/", "/nhap-so-lieu/DONG%00XOAI/2023-09/", "/units/DONG%00XOAI/", "/bao-cao/2023-0%00/"],
)
def test_a_nul_in_a_page_address_is_a_vietnamese_404(values, page, url):
    response = page.get(url)
    assert response.status_code == 404
    assert NUL_IN_ADDRESS in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "url", ["/api/v1/indicators/%00/", "/api/v1/values/DVC-SVC-RATE/%00/2023-08/", "/api/v1/%00"]
)
def test_a_nul_in_an_api_address_is_a_json_404(values, api, url):
    response = api.get(url)
    assert (response.status_code, response.json()) == (404, {"detail": NUL_IN_ADDRESS, "code": "not_found"})


@pytest.mark.parametrize(
    "query, field",
    [("unit=%00", "unit"), ("period=2023-0%008", "period"), ("indicator=DVC&x%00=1", "x\\0")],
)
def test_a_nul_in_an_api_parameter_is_a_json_400(values, api, query, field):
    response = api.get(URL + "?" + query)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "code": "invalid",
        "errors": [{"field": field, "message": "Chứa ký tự không hợp lệ (NUL)."}],
    }


@pytest.mark.parametrize(
    "url, names",
    [
        ("/?unit=%00", ["unit"]),
        ("/indicators/DVC-SVC-RATE/?unit=%00&period=%00", ["unit", "period"]),
        ("/nhap-so-lieu/?period=%00", ["period"]),
    ],
)
def test_a_nul_in_a_page_parameter_is_a_vietnamese_400(values, page, url, names):
    response = page.get(url)
    assert response.status_code == 400
    expected = " ".join(f'Tham số "{name}" chứa ký tự không hợp lệ (NUL).' for name in names)
    assert expected in html.unescape(response.content.decode())
