"""The plan API in the OpenAPI description (Vietnamese tag and summaries, no generator warning), and
schemathesis finds no server error on any of its operations, valid or not."""

import json

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from cds_portal.wsgi import application

from .conftest import report_all

PLAN_OPERATIONS = {
    ("get", "/api/v1/plan-tasks/"): "Danh sách nhiệm vụ của kế hoạch hoạt động Ban Chỉ đạo, kèm báo cáo quý gần nhất đã duyệt",
    ("get", "/api/v1/plan-tasks/{id}/"): "Một nhiệm vụ và lịch sử báo cáo quý của nhiệm vụ",
    ("post", "/api/v1/plan-tasks/{id}/progress/"): "Báo cáo tiến độ một nhiệm vụ trong một quý (cơ quan thực hiện hoặc Sở TT&TT)",
    ("get", "/api/v1/plan-tasks/submissions/"): "Tình hình gửi báo cáo quý của các cơ quan: trạng thái, hạn, đúng hạn / trễ hạn",
    ("post", "/api/v1/plan-tasks/submissions/{unit}/{quarter}/submit/"): "Gửi báo cáo quý của cơ quan (đang nhập hoặc bị trả lại → chờ duyệt)",
    ("post", "/api/v1/plan-tasks/submissions/{unit}/{quarter}/approve/"): "Duyệt báo cáo quý (chờ duyệt → đã duyệt, khóa báo cáo)",
    ("post", "/api/v1/plan-tasks/submissions/{unit}/{quarter}/return/"): "Trả lại báo cáo quý kèm ý kiến (chờ duyệt hoặc đã duyệt → bị trả lại)",
}


def test_the_plan_api_is_described_in_vietnamese_without_warnings(tmp_path, capsys):
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert [line for line in capsys.readouterr().err.splitlines() if "plan" in line.lower()] == []
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    found = {
        (method, path): op["summary"]
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/plan-tasks/")
        for method, op in ops.items()
    }
    assert found == PLAN_OPERATIONS
    assert {tag for path, ops in schema["paths"].items() if path.startswith("/api/v1/plan-tasks/")
            for op in ops.values() for tag in op["tags"]} == {"Kế hoạch Ban Chỉ đạo"}
    item = schema["components"]["schemas"]["PlanTask"]
    assert set(item["properties"]) == {"id", "year", "unit", "title", "text", "due", "indicators", "latest"}


def _operations():
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return [r.ok() for r in loaded.get_all_operations() if (r.ok().method.lower(), r.ok().path) in PLAN_OPERATIONS]


OPERATIONS = _operations()


def test_schemathesis_covers_every_plan_operation():
    assert len(OPERATIONS) == len(PLAN_OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_schemathesis_finds_no_server_error(operation, staff, owner):
    report_all(owner, "VPUBND", "2023-Q3")
    token = Token.objects.get_or_create(user=staff)[0].key
    strategy = operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=strategy)
    @hypothesis_settings(max_examples=25, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers={"Authorization": f"Token {token}"})
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.text[:500])

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        run()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
