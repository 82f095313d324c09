"""The OpenAPI description: it validates and Swagger UI works offline (the fuzz job: test_fuzz.py)."""

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

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
    # drf-spectacular's own validation (the OpenAPI 3 JSON Schema).
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yaml"))
    # Not one warning: a duplicate component name or operationId is a wrong schema for clients.
    assert capsys.readouterr().err == ""
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
