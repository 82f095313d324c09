"""A write reaches a real Celery worker through Redis and the status shows up in the database.

Needs PostgreSQL (the worker is another process and must see the committed rows) and Redis; skipped
without them, failed with REQUIRE_SERVICES=1.
"""

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from cds_portal.celery import app
from indicators.choices import Status
from indicators.models import ValueStatus
from indicators.services import ValueInput, record_values
from tests.conftest import reset_broker_connections

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test_… database)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(postgres, redis_url, transactional_db):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": "",
    }
    queue = f"status-test-{os.getpid()}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cds_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = {k: app.conf.get(k) for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    reset_broker_connections()  # an earlier test may have opened a pool on the eager default broker
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the Celery worker did not start:\n{proc.stdout.read()}")
        yield proc
    finally:
        app.conf.update(saved)
        reset_broker_connections()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.services
def test_a_write_is_recomputed_by_the_worker_and_visible_within_2_seconds(worker, staff):
    record_values(
        [ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-07", Decimal("93.3"))], user=staff, source="import"
    )
    _wait_for("DVC-FILE-RATE", "2023-07", worker)
    committed = time.monotonic()
    record_values(
        [ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal("82.1"))], user=staff, source="import"
    )
    row = _wait_for("DVC-FILE-RATE", "2023-08", worker)
    elapsed = time.monotonic() - committed
    assert (row.status, row.previous_period, row.change_text) == (Status.MET, "2023-07", "Giảm 11,2%")
    assert elapsed < 2.0, f"status visible only after {elapsed:.2f} s"


def _wait_for(indicator, period, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = ValueStatus.objects.filter(
            data_value__indicator__code=indicator,
            data_value__unit__code="DONGXOAI",
            data_value__period=period,
        ).first()
        if row is not None:
            return row
        time.sleep(0.05)
    proc.terminate()
    pytest.fail(f"no status after {timeout} s; worker output:\n{proc.communicate(timeout=20)[0]}")
