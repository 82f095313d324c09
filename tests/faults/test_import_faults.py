"""Faults during an import commit, on PostgreSQL with real connections:

- the database connection is dropped mid-commit → everything rolls back, the batch is failed with a
  Vietnamese message, nothing is written, and importing again succeeds;
- the importing process is killed mid-commit → nothing is written; importing again succeeds;
- two imports of the same period at once → serialised: the second sees the first's values as its
  "before", both results are consistent, no update is lost.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from imports.models import ImportBatch
from imports.services import DB_FAILURE_MESSAGE, import_file
from indicators.models import DataValue, ValueChange
from tests.imports.xlsx_builders import build_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

DISTRICTS = [
    "DONGXOAI",
    "BINHLONG",
    "PHUOCLONG",
    "CHONTHANH",
    "DONGPHU",
    "HONQUAN",
    "PHURIENG",
    "BUDOP",
    "BUGIAMAP",
    "LOCNINH",
    "BUDANG",
]


def long_workbook(base: int, rows: int = 11) -> bytes:
    body = [["indicator", "unit", "period", "value", "note"]]
    for k in range(rows):
        body.append(["APP-BPTODAY-USERS", DISTRICTS[k % 11], f"2024-{k // 11 + 1:02d}", base + k, ""])
    return build_xlsx({"so-lieu": body})


def raw_connection():
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        password=db["PASSWORD"] or None,
    )
    conn.autocommit = True
    return conn


def wait_for(cursor, sql, params=(), timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row:
            return row
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {sql}")


@pytest.fixture
def pg(postgres, catalogue):
    """An autocommit connection for watching pg_stat_activity (whose snapshot would be frozen inside a
    transaction), and `pg.blocker`, a second one that holds a table lock in its own transaction."""
    watcher, blocker = raw_connection(), raw_connection()
    yield SimpleNamespace(cursor=watcher.cursor, blocker=blocker.cursor())
    blocker.close()
    watcher.close()


def test_a_dropped_connection_mid_commit_rolls_back_and_a_retry_succeeds(pg, staff):
    blocker = pg.blocker
    # Hold a lock the import's upsert needs, so that it waits inside its transaction.
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE indicators_datavalue IN SHARE ROW EXCLUSIVE MODE")
    outcome = {}
    worker = threading.Thread(
        target=lambda: outcome.update(result=import_file(long_workbook(100), user=staff, filename="a.xlsx"))
    )
    worker.start()
    (pid,) = wait_for(
        pg.cursor(),
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
        "AND pid <> pg_backend_pid()",
    )
    pg.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
    blocker.execute("ROLLBACK")
    worker.join(timeout=60)

    result = outcome["result"]
    assert result.status == "rejected"
    assert result.as_json()["errors"][-1]["message"] == DB_FAILURE_MESSAGE
    assert ImportBatch.objects.get(pk=result.batch.pk).status == ImportBatch.Status.FAILED
    assert DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").count() == 0
    assert ValueChange.objects.count() == 0

    retry = import_file(long_workbook(100), user=staff, filename="a.xlsx")
    assert (retry.status, retry.counts["new"]) == ("committed", 11)
    assert DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").count() == 11


def test_a_killed_import_process_writes_nothing_and_a_retry_succeeds(pg, staff, tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(long_workbook(100))
    blocker = pg.blocker
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE indicators_datavalue IN SHARE ROW EXCLUSIVE MODE")
    env = dict(os.environ, DATABASE_URL=_database_url(), DEBUG="1")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_workbook", str(path), "--user", "staff", "--json"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(
            pg.cursor(),
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
            "AND pid <> pg_backend_pid()",
        )
        proc.send_signal(signal.SIGKILL)  # the process dies inside its transaction
        proc.wait(timeout=30)
    finally:
        blocker.execute("ROLLBACK")
    # PostgreSQL notices the dead client and rolls its transaction back.
    wait_for(
        pg.cursor(),
        "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity "
        "WHERE datname = current_database() AND state LIKE 'idle in transaction%%')",
    )
    assert DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").count() == 0
    assert not ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED).exists()

    retry = subprocess.run(
        [sys.executable, "manage.py", "import_workbook", str(path), "--user", "staff"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert retry.returncode == 0, retry.stderr
    assert DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").count() == 11


def test_two_imports_of_the_same_period_are_serialised_and_lose_no_update(pg, staff):
    first, second = long_workbook(100, rows=22), long_workbook(500, rows=22)
    results = {}
    barrier = threading.Barrier(2)

    def run(name, data):
        barrier.wait()
        results[name] = import_file(data, user=staff, filename=f"{name}.xlsx")
        connection.close()

    threads = [threading.Thread(target=run, args=(n, d)) for n, d in (("first", first), ("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert {r.status for r in results.values()} == {"committed"}
    winner_first = sorted(results.values(), key=lambda r: r.batch.committed_at)
    a, b = winner_first
    assert (a.counts["new"], a.counts["changed"]) == (22, 0)
    assert (b.counts["new"], b.counts["changed"]) == (0, 22)
    # The database holds the later batch's values, every one.
    later_base = 500 if b.batch.filename == "second.xlsx" else 100
    stored = sorted(
        DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").values_list("value", flat=True)
    )
    assert [int(v) for v in stored] == list(range(later_base, later_base + 22))
    # No lost update: each of the later batch's change rows starts from the earlier batch's value.
    later = ValueChange.objects.filter(batch_id=b.batch.pk)
    assert later.count() == 22
    for entry in later:
        earlier = ValueChange.objects.get(
            batch_id=a.batch.pk, indicator_id=entry.indicator_id, unit_id=entry.unit_id, period=entry.period
        )
        assert entry.action == "updated"
        assert entry.value_before == earlier.value_after


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db["USER"] or os.environ.get("PGUSER", "root")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
