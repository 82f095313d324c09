"""A numerator and a denominator typed without a value (issue 17) were dropped by the form and stored
without a value by the API. A ratio's value is now computed from them (8/8 → 100 %); anything else is
refused with the field and the reason, on the form and the API alike (indicators.checks)."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.checks import check_value
from indicators.models import DataValue, Indicator

from .test_views import FORM, P, form_data

pytestmark = pytest.mark.django_db


def _form(user):
    c = Client()
    c.force_login(user)
    return c


def _api(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return c


def test_the_check_computes_a_ratio_and_refuses_a_value_missing_elsewhere(catalogue):
    ratio = Indicator.objects.get(code="CQS-WORK-ONLINE")
    plain = Indicator.objects.get(code="DVC-SVC-RATE")
    check = check_value(ratio, None, numerator=Decimal(8), denominator=Decimal(8))
    assert (check.ok, check.value, check.computed) == (True, Decimal(100), True)
    assert check_value(ratio, None, numerator=Decimal(2), denominator=Decimal(3)).value == Decimal("66.666667")
    assert check_value(ratio, None, numerator=Decimal(8)).errors == {
        "value": ["Thiếu giá trị: hãy nhập giá trị, hoặc cả tử số và mẫu số để tính tỷ lệ"]
    }
    assert check_value(ratio, None, numerator=Decimal(0), denominator=Decimal(0)).errors == {
        "denominator": ["Mẫu số bằng 0: không tính được tỷ lệ; hãy nhập giá trị"]
    }
    assert check_value(plain, None, numerator=Decimal(8), denominator=Decimal(8)).errors == {
        "value": ["Thiếu giá trị: đã nhập tử số và mẫu số thì phải nhập cả giá trị"]
    }
    # A value typed beside them is kept as typed.
    assert check_value(ratio, Decimal(90), numerator=Decimal(8), denominator=Decimal(8)).value == Decimal(90)


def test_the_form_stores_8_of_8_as_100_percent(reporter):
    c = _form(reporter)
    page = c.get(FORM)
    data = form_data(page)
    data[f"{P}CQS-WORK-ONLINE-numerator"] = "8"
    data[f"{P}CQS-WORK-ONLINE-denominator"] = "8"
    response = c.post(FORM, data)
    assert response.status_code == 302
    dv = DataValue.objects.get(indicator__code="CQS-WORK-ONLINE", unit__code="DONGXOAI", period="2023-08")
    assert (dv.value, dv.numerator, dv.denominator) == (Decimal(100), Decimal(8), Decimal(8))
    html = c.get(FORM).content.decode()
    row = html[html.index('id="row-CQS-WORK-ONLINE"') :]
    assert 'value="100"' in row[: row.index("</tr>")]


def test_the_form_refuses_a_numerator_alone_and_says_why(reporter):
    c = _form(reporter)
    data = form_data(c.get(FORM))
    data[f"{P}CQS-WORK-ONLINE-numerator"] = "8"
    response = c.post(FORM, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa lưu: hãy sửa các ô báo lỗi và xác nhận các cảnh báo." in html
    assert (
        '<p class="error field-error" data-field="value">Thiếu giá trị: hãy nhập giá trị, hoặc cả tử số và '
        "mẫu số để tính tỷ lệ</p>" in html
    )
    assert not DataValue.objects.filter(indicator__code="CQS-WORK-ONLINE").exists()


def test_the_api_computes_a_ratio_and_refuses_a_plain_value_without_its_number(staff):
    api = _api(staff)
    ok = api.post(
        "/api/v1/values/",
        {"indicator": "CQS-WORK-ONLINE", "unit": "BP", "period": "2023-06", "value": None, "numerator": 8, "denominator": 8},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert DataValue.objects.get(indicator__code="CQS-WORK-ONLINE", unit__code="BP").value == Decimal(100)
    bad = api.post(
        "/api/v1/values/",
        {"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": "2023-08", "value": None, "numerator": 8, "denominator": 8},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {
            "index": 0,
            "field": "value",
            "message": "Thiếu giá trị: đã nhập tử số và mẫu số thì phải nhập cả giá trị",
        }
    ]
    assert not DataValue.objects.filter(indicator__code="DVC-SVC-RATE").exists()
