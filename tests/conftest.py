"""Shared fixtures: the catalogue, the four personas, and the services switch.

The catalogue (fixtures/*.csv) is loaded once into the test database; a test that empties the
database (transactional tests) gets it back through the `catalogue` fixture.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from cds_portal.catalogue import load_catalogue
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


def pytest_configure(config):
    # Personas get passwords; PBKDF2's real cost (~0.5 s a user here) buys the tests nothing.
    # Login-through-the-form tests still check passwords, just with a cheap hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_catalogue()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages: rolled-back tests reuse audit ids (SQLite) and the data
    version token, so a page cached by an earlier test could match a later test's version."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - a cache backend that is down (fault tests) holds nothing
        pass
    yield


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


# --- Browser tests: Playwright driving Debian's Chromium (no browser download) -------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = os.path.join(settings.BASE_DIR, "test-artifacts")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session; a missing browser skips (fails in CI)."""
    need_service("Chromium", os.path.exists(CHROMIUM))
    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
    # from the test body unless told that this is intended (the loop is not serving requests).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class BrowserPage:
    """A page that records console errors and can log in and save screenshots."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.console_errors = page, base_url, []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    def login(self, username, password):
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, f"{name}.png")
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = BrowserPage(context.new_page(), live_server.url)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 375, "height": 740}, locale="vi-VN", is_mobile=True)
    page = BrowserPage(context.new_page(), live_server.url)
    yield page
    context.close()


def reset_broker_connections():
    """Forget every Celery broker connection pool (after a test pointed the app at a real broker).
    Closing only the app's pool would leave the closed pool in kombu's registry, where the next test
    using the same broker URL would find it ("Acquire on closed pool")."""
    import kombu.pools

    from cds_portal.celery import app

    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
