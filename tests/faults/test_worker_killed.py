"""A Celery worker killed while it commits a batch confirmed on the web page, on PostgreSQL and Redis
with real `celery worker` processes:

- the worker dies inside the commit's transaction → nothing of the batch is written and it stays
  "committing"; its unacknowledged message comes back after the visibility timeout and a new worker
  commits the batch, exactly once;
- the commit task delivered twice to two workers at once → one commit, the other delivery writes nothing.

Needs PostgreSQL (the workers are other processes) and Redis; skipped without them, failed with
REQUIRE_SERVICES=1.
"""

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cds_portal.celery import app
from core.queue import enqueue
from imports.models import ImportBatch
from imports.services import create_preview, start_commit
from imports.tasks import commit_batch_task
from indicators.models import AuditEntry, DataValue, ValueChange
from tests.conftest import reset_broker_connections
from tests.faults.test_import_faults import DISTRICTS, _database_url, long_workbook, raw_connection, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ROOT = Path(__file__).resolve().parents[2]
NODE = os.uname().nodename
EXPECTED = {(unit, Decimal(100 + k)) for k, unit in enumerate(DISTRICTS)}  # long_workbook(100): 2024-01
WAITING_ON_A_LOCK = (
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
    "AND datname = current_database() AND pid <> pg_backend_pid()"
)


class Workers:
    """Starts `celery worker --pool=solo` processes (one process each: SIGKILL kills the task with it)
    on this test's queue and database, logging to files; `stop()` kills whatever still runs."""

    def __init__(self, redis_url, queue, tmp_path):
        self.redis_url, self.queue, self.tmp_path = redis_url, queue, tmp_path
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name, pool="solo", **env):
        log = open(self.tmp_path / f"{name}.log", "w")  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cds_portal",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                self.queue,
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DEBUG": "1",
                "DATABASE_URL": _database_url(),
                "CELERY_BROKER_URL": self.redis_url,
                "CELERY_RESULT_BACKEND": "",
                "MEDIA_ROOT": str(self.tmp_path / "media"),
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.procs[name] = proc
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{name}@{NODE}"], timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker {name} did not start:\n{self.log(name)}")
        return proc

    def log(self, name) -> str:
        return (self.tmp_path / f"{name}.log").read_text()

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)}" for name in self.procs)

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def workers(postgres, redis_url, catalogue, tmp_path, settings):
    """Workers, and this process enqueueing to them through Redis (on a queue of its own). The
    catalogue is loaded first, so its status recomputes run here rather than in the workers."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the workers read the uploaded files from here
    queue = f"commit-test-{os.getpid()}"
    saved = {k: app.conf.get(k) for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    reset_broker_connections()  # an earlier test may have opened a pool on the eager default broker
    pool = Workers(redis_url, queue, tmp_path)
    client = redis.Redis.from_url(redis_url)
    try:
        yield pool
    finally:
        pool.stop()
        app.conf.update(saved)
        reset_broker_connections()
        _forget(client, queue, [p.pid for p in pool.procs.values()])
        client.close()


def _forget(client, queue, pids):
    """Leave the shared test Redis as it was: this test's queue, its unacknowledged messages, and the
    status recomputes its workers enqueued to the default queue."""
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[2] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    origins = {f"gen{pid}@{NODE}" for pid in pids}
    for raw in client.lrange("celery", 0, -1):
        if json.loads(raw).get("headers", {}).get("origin") in origins:
            client.lrem("celery", 1, raw)


def _unacked(redis_url, queue) -> list[tuple[bytes, float]]:
    """(delivery tag, delivered at) of this queue's messages a worker took and never acknowledged."""
    client = redis.Redis.from_url(redis_url)
    try:
        tags = [tag for tag, raw in client.hgetall("unacked").items() if json.loads(raw)[2] == queue]
        return [(tag, client.zscore("unacked_index", tag)) for tag in tags]
    finally:
        client.close()


def previewed(staff) -> ImportBatch:
    batch = create_preview(SimpleUploadedFile("so-lieu.xlsx", long_workbook(100)), period=None, user=staff)
    assert (batch.status, batch.errors, batch.counts["new"]) == ("preview", [], 11)
    return batch


def stored():
    return set(
        DataValue.objects.filter(indicator__code="APP-BPTODAY-USERS").values_list("unit__code", "value")
    )


def audit_of(batch):
    """The batch's audit entries and its values' change rows, as (action, key)."""
    entries = list(AuditEntry.objects.filter(batch_id=batch.pk).values_list("action", "object_key"))
    changes = [
        (f"indicators.value.{action}", f"{i}/{u}/{p}")
        for action, i, u, p in ValueChange.objects.filter(batch_id=batch.pk).values_list(
            "action", "indicator__code", "unit__code", "period"
        )
    ]
    return sorted(entries + changes)


def expected_audit(batch):
    return [
        ("imports.batch.committed", str(batch.pk)),
        *sorted(("indicators.value.created", f"APP-BPTODAY-USERS/{unit}/2024-01") for unit in DISTRICTS),
    ]


def wait_for_status(batch, status, workers, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == status:
            return
        time.sleep(0.1)
    pytest.fail(f"batch #{batch.pk} still {batch.status!r} after {timeout} s:\n{workers.logs()}")


class Blocker:
    """A second connection holding the table lock the commit's upsert needs, in its own transaction,
    and a watcher for pg_stat_activity (autocommit, so its snapshot is fresh)."""

    def __init__(self):
        self._blocking, self._watching = raw_connection(), raw_connection()
        self.watcher = self._watching.cursor()
        self._cursor = self._blocking.cursor()
        self._cursor.execute("BEGIN")
        self._cursor.execute("LOCK TABLE indicators_datavalue IN SHARE ROW EXCLUSIVE MODE")
        self.held = True

    def release(self):
        if self.held:
            self._cursor.execute("ROLLBACK")
            self.held = False

    def close(self):
        try:
            self.release()
        finally:
            self._blocking.close()
            self._watching.close()


@pytest.fixture
def blocker(postgres, catalogue):
    lock = Blocker()
    yield lock
    lock.close()


def test_a_worker_killed_mid_commit_writes_nothing_and_the_redelivered_task_commits_once(
    workers, blocker, staff, client
):
    batch = previewed(staff)
    first = workers.start("doomed")  # default visibility timeout (1 h): it does not matter, see below

    # Confirm on the web page: the batch is marked committing and the task goes to Redis.
    client.force_login(staff)
    resp = client.post(reverse("imports:batch_commit", args=[batch.pk]), follow=True)
    assert [str(m) for m in resp.context["messages"]] == [f"Đang nhập lô #{batch.pk}…"]
    assert "Đang nhập… Trang sẽ tự tải lại khi ghi xong số liệu." in resp.content.decode()

    # The worker is inside the commit's transaction, waiting for the table lock: kill it there.
    (pid,) = wait_for(
        blocker.watcher,
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
        "AND pid <> pg_backend_pid() AND query LIKE '%%indicators_datavalue%%'",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    blocker.release()
    # PostgreSQL notices the dead client once its statement can go on, and rolls its transaction back.
    wait_for(
        blocker.watcher, "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [pid]
    )

    batch.refresh_from_db()
    assert (batch.status, batch.get_status_display()) == ("committing", "Đang nhập")
    assert stored() == set()  # never half-written: no value …
    assert audit_of(batch) == []  # … and none of the audit entries written before the upsert
    ((tag, delivered_at),) = _unacked(workers.redis_url, workers.queue)  # the message waits in Redis

    # A new worker whose visibility timeout has passed puts the message back on the queue and runs it.
    # What counts is the *restoring* worker's timeout, compared with the delivery time kombu recorded in
    # the unacked index (the dead worker's own setting, and this process's, play no part).
    time.sleep(max(0.0, delivered_at + 2.5 - time.time()))
    workers.start("rescuer", CELERY_VISIBILITY_TIMEOUT="2")
    wait_for_status(batch, "committed", workers)

    assert stored() == EXPECTED
    assert batch.counts == {"new": 11, "changed": 0, "unchanged": 0, "skipped": 0}
    assert audit_of(batch) == expected_audit(batch)
    assert _unacked(workers.redis_url, workers.queue) == []
    log = workers.log("rescuer")
    assert "imports.tasks.commit_batch_task[" in log and "succeeded" in log and "'committed'" in log

    # Idempotent: running the task once more changes nothing.
    committed_at = batch.committed_at
    assert commit_batch_task(batch.pk, staff.pk) == "committed"
    batch.refresh_from_db()
    assert (batch.committed_at, stored(), audit_of(batch)) == (committed_at, EXPECTED, expected_audit(batch))


def test_the_commit_task_delivered_twice_to_two_workers_at_once_commits_once(workers, blocker, staff):
    batch = previewed(staff)
    workers.start("one")
    workers.start("two")
    assert start_commit(batch) is True
    enqueue(commit_batch_task, batch.pk, staff.pk)
    enqueue(commit_batch_task, batch.pk, staff.pk)  # a duplicate delivery

    # Both deliveries wait at once: one for the table lock, inside its write; the other for the
    # batch's row lock, which the write takes first.
    wait_for(blocker.watcher, WAITING_ON_A_LOCK + " HAVING count(*) = 2")
    blocker.release()
    wait_for_status(batch, "committed", workers)
    deadline = time.monotonic() + 30
    while sum(workers.log(n).count("commit_batch_task[") for n in ("one", "two")) < 4:  # received + done
        assert time.monotonic() < deadline, workers.logs()
        time.sleep(0.1)

    done = [line for n in ("one", "two") for line in workers.log(n).splitlines() if "succeeded" in line]
    assert len(done) == 2 and all(line.endswith("'committed'") for line in done), workers.logs()
    assert stored() == EXPECTED
    assert audit_of(batch) == expected_audit(batch)
