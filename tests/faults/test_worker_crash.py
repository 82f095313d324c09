"""A task that crashes its Celery worker process is not delivered again forever (issue 16 #1).

With acks_late and reject_on_worker_lost, the message of a task whose pool process died is put back at
once; before the fix a workbook that aborted the reader killed a pool process every few seconds, for
ever. Now each delivery counts itself in Redis and the third delivery after two crashes marks the batch
failed with a Vietnamese message instead of running the body. The crash here is real: the worker runs
with the sheet-size guard switched off (settings from the environment), and calamine's allocation for
a sheet reaching XFD1048576 aborts the pool process (SIGABRT), as it did before the guard.

Needs PostgreSQL and Redis (a real prefork worker); skipped without them, failed with REQUIRE_SERVICES=1.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.queue import enqueue
from imports.models import ImportBatch
from imports.services import CRASHED_MESSAGE, receive_upload
from imports.tasks import analyse_batch
from indicators.models import DataValue
from tests.faults.test_worker_killed import workers  # noqa: F401 - the fixture
from tests.imports.test_sheet_limits import far_cell_workbook

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

NO_GUARD = {
    "IMPORT_MAX_SHEET_ROWS": "2000000",
    "IMPORT_MAX_SHEET_COLUMNS": "20000",
    "IMPORT_MAX_SHEET_CELLS": "100000000000000",
}


def test_a_task_that_crashes_its_worker_process_twice_ends_failed(workers, staff):  # noqa: F811
    upload = SimpleUploadedFile("to.xlsx", far_cell_workbook("A1", "XFD1048576"))
    batch = receive_upload(upload, period="2023-08", user=staff)
    assert batch.status == "pending"
    workers.start("crashy", pool="prefork", **NO_GUARD)
    enqueue(analyse_batch, batch.pk, staff.pk)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != ImportBatch.Status.PENDING:
            break
        time.sleep(0.2)
    log = workers.log("crashy")
    assert (batch.status, batch.message) == ("failed", CRASHED_MESSAGE), log
    assert [(e["code"], e["message"]) for e in batch.errors] == [("worker_crashed", CRASHED_MESSAGE)]
    assert log.count("memory allocation of") == 2, log  # two real aborts, then no third run
    assert "crashed its worker process 2 times: marked failed, not run again" in log
    assert DataValue.objects.count() == 0
    # and the worker lives on: the next task runs
    assert workers.procs["crashy"].poll() is None
