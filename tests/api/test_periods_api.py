"""Periods outside any real calendar (issue 16 #8) on every API endpoint that takes a period.

`0000-01` and `9999-12` used to be stored by the API; the nightly recompute then failed and `9999-12`
became every dashboard's default month. Every endpoint now answers 400 with the one message of
`core.periods.PERIOD_MESSAGE`, and nothing is written.
"""

import io

import pytest
from openpyxl import Workbook

from core.periods import PERIOD_MESSAGE
from indicators.models import DataValue
from indicators.models.workflow import Submission

BAD = ["0000-01", "9999-12", "1999-12", "2101-01"]


def message(text):
    return PERIOD_MESSAGE % {"text": text}


def invalid(response, field, text, index=None):
    assert response.status_code == 400, response.content[:300]
    item = {"field": field, "message": message(text)}
    if index is not None:
        item = {"index": index, **item}
    assert item in response.json()["errors"], response.json()


@pytest.mark.parametrize("period", BAD)
def test_values_create_refuses_the_period(values, api, period):
    response = api.post(
        "/api/v1/values/",
        [{"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": period, "value": 81}],
        format="json",
    )
    invalid(response, "period", period, index=0)
    assert response.json()["detail"] == "Dữ liệu không hợp lệ (1 lỗi); không có số liệu nào được ghi."
    assert not DataValue.objects.filter(period=period).exists()


@pytest.mark.parametrize("period", BAD)
@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_the_value_address_refuses_the_period(values, api, period, method):
    url = f"/api/v1/values/DVC-SVC-RATE/BUDOP/{period}/"
    response = getattr(api, method)(url, {"value": 81}, format="json") if method != "get" else api.get(url)
    invalid(response, "period", period, index=0 if method != "get" else None)
    assert not DataValue.objects.filter(period=period).exists()


@pytest.mark.parametrize("period", BAD)
@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/values/?period={p}", "period"),
        ("/api/v1/values/?from={p}", "from"),
        ("/api/v1/values/?to={p}", "to"),
        ("/api/v1/values/?format=csv&to={p}", "to"),
        ("/api/v1/indicators/DVC-SVC-RATE/series/?from={p}", "from"),
        ("/api/v1/indicators/DVC-SVC-RATE/series/?to={p}", "to"),
        ("/api/v1/aggregates/?period={p}", "period"),
        ("/api/v1/aggregates/?from={p}", "from"),
        ("/api/v1/aggregates/?to={p}", "to"),
        ("/api/v1/completeness/?period={p}", "period"),
        ("/api/v1/completeness/?from={p}", "period"),
        ("/api/v1/completeness/?to={p}", "period"),
        ("/api/v1/submissions/?period={p}", "period"),
        ("/api/v1/values/DVC-SVC-RATE/DONGXOAI/{p}/history/", "period"),
    ],
)
def test_every_read_refuses_the_period(values, api, period, url, field):
    invalid(api.get(url.format(p=period)), field, period)


@pytest.mark.parametrize("period", BAD)
@pytest.mark.parametrize("verb", ["submit", "approve", "return", "unlock"])
def test_every_workflow_transition_refuses_the_period(values, api, period, verb):
    response = api.post(
        f"/api/v1/submissions/DONGXOAI/{period}/{verb}/", {"comment": "x", "reason": "x"}, format="json"
    )
    invalid(response, "period", period)
    assert not Submission.objects.filter(period=period).exists()


@pytest.mark.parametrize("period", ["0000-01", "9999-12"])
def test_the_import_api_refuses_the_period(values, api, period):
    wb = Workbook()
    wb.active.append(["Chỉ tiêu", "Giá trị"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "so-lieu.xlsx"
    response = api.post("/api/v1/imports/", {"file": buf, "period": period}, format="multipart")
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"] if e["column"] == "period"] == [message(period)]
