"""The values contract (issue 14): one DRF serializer validates what clients write and documents what
the API answers; the orjson read path uses its keys, in its order."""

from decimal import Decimal

import pytest

from indicators.api.contract import ValueSerializer, read_keys
from indicators.api.rows import VALUE_KEYS
from indicators.services import ValueInput


def test_the_read_path_answers_exactly_the_contracts_fields_in_order(values, api):
    [item] = api.get("/api/v1/values/?unit=BUDOP&indicator=DVC-SVC-RATE").json()["results"]
    assert tuple(item) == VALUE_KEYS == read_keys()
    assert read_keys() == (
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
    )
    detail = api.get("/api/v1/values/DVC-SVC-RATE/BUDOP/2023-08/").json()
    assert tuple(detail) == read_keys()


def test_the_schema_documents_reads_and_writes_with_the_one_component(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    value = schema["components"]["schemas"]["Value"]
    shown = [name for name, prop in value["properties"].items() if not prop.get("writeOnly")]
    assert tuple(shown) == read_keys()
    written = [name for name, prop in value["properties"].items() if not prop.get("readOnly")]
    assert written == [
        "indicator",
        "unit",
        "period",
        "value",
        "numerator",
        "denominator",
        "raw",
        "note",
        "tiers",
    ]
    required = set(value["required"]) - {n for n, p in value["properties"].items() if p.get("readOnly")}
    assert required == {"indicator", "unit", "period", "value"}
    assert value["properties"]["raw"]["maxLength"] == 500
    post = schema["paths"]["/api/v1/values/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert post == {"type": "array", "items": {"$ref": "#/components/schemas/Value"}}
    page = schema["components"]["schemas"]["ValuePage"]["properties"]["results"]
    assert page == {"type": "array", "items": {"$ref": "#/components/schemas/Value"}}


def test_the_serializer_validates_one_value_on_its_own(catalogue):
    contract = ValueSerializer(
        data={
            "indicator": "APP-BPTODAY-USERS",
            "unit": "BUDOP",
            "period": "2023-08",
            "value": "1.039",
            "note": "x",
        }
    )
    assert contract.is_valid(), contract.errors
    assert contract.validated_data == ValueInput(
        "APP-BPTODAY-USERS", "BUDOP", "2023-08", Decimal(1039), raw="1.039", note="x"
    )


@pytest.mark.parametrize(
    "data, errors",
    [
        (
            {"unit": 1, "period": "2023-08", "value": True, "extra": 1},
            {
                "extra": ['Trường "extra" không được hỗ trợ.'],
                "indicator": ["Thiếu trường bắt buộc."],
                "unit": ["Phải là chuỗi."],
                "value": ["Giá trị value phải là số."],
            },
        ),
        (
            {"indicator": "X", "unit": "U", "period": "2023-08", "value": "12,5a", "raw": "r" * 501},
            {"raw": ["Tối đa 500 ký tự (đang có 501)."], "value": ['"12,5a" không phải là số']},
        ),
        ("92,9", {"non_field_errors": ["Mỗi mục phải là một đối tượng JSON."]}),
    ],
)
def test_the_serializer_reports_every_problem_in_vietnamese(catalogue, data, errors):
    contract = ValueSerializer(data=data)
    assert not contract.is_valid()
    assert {k: [str(m) for m in v] for k, v in contract.errors.items()} == errors
