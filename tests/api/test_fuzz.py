"""The standing fuzz job (issue 16): schemathesis against the schema the app serves at /api/v1/schema/,
every operation, as staff and as a reporter, asserting that no request gets a server error, and that
every successful answer is what the schema documents (so the docs cannot drift from the API).

It runs in `make test` on PostgreSQL in CI, bounded: `FUZZ_EXAMPLES` examples per operation and persona
(default 12) besides schemathesis's examples and coverage phases, a minute or two on two cores. The
requests go through the WSGI application inside the test's transaction, against the demo values of
`tests/api/conftest.py`, so generated codes and periods meet real rows as well as made-up ones.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import response_schema_conformance

from cds_portal.wsgi import application

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))

# The schema as the app serves it, read through the WSGI app (no database needed for it).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def in_test_transaction():
    """The WSGI handler fires request_started/finished, which would close the test's database connection
    in the middle of its transaction; Django's test client disconnects them the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["staff", "reporter"])
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case, persona, values, personas, in_test_transaction):
    token = Token.objects.get_or_create(user=personas[persona])[0].key
    response = case.call(headers={"Authorization": f"Token {token}"})
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        case.query,
        case.headers,
        case.body if not isinstance(case.body, bytes) else case.body[:200],
        response.text[:800],
    )
    if response.status_code < 300:
        case.validate_response(response, checks=[response_schema_conformance])


def test_the_fuzz_job_covers_every_operation():
    assert sorted(
        f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())
    ) == [
        "GET /api/v1/aggregates/",
        "GET /api/v1/completeness/",
        "GET /api/v1/dti/",
        "GET /api/v1/indicators/",
        "GET /api/v1/indicators/{code}/",
        "GET /api/v1/indicators/{code}/series/",
        "GET /api/v1/plan-tasks/",
        "GET /api/v1/plan-tasks/submissions/",
        "GET /api/v1/plan-tasks/{id}/",
        "GET /api/v1/reports/",
        "GET /api/v1/submissions/",
        "GET /api/v1/targets/",
        "GET /api/v1/units/",
        "GET /api/v1/units/{code}/",
        "GET /api/v1/values/",
        "GET /api/v1/values/{indicator}/{unit}/{period}/",
        "GET /api/v1/values/{indicator}/{unit}/{period}/history/",
        "PATCH /api/v1/values/{indicator}/{unit}/{period}/",
        "POST /api/v1/imports/",
        "POST /api/v1/imports/{id}/undo/",
        "POST /api/v1/plan-tasks/submissions/{unit}/{quarter}/approve/",
        "POST /api/v1/plan-tasks/submissions/{unit}/{quarter}/return/",
        "POST /api/v1/plan-tasks/submissions/{unit}/{quarter}/submit/",
        "POST /api/v1/plan-tasks/{id}/progress/",
        "POST /api/v1/submissions/{unit}/{period}/approve/",
        "POST /api/v1/submissions/{unit}/{period}/return/",
        "POST /api/v1/submissions/{unit}/{period}/submit/",
        "POST /api/v1/submissions/{unit}/{period}/unlock/",
        "POST /api/v1/values/",
        "PUT /api/v1/values/{indicator}/{unit}/{period}/",
    ]
