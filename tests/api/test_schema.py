"""The OpenAPI description: it validates, Swagger UI works offline, and schemathesis finds no 500."""

import json

import pytest
import schemathesis
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from cds_portal.wsgi import application

OUR_PATHS = [
    "/api/v1/units/",
    "/api/v1/units/{code}/",
    "/api/v1/indicators/",
    "/api/v1/indicators/{code}/",
    "/api/v1/indicators/{code}/series/",
    "/api/v1/targets/",
    "/api/v1/values/",
    "/api/v1/values/{indicator}/{unit}/{period}/",
    "/api/v1/aggregates/",
    "/api/v1/completeness/",
    "/api/v1/dti/",
]


def test_the_schema_validates(tmp_path, capsys):
    # drf-spectacular's own validation (the OpenAPI 3 JSON Schema); no warning or error may name our views.
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"))
    generator_output = capsys.readouterr().err
    ours = [
        line
        for line in generator_output.splitlines()
        if "/units/api/" in line or "/indicators/api/views" in line
    ]
    assert ours == []
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert schema["openapi"].startswith("3.")
    assert set(OUR_PATHS) <= set(schema["paths"])


def test_the_schema_is_served_without_a_token(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    body = response.json()
    assert body["info"]["title"] == "CĐS Portal API"
    params = {p["name"] for p in body["paths"]["/api/v1/values/"]["get"]["parameters"]}
    assert params >= {
        "indicator",
        "unit",
        "level",
        "pillar",
        "group",
        "period",
        "from",
        "to",
        "status",
        "flag",
    }


def test_swagger_ui_is_served_from_local_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") is not None


def _load_schema():
    """The schema as drf-spectacular generates it (no database needed), served by our WSGI app."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


# Our endpoints only: the intake's /imports/ has its own tests (and a multipart body to fuzz).
OPERATIONS = [result.ok() for result in _load_schema().get_all_operations() if result.ok().path in OUR_PATHS]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_schemathesis_finds_no_server_error(operation, values, staff):
    token = Token.objects.get_or_create(user=staff)[0].key
    strategy = operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE)

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers={"Authorization": f"Token {token}"})
        assert response.status_code < 500, (
            case.method,
            case.formatted_path,
            case.query,
            case.body,
            response.text[:500],
        )

    # The WSGI handler fires request_started/finished, which would close the test's database
    # connection in the middle of its transaction; Django's test client disconnects them the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        run()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_schemathesis_covers_every_operation_of_ours():
    assert sorted(f"{op.method.upper()} {op.path}" for op in OPERATIONS) == [
        "GET /api/v1/aggregates/",
        "GET /api/v1/completeness/",
        "GET /api/v1/dti/",
        "GET /api/v1/indicators/",
        "GET /api/v1/indicators/{code}/",
        "GET /api/v1/indicators/{code}/series/",
        "GET /api/v1/targets/",
        "GET /api/v1/units/",
        "GET /api/v1/units/{code}/",
        "GET /api/v1/values/",
        "GET /api/v1/values/{indicator}/{unit}/{period}/",
        "PATCH /api/v1/values/{indicator}/{unit}/{period}/",
        "POST /api/v1/values/",
        "PUT /api/v1/values/{indicator}/{unit}/{period}/",
    ]
