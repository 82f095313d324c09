"""Shared fixtures: the catalogue, the four personas, and the services switch.

The catalogue (fixtures/*.csv) is loaded once into the test database; a test that empties the
database (transactional tests) gets it back through the `catalogue` fixture.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from indicators.catalogue import load_catalogue
from units.models import Unit
from units.services import create_or_update_user

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def need_service(name: str, available: bool):
    """Skip when a service is missing, or fail when REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    message = f"{name} is not available"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} and REQUIRE_SERVICES=1")
    pytest.skip(message)


@pytest.fixture
def redis_url():
    need_service("Redis", _reachable(REDIS_URL))
    return REDIS_URL


@pytest.fixture
def postgres():
    """For tests that need PostgreSQL itself (COPY, a worker sharing the database)."""
    need_service("PostgreSQL", settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_catalogue()


@pytest.fixture
def catalogue(db):
    if not Unit.objects.exists():
        load_catalogue()


def _persona(username, role, units=()):
    return create_or_update_user(username, role=role, unit_codes=units, password="pw-" + username)[0]


@pytest.fixture
def staff(catalogue):
    return _persona("staff", "staff")


@pytest.fixture
def reporter(catalogue):
    """A reporter of Thành phố Đồng Xoài."""
    return _persona("reporter", "reporter", ["DONGXOAI"])


@pytest.fixture
def outsider(catalogue):
    """A reporter of another district (Bù Đốp)."""
    return _persona("outsider", "reporter", ["BUDOP"])


@pytest.fixture
def viewer(catalogue):
    return _persona("viewer", "viewer")


@pytest.fixture
def personas(staff, reporter, outsider, viewer):
    return {"staff": staff, "reporter": reporter, "outsider": outsider, "viewer": viewer}
