"""API fixtures: a token client per persona, an anonymous client, and a small set of values written
through the service (so the status engine has run on them, eagerly, on commit)."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.services import ValueInput, record_values

PERSONAS = ("staff", "reporter", "outsider", "viewer", "anonymous")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # Throttle counters live in the cache; every test starts with a full budget.
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def clients(personas):
    out = {name: token_client(user) for name, user in personas.items()}
    out["anonymous"] = APIClient()
    return out


@pytest.fixture
def api(staff):
    return token_client(staff)


def _write(user, rows):
    return record_values(
        [ValueInput(i, u, p, None if v is None else Decimal(v), raw=r) for i, u, p, v, r in rows],
        user=user,
        source="import",
    )


# (indicator, unit, period, value, raw). DVC-SVC-RATE is a percent with the district target >= 80;
# APP-BPTODAY-USERS a count. Two months for DONGXOAI so change_text is computed.
VALUES = [
    ("DVC-SVC-RATE", "DONGXOAI", "2023-07", "91.1", "91,10%"),
    ("DVC-SVC-RATE", "DONGXOAI", "2023-08", "92", "92,00%"),
    ("DVC-SVC-RATE", "BUDOP", "2023-08", "75.5", "75,50%"),
    ("DVC-SVC-RATE", "BP", "2023-08", "95.2", "95,20%"),
    ("APP-BPTODAY-USERS", "DONGXOAI", "2023-07", "3300", "3.300"),
    ("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", "3403", "3.403"),
    ("APP-BPTODAY-USERS", "BUDOP", "2023-08", "1039", "1.039"),
]


@pytest.fixture
def values(staff, django_capture_on_commit_callbacks):
    # The status engine runs on commit (eagerly, no broker): run those callbacks as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return _write(staff, VALUES)
