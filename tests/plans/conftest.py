"""Plan fixtures: the personas of the plan (the responsible agency's reporter is Văn phòng UBND tỉnh's,
another agency's reporter is Sở Y tế's), token clients, a frozen "today" in the third quarter of 2023
and helpers that write progress through the services."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from plans.models import PlanTask
from plans.services import progress
from units.services import create_or_update_user

PERSONAS = ("staff", "owner", "other", "viewer", "anonymous")
# Before the Q3 deadline (19/09/2023), in the quarter's last month.
TODAY = datetime.datetime(2023, 9, 12, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    """Today is 12/09/2023 09:00 in Bình Phước (the clock ticks on from there)."""
    with time_machine.travel(TODAY, tick=True) as traveller:
        yield traveller


def _persona(username, role, units=(), email=""):
    return create_or_update_user(username, role=role, unit_codes=units, password="pw-" + username, email=email)[0]


@pytest.fixture
def owner(catalogue):
    """A reporter of Văn phòng UBND tỉnh (two tasks: IV.2.1 and IV.2.2)."""
    return _persona("vp-reporter", "reporter", ["VPUBND"], email="vp@binhphuoc.gov.vn")


@pytest.fixture
def other(catalogue):
    """A reporter of Sở Y tế (five tasks, IV.4.1–IV.4.5)."""
    return _persona("yt-reporter", "reporter", ["SYT"], email="yt@binhphuoc.gov.vn")


@pytest.fixture
def plan_personas(staff, owner, other, viewer):
    return {"staff": staff, "owner": owner, "other": other, "viewer": viewer, "anonymous": None}


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_clients(plan_personas):
    return {name: token_client(user) for name, user in plan_personas.items()}


def task(ref: str, year: int = 2023) -> PlanTask:
    return PlanTask.objects.select_related("plan", "unit").get(plan__year=year, ref=ref)


def report_all(user, unit_code: str, quarter: str, state="in_progress", percent=50, **kwargs):
    """Progress on every task of the unit for the quarter, through the service."""
    tasks = list(PlanTask.objects.select_related("plan", "unit").filter(plan__year=int(quarter[:4]), unit__code=unit_code))
    items = [
        progress.ProgressInput(t, state, percent, kwargs.get("done", f"Đã làm {t.ref}"), kwargs.get("issues", ""))
        for t in tasks
    ]
    return progress.save_progress(tasks[0].unit, quarter, items, user=user, today=timezone.localdate())
