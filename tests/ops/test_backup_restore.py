"""Back up, restore into a fresh database, and check that values and the audit log are identical."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import need_service

ROOT = Path(settings.BASE_DIR)

WRITE = """
from decimal import Decimal
from indicators.services import ValueInput, record_values
from units.services import create_or_update_user
u, _ = create_or_update_user("canbo", role="staff")
record_values([ValueInput("DVC-SVC-RATE", "SGTVT", "2023-01", Decimal("92.9"), raw="0.929"),
               ValueInput("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", Decimal("3403"), raw="3.403")],
              user=u, source="import", batch=7)
record_values([ValueInput("APP-BPTODAY-USERS", "DONGXOAI", "2023-08", Decimal("3410"))], user=u, source="form")
"""
AUDIT = """
import json
from indicators.models import AuditEntry, ValueChange
rows = list(ValueChange.objects.order_by("id").values("id", "action", "user__username", "indicator__code",
                                                      "unit__code", "period", "value_before", "value_after",
                                                      "note_before", "note_after", "source", "batch_id",
                                                      "created_at"))
rows += list(AuditEntry.objects.order_by("id").values("id", "action", "user__username", "object_key", "before",
                                                      "after", "source", "batch_id", "created_at"))
print(json.dumps(rows, default=str))
"""


def manage(env, *args):
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def make_env(database_url, media):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env.update({"DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "DEBUG": "1"})
    return env


def round_trip(tmp_path, source_url, target_url):
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "bao-cao.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    src = make_env(source_url, media)
    manage(src, "migrate", "--noinput", "-v0")
    manage(src, "load_catalogue")
    manage(src, "shell", "-v", "0", "-c", WRITE)
    out = manage(src, "backup", "--output", str(tmp_path / "backup.tar.gz"))
    assert out.strip().endswith(f"và 1 tệp vào {tmp_path / 'backup.tar.gz'}")

    restored_media = tmp_path / "restored-media"
    dst = make_env(target_url, restored_media)
    manage(dst, "restore", str(tmp_path / "backup.tar.gz"))
    assert json.loads(manage(dst, "export_values")) == json.loads(manage(src, "export_values"))
    audit = json.loads(manage(dst, "shell", "-v", "0", "-c", AUDIT))
    assert audit == json.loads(manage(src, "shell", "-v", "0", "-c", AUDIT))
    assert [(a["action"], a["value_before"], a["value_after"], a["batch_id"]) for a in audit] == [
        ("created", None, "92.900000", 7),
        ("created", None, "3403.000000", 7),
        ("updated", "3403.000000", "3410.000000", None),
    ]
    assert (restored_media / "imports" / "bao-cao.xlsx").read_bytes() == b"PK\x03\x04 not really a workbook"
    exported = {r["indicator"]: r["value"] for r in json.loads(manage(dst, "export_values"))}
    assert exported == {"DVC-SVC-RATE": 92.9, "APP-BPTODAY-USERS": 3410}


def test_a_sqlite_backup_restores_every_row_and_file(tmp_path):
    round_trip(
        tmp_path, f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    )


def test_a_postgres_backup_restores_every_row_and_file(tmp_path):
    import psycopg2

    try:
        admin = psycopg2.connect(
            host="127.0.0.1", port=5432, user=os.environ.get("PGUSER", "root"), dbname="postgres"
        )
    except psycopg2.OperationalError:
        need_service("PostgreSQL", False)
    admin.autocommit = True
    names = [f"cds_backup_{uuid.uuid4().hex[:8]}", f"cds_restore_{uuid.uuid4().hex[:8]}"]
    with admin.cursor() as cur:
        for name in names:
            cur.execute(f"CREATE DATABASE {name}")
    try:
        user = os.environ.get("PGUSER", "root")
        round_trip(
            tmp_path,
            f"postgres://{user}@127.0.0.1:5432/{names[0]}",
            f"postgres://{user}@127.0.0.1:5432/{names[1]}",
        )
    finally:
        with admin.cursor() as cur:
            for name in names:
                cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tarball")
    env = make_env(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "media")
    proc = subprocess.run(
        [sys.executable, "manage.py", "restore", str(bad)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Tệp sao lưu hỏng hoặc không đúng định dạng" in proc.stderr


@pytest.mark.django_db
def test_healthz_reports_the_database_without_secrets(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert settings.SECRET_KEY not in response.content.decode()
