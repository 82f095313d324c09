"""Writing a batch: the one-shot import (CLI, API, demo data) and the web page's commit state machine
(PREVIEW → COMMITTING → COMMITTED, or back to PREVIEW / FAILED with a Vietnamese message).

The values go through the write door, `indicators.services.record_values` (period locks, approval
lock, per-value checks, change log, recompute); DTI scores through `indicators.dti_scores`. The batch
row, its values and its DTI scores are written in one transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from indicators.dti_scores import compare_dti_scores, record_dti_scores
from indicators.models import AuditEntry
from indicators.services import RecordValuesError, record_values

from ..models import ImportBatch
from ..types import RowError
from ..validation import ResolvedValue
from ..workbook import WorkbookError
from .analysis import analyse, build_catalogue, without_cyclic_gc
from .batches import (
    MISSING_FILE_MESSAGE,
    ImportError_,
    apply_analysis,
    batch_file,
    blocking,
    blocking_message,
    fatal,
    new_batch,
    read_source,
    reanalyse,
    unexpected,
)
from .mappings import remember
from .outcome import ImportOutcome, problem

logger = logging.getLogger(__name__)

DB_FAILURE_MESSAGE = (
    "Mất kết nối cơ sở dữ liệu trong khi ghi số liệu: không có số liệu nào được ghi. Vui lòng nhập lại tệp."
)
STUCK_COMMIT_MESSAGE = (
    "Việc nhập lô này bị gián đoạn, chưa có số liệu nào được ghi. Hãy bấm “Xác nhận nhập số liệu” lần nữa."
)


class _StatusChanged(Exception):
    """The batch left the status the write expected (another delivery of its task finished it)."""


class _Refused(Exception):
    """The write door refused some of the batch's values (a month approved since the preview, a number
    its checks or the column refuse): nothing was written. `problems` name each refused cell."""

    def __init__(self, batch: ImportBatch, exc: RecordValuesError, values: list[ResolvedValue]):
        self.problems = [_located(values, item) for item in exc.items]
        more = f" (và {len(self.problems) - 1} ô khác)" if len(self.problems) > 1 else ""
        self.message = f"Không nhập được lô #{batch.pk}: {self.problems[0]['message']}{more}. Chưa có số liệu nào được ghi."
        super().__init__(self.message)


def _located(values: list[ResolvedValue], item) -> dict:
    """A refusal of the door as a batch problem at the cell the value came from."""
    message = item.message[:1].upper() + item.message[1:]
    v = values[item.index] if 0 <= item.index < len(values) else None
    if v is None:
        return problem(message, item.code)
    return RowError(
        v.ref.sheet, v.ref.row, v.ref.column, v.raw, message, header=v.ref.header, code=item.code
    ).as_dict()


def import_file(
    source,
    *,
    period: str | None = None,
    user=None,
    commit: bool = True,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source_kind: str = ImportBatch.Source.CLI,
    filename: str = "",
    recorded_at=None,
    mapping: dict | None = None,
    remember_mapping: bool = False,
) -> ImportOutcome:
    """Import one workbook in one go. Never raises for a bad file: the outcome says what happened.

    ``recorded_at`` (the system only, ``user`` None): the day the archived report was sent, kept on
    its values (`indicators.services.record_values`). `mapping`: the person's column and unit answers
    (`mappings.read_mapping` shape); `remember_mapping`: save them for the sender and the sheets'
    headers (applied next time as `saved`)."""
    data, filename = read_source(source, filename)
    batch = new_batch(
        data,
        filename,
        user=user,
        period=period,
        source_kind=source_kind,
        skip_invalid=skip_invalid,
        answers=mapping,
    )
    catalogue = build_catalogue()
    try:
        analysis = analyse(
            source if not data else data,
            period=period,
            user=user,
            filename=filename,
            catalogue=catalogue,
            mapping=mapping,
        )
    except WorkbookError as exc:
        fatal(batch, exc)
        return ImportOutcome.of(batch, unreadable=True)
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug ends as a failed batch with a message, never a 500
        unexpected(batch, exc)
        return ImportOutcome.of(batch, unreadable=True)
    if remember_mapping and mapping:
        remember(analysis.mapping_json(), user, confirmed_by=user)
    stops = blocking(analysis, skip_invalid)
    values = apply_analysis(
        batch, analysis, catalogue, skip_invalid=skip_invalid, with_diff=dry_run or not commit or bool(stops)
    )
    if dry_run or not commit:
        batch.status = ImportBatch.Status.DRY_RUN if dry_run else ImportBatch.Status.PREVIEW
        if dry_run and stops:
            batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return ImportOutcome.of(batch)
    if stops:
        batch.status = ImportBatch.Status.REJECTED
        batch.message = f"{len(analysis.errors)} lỗi: chưa nhập số liệu nào."
        batch.save()
        return ImportOutcome.of(batch)
    try:
        _commit(batch, values, user, analysis.dti, recorded_at=recorded_at)
    except _Refused as refused:
        batch.status, batch.message = ImportBatch.Status.REJECTED, refused.message
        batch.counts = {**(batch.counts or {}), "new": 0, "changed": 0}
        batch.errors = [*(batch.errors or []), *refused.problems]
        batch.save()
    return ImportOutcome.of(batch)


def commit_batch(batch: ImportBatch, user) -> ImportOutcome:
    """Commit a previewed batch now, in this process. (The web page goes through `start_commit` and
    `imports.tasks.commit_batch_task` instead, which end in `finish_commit`.)"""
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ImportError_(f"Lô #{batch.pk} không ở trạng thái chờ xác nhận.")
    data = batch_file(batch)
    if data is None:
        raise ImportError_(MISSING_FILE_MESSAGE)
    try:
        analysis, values, _catalogue = reanalyse(batch, data, user)
    except WorkbookError as exc:
        fatal(batch, exc)
        return ImportOutcome.of(batch, unreadable=True)
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001
        unexpected(batch, exc)
        return ImportOutcome.of(batch, unreadable=True)
    if blocking(analysis, batch.skip_invalid):
        batch.save()
        raise ImportError_(blocking_message(batch, len(analysis.errors)))
    try:
        _commit(batch, values, user, analysis.dti, expect=ImportBatch.Status.PREVIEW)
    except _Refused as refused:
        batch.errors, batch.message = [*(batch.errors or []), *refused.problems], refused.message
        batch.save()
        raise ImportError_(refused.message) from None
    return ImportOutcome.of(batch)


def start_commit(batch: ImportBatch) -> bool:
    """The user confirmed a previewed batch: mark it COMMITTING so that a worker writes it.

    One conditional UPDATE, so a double click (or two tabs) starts one commit: True when this call
    started it (the caller then enqueues `commit_batch_task`), False when it is already being
    committed. Raises ImportError_ (Vietnamese) when the batch is in no state to be committed."""
    if batch.status == ImportBatch.Status.PREVIEW and not batch.can_commit:
        raise ImportError_(blocking_message(batch, len(batch.errors)))
    started = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.COMMITTING, message="", commit_requested_at=timezone.now()
    )
    batch.refresh_from_db(fields=["status", "message", "commit_requested_at"])
    if started:
        return True
    if batch.status == ImportBatch.Status.COMMITTING:
        return False
    raise ImportError_(f"Lô #{batch.pk} không ở trạng thái chờ xác nhận.")


def _settle(batch: ImportBatch, change) -> bool:
    """Apply `change(batch)` (which saves it) only if the batch is still COMMITTING, under its row lock:
    a duplicate delivery that lost the race to a commit must not undo it."""
    try:
        with transaction.atomic():
            lock_batch(batch, ImportBatch.Status.COMMITTING)
            change(batch)
    except _StatusChanged:
        batch.refresh_from_db()
        return False
    return True


def finish_commit(batch_id: int, user) -> str:
    """Write a batch that `start_commit` marked COMMITTING (the body of `commit_batch_task`).

    Idempotent, so a redelivered task message is harmless: a batch in any other state (already
    committed, undone, failed, handed back) is left alone, and the write itself checks the status
    again under the batch's row lock, so two deliveries never both write. The write is one
    transaction: a worker killed inside it leaves nothing written and the batch COMMITTING, and the
    redelivered message commits it.

    Expected failures end as a batch state with a Vietnamese message, never as an exception: errors
    that block the commit, or values the write door refuses → back to PREVIEW; unreadable or missing
    file → FAILED. A lost database connection (OperationalError, InterfaceError) propagates for the
    task to retry; the batch stays COMMITTING. Returns the batch's status afterwards."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    if batch.status != ImportBatch.Status.COMMITTING:
        return batch.status
    data = batch_file(batch)
    if data is None:
        _settle(batch, lambda b: fatal(b, WorkbookError(MISSING_FILE_MESSAGE, "missing_file")))
        return batch.status
    try:
        analysis, values, _catalogue = reanalyse(batch, data, user)
    except WorkbookError as exc:
        error = exc
        _settle(batch, lambda b: fatal(b, error))
        return batch.status
    except DatabaseError:
        raise
    except Exception as exc:  # noqa: BLE001
        failure = unexpected(None, exc)
        _settle(batch, lambda b: fatal(b, failure))
        return batch.status
    message, refused_cells = None, []
    if blocking(analysis, batch.skip_invalid):
        message = blocking_message(batch, len(analysis.errors))
    else:
        try:
            _commit(
                batch,
                values,
                user,
                analysis.dti,
                expect=ImportBatch.Status.COMMITTING,
                retry_db_errors=True,
            )
        except _Refused as refused:
            message, refused_cells = refused.message, refused.problems
    if message is not None:

        def back_to_preview(b):
            b.status, b.message = ImportBatch.Status.PREVIEW, message
            b.errors = [*(b.errors or []), *refused_cells]  # the cells to fix or leave out
            b.save()

        _settle(batch, back_to_preview)
    return batch.status


def fail_commit(batch_id: int) -> str:
    """The commit task gave up retrying a lost database connection: the batch, if still COMMITTING,
    ends FAILED with the message of a rolled-back commit (nothing was written)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    _settle(batch, _mark_database_failure)
    return batch.status


def release_stuck_commits(older_than: timedelta) -> int:
    """Hand back to the user every batch COMMITTING for longer than `older_than`: its task message was
    lost (the broker restarted without persistence, a queue purged) or never ran. Nothing of such a
    batch is written (a commit sets COMMITTED in its own transaction), so it returns to PREVIEW with a
    message asking to confirm again. A late delivery of the old message then finds PREVIEW and does
    nothing; a commit running right now holds the row lock, and this UPDATE, re-checked after it,
    leaves the committed batch alone. Returns how many batches were released."""
    cutoff = timezone.now() - older_than
    released = ImportBatch.objects.filter(
        status=ImportBatch.Status.COMMITTING, commit_requested_at__lt=cutoff
    ).update(status=ImportBatch.Status.PREVIEW, message=STUCK_COMMIT_MESSAGE)
    if released:
        logger.warning("Released %s import batch(es) stuck in committing since before %s", released, cutoff)
    return released


# ---- the write ------------------------------------------------------------------------------------


def lock_batch(batch: ImportBatch, expect: str) -> None:
    """Inside a transaction: lock the batch's row and check it is still in `expect`. Two deliveries of
    the same commit task (a worker presumed dead, a visibility timeout expiring on a slow commit)
    queue on this lock; the second one then sees COMMITTED and writes nothing."""
    current = (
        ImportBatch.objects.select_for_update().filter(pk=batch.pk).values_list("status", flat=True).first()
    )
    if current != expect:
        raise _StatusChanged(current)


def _commit(
    batch: ImportBatch,
    values: list[ResolvedValue],
    user,
    dti: list | None = None,
    *,
    expect: str | None = None,
    retry_db_errors: bool = False,
    recorded_at=None,
) -> bool:
    """Write the batch in one transaction. A database failure (connection dropped, server restarted)
    rolls everything back; the batch is then marked failed with a Vietnamese message and False is
    returned, so the caller reports it instead of answering with a 500. Raises `_Refused` when the
    write door refuses the values (nothing written, the batch left as it was).

    `expect`: write only if the batch is still in this status, checked under its row lock (False
    otherwise, nothing written, `batch` reloaded). `retry_db_errors`: let a lost connection
    (OperationalError, InterfaceError) propagate instead, for a task that retries; the batch is left
    as it was."""
    try:
        with transaction.atomic():
            if expect is not None:
                lock_batch(batch, expect)
            _write_batch(batch, values, user, dti, recorded_at=recorded_at)
    except _StatusChanged:
        batch.refresh_from_db()
        return False
    except RecordValuesError as exc:
        raise _Refused(batch, exc, values) from None
    except DatabaseError as exc:
        if connection.in_atomic_block:
            raise  # an outer transaction owns the connection: let it roll back and report
        logger.exception("Import batch %s: database error during commit, rolled back", batch.pk)
        connection.close()  # a dropped connection cannot be reused; the next query reconnects
        if retry_db_errors and isinstance(exc, OperationalError | InterfaceError):
            raise
        _mark_database_failure(batch)
        return False
    return True


def _mark_database_failure(batch: ImportBatch) -> None:
    """The commit rolled back: FAILED with a Vietnamese message, unless another delivery of the commit
    task committed the batch meanwhile (then `batch` is reloaded as it is)."""
    batch.status = ImportBatch.Status.FAILED
    batch.message = DB_FAILURE_MESSAGE
    batch.counts = {**(batch.counts or {}), "new": 0, "changed": 0}
    batch.errors = [*(batch.errors or []), problem(DB_FAILURE_MESSAGE, "database_error")]
    marked = (
        ImportBatch.objects.filter(pk=batch.pk)
        .exclude(status=ImportBatch.Status.COMMITTED)
        .update(status=batch.status, message=batch.message, counts=batch.counts, errors=batch.errors)
    )
    if not marked:
        batch.refresh_from_db()


def _write_batch(batch: ImportBatch, values: list[ResolvedValue], user, dti, recorded_at=None) -> None:
    with without_cyclic_gc():
        result = record_values(values, user=user, source="import", batch=batch.pk, recorded_at=recorded_at)
    dti_counts = compare_dti_scores(dti or [])
    record_dti_scores(dti or [], batch_id=batch.pk, user=user)
    batch.counts = {
        **batch.counts,
        "new": result.created,
        "changed": result.changed,
        "unchanged": result.unchanged,
        **({f"dti_{k}": n for k, n in dti_counts.items()} if dti else {}),
    }
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.message = ""
    batch.save()
    AuditEntry.objects.create(
        action="imports.batch.committed",
        user=batch.uploaded_by,
        object_type="importbatch",
        object_key=str(batch.pk),
        after={"filename": batch.filename, "period": batch.period, "counts": batch.counts},
        source="import",
        batch_id=batch.pk,
    )
