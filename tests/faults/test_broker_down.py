"""Redis down (broker and cache): pages and the API keep serving, rendered without the page cache and
not throttled, a write still commits, and its status recompute runs in-process with a logged warning
instead of being lost."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

SCRIPT = r"""
import json, logging
logging.basicConfig(level=logging.WARNING)
from decimal import Decimal
from django.core.management import call_command
from django.test import Client
from indicators.catalogue import load_catalogue
from indicators.models import DataValue, ValueStatus
from indicators.services import ValueInput, record_values
from units.services import create_or_update_user
call_command("migrate", verbosity=0)
load_catalogue()
staff, _ = create_or_update_user("canbo", role="staff", password="x-canbo-123")
record_values([ValueInput("DVC-SVC-RATE", "SGTVT", "2023-07", Decimal("100")),
               ValueInput("DVC-SVC-RATE", "SGTVT", "2023-08", Decimal("92.9"))], user=staff, source="form")
dv = DataValue.objects.get(indicator__code="DVC-SVC-RATE", unit__code="SGTVT", period="2023-08")
st = ValueStatus.objects.get(data_value=dv)
c = Client()
c.force_login(staff)
health = c.get("/healthz")
print("RESULT " + json.dumps({
    "value": str(dv.value), "status": st.status, "change_text": st.change_text,
    "home": c.get("/").status_code, "indicator": c.get("/indicators/DVC-SVC-RATE/").status_code,
    "api": c.get("/api/v1/values/?indicator=DVC-SVC-RATE").status_code,
    "healthz": health.status_code, "healthz_redis": health.json()["checks"]["redis"],
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_write_commits_and_its_status_is_computed_while_redis_is_down(tmp_path):
    port = _free_port()  # nothing listens there: the broker is down
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DEBUG": "1",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
            # As deployed, the cache (page cache, API throttle) is on the same Redis: down too.
            "CACHE_URL": f"redis://127.0.0.1:{port}/1",
            "DJANGO_SETTINGS_MODULE": "cds_portal.settings",
        }
    )
    code = "import django; django.setup()\n" + SCRIPT
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    assert json.loads(line[len("RESULT ") :]) == {
        "value": "92.900000",
        "status": "met",
        "change_text": "Giảm 7,1%",
        "home": 200,
        "indicator": 200,
        "api": 200,
        "healthz": 503,
        "healthz_redis": "error",
    }
    assert "Broker unavailable" in proc.stderr
    assert "running indicators.tasks.recompute_status in-process instead" in proc.stderr
    assert "Page cache unavailable (get); rendering without it" in proc.stderr
    assert "API throttle: cache unavailable, request not counted" in proc.stderr
