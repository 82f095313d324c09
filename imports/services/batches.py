"""Import batches before they are written: receiving a file, the stored upload, the preview (with the
user's corrections and exclusions) and the states a batch ends in when its file cannot be read."""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import DatabaseError

from core.periods import is_period
from core.roles import Role, role_of
from indicators.dti_scores import compare_dti_scores

from ..models import ImportBatch
from ..types import RowError
from ..validation import Catalogue, ResolvedValue
from ..workbook import WorkbookError
from .analysis import Analysis, analyse, build_catalogue, compare, max_upload_bytes
from .outcome import problem

logger = logging.getLogger(__name__)

MISSING_FILE_MESSAGE = "Tệp của lô nhập không còn trên máy chủ."
ANALYSIS_DB_FAILURE_MESSAGE = (
    "Mất kết nối cơ sở dữ liệu trong khi đọc tệp: chưa có số liệu nào được ghi. Vui lòng tải tệp lên lại."
)


CRASHED_MESSAGE = (
    "Tệp này làm dừng tiến trình xử lý hai lần nên hệ thống đã ngừng đọc nó: tệp có thể quá lớn hoặc bị "
    "hỏng. Chưa có số liệu nào được ghi; hãy kiểm tra tệp (lưu lại bằng Excel) rồi tải lên lại."
)
UNEXPECTED_MESSAGE = (
    "Đã xảy ra lỗi không lường trước khi đọc tệp; chưa có số liệu nào được ghi. Lỗi đã được ghi lại để "
    "kỹ thuật viên kiểm tra; hãy thử lưu lại tệp bằng Excel rồi tải lên lại."
)


class ImportError_(Exception):
    """A workflow step that cannot run (Vietnamese message)."""


def batches_for(user):
    """The batches a user sees and acts on: staff every batch, anyone else their own uploads. Each
    action then checks the user's *current* units (the analysis and the write door do)."""
    qs = ImportBatch.objects.select_related("uploaded_by")
    if role_of(user) == Role.STAFF:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(uploaded_by=user)


# ---- receiving a file -------------------------------------------------------------------------


def stored_name(filename: str) -> str:
    """The name an upload is stored under: generated, with the original's extension when it is a
    plain one. The original name is data (`ImportBatch.filename`), never a path: a name of 85
    Vietnamese letters is 255 bytes of UTF-8, more than a file system takes (ENAMETOOLONG)."""
    suffix = Path(filename).suffix.lower()
    if not (suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 6):
        suffix = ""
    return f"{uuid.uuid4().hex}{suffix}"


def kept_name(filename: str, limit: int = 255) -> str:
    """The original name as `ImportBatch.filename` keeps it: whole up to 255 characters, else shortened
    before its extension (the extension is what tells the reader the format)."""
    if len(filename) <= limit:
        return filename
    suffix = Path(filename).suffix
    if len(suffix) > 10:
        suffix = ""
    return filename[: limit - len(suffix)] + suffix


def read_source(source, filename: str) -> tuple[bytes, str]:
    if isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        if size > max_upload_bytes():
            return b"", filename or path.name  # read_workbook refuses it by size without reading
        return path.read_bytes(), filename or path.name
    if isinstance(source, bytes | bytearray):
        return bytes(source), filename or "upload.xlsx"
    size = getattr(source, "size", None)
    if size and size > max_upload_bytes():
        return b"", filename or getattr(source, "name", "upload.xlsx")
    data = source.read(max_upload_bytes() + 1)
    return data, filename or Path(getattr(source, "name", "upload.xlsx")).name


def new_batch(
    data: bytes,
    filename: str,
    *,
    user,
    period: str | None,
    source_kind: str,
    skip_invalid: bool,
    keep_file: bool = True,
    answers: dict | None = None,
) -> ImportBatch:
    batch = ImportBatch(
        filename=kept_name(filename),
        sha256=hashlib.sha256(data).hexdigest() if data else "",
        size=len(data),
        uploaded_by=user if user is not None and getattr(user, "pk", None) else None,
        period=period if period and is_period(period) else "",
        source=source_kind,
        skip_invalid=skip_invalid,
        answers=answers or {},
    )
    if data and keep_file and len(data) <= max_upload_bytes():
        batch.file.save(stored_name(filename), ContentFile(data), save=False)
    batch.save()
    return batch


def receive_upload(upload, *, period: str | None, user) -> ImportBatch:
    """An upload of the web page: a PENDING batch keeping the file (the caller enqueues its analysis),
    or a FAILED one when the file is over the size limit (it is not read)."""
    too_large = upload.size > max_upload_bytes()
    data = b"" if too_large else upload.read()
    batch = new_batch(
        data,
        Path(upload.name).name,
        user=user,
        period=period,
        source_kind=ImportBatch.Source.WEB,
        skip_invalid=False,
    )
    if too_large:
        batch.size = upload.size
        fatal(
            batch,
            WorkbookError(f"Tệp quá lớn; giới hạn là {max_upload_bytes() // (1024 * 1024)} MB.", "too_large"),
        )
    return batch


def batch_file(batch: ImportBatch) -> bytes | None:
    """The batch's stored file, or None when it is gone (never uploaded, or deleted from disk)."""
    if not batch.file:
        return None
    try:
        with batch.file.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


# ---- the preview ------------------------------------------------------------------------------


def apply_analysis(
    batch: ImportBatch,
    analysis: Analysis,
    catalogue: Catalogue,
    *,
    skip_invalid: bool,
    with_diff: bool = True,
) -> list[ResolvedValue]:
    values = analysis.validated.values
    if with_diff:
        counts, diff = compare(values, catalogue)
    else:  # a direct commit: the write itself counts new/changed/unchanged
        counts, diff = {"new": 0, "changed": 0, "unchanged": 0}, []
    counts["skipped"] = len(analysis.skipped)
    if analysis.dti and with_diff:  # DTI scores are not values: counted on their own ("36 điểm DTI mới")
        counts.update({f"dti_{k}": n for k, n in compare_dti_scores(analysis.dti).items()})
    batch.counts = counts
    batch.diff = diff
    batch.errors = [p.as_dict() for p in analysis.errors]
    batch.warnings = [p.as_dict() for p in analysis.warnings]
    batch.skipped = analysis.skipped if (skip_invalid or batch.exclusions) else []
    batch.sheets = analysis.sheets
    batch.mapping = analysis.mapping_json()
    if analysis.period and is_period(analysis.period):
        batch.period = analysis.period
    return values


def fatal(batch: ImportBatch, exc: WorkbookError) -> None:
    """The batch cannot be read: FAILED, with the reason as its one error."""
    batch.status = ImportBatch.Status.FAILED
    batch.errors = [problem(exc.message, exc.code)]
    batch.message = exc.message
    batch.counts = {"new": 0, "changed": 0, "unchanged": 0, "skipped": 0}
    batch.save()


def blocking(analysis: Analysis, skip_invalid: bool) -> list[RowError]:
    """Errors that stop a commit: all of them, or with skip_invalid only those not tied to a cell
    that can be left out (missing period, missing required column, formula without value)."""
    if not skip_invalid:
        return analysis.errors
    return [e for e in analysis.errors if not e.cell or e.code in ("formula_without_value",)]


def blocking_message(batch: ImportBatch, errors: int) -> str:
    return f"Lô #{batch.pk} còn {errors} lỗi: hãy sửa hoặc loại trừ các ô lỗi trước khi nhập."


def create_preview(
    upload, *, period: str | None, user, source_kind: str = ImportBatch.Source.WEB
) -> ImportBatch:
    data, filename = read_source(upload, "")
    batch = new_batch(data, filename, user=user, period=period, source_kind=source_kind, skip_invalid=False)
    refresh_preview(batch, user=user, data=data)
    return batch


def refresh_preview(batch: ImportBatch, *, user, data: bytes | None = None) -> ImportBatch:
    """(Re)analyse a batch's file with its corrections and exclusions. A batch whose file is gone
    (never stored, or deleted from disk) ends FAILED with a Vietnamese message, never left pending."""
    if data is None:
        data = batch_file(batch)
        if data is None:
            fatal(batch, WorkbookError(MISSING_FILE_MESSAGE, "missing_file"))
            return batch
    catalogue = build_catalogue()
    try:
        analysis = analyse(
            data,
            period=batch.period or None,
            user=user,
            filename=batch.filename,
            corrections=batch.corrections,
            exclusions=batch.exclusions,
            catalogue=catalogue,
            mapping=batch.answers or None,
        )
    except WorkbookError as exc:
        fatal(batch, exc)
        return batch
    except DatabaseError:
        raise  # the task retries a lost connection
    except Exception as exc:  # noqa: BLE001 - a bug must not leave the batch pending (issue 15)
        unexpected(batch, exc)
        return batch
    apply_analysis(batch, analysis, catalogue, skip_invalid=batch.skip_invalid)
    batch.status = ImportBatch.Status.PREVIEW
    batch.progress = 100
    batch.message = ""  # a refused commit's message is answered by this new preview
    batch.save()
    return batch


def update_preview(
    batch: ImportBatch,
    *,
    user,
    period: str | None = None,
    corrections: dict | None = None,
    exclusions: list | None = None,
    answers: dict | None = None,
) -> ImportBatch:
    if answers is not None:
        batch.answers = answers
    if period is not None:
        batch.period = period if is_period(period) else ""
    if corrections is not None:
        batch.corrections = {k: str(v) for k, v in corrections.items()}
    if exclusions is not None:
        batch.exclusions = sorted(set(exclusions))
    batch.save()
    return refresh_preview(batch, user=user)


def reanalyse(batch: ImportBatch, data: bytes, user) -> tuple[Analysis, list[ResolvedValue], Catalogue]:
    """Read the file again with the batch's corrections and exclusions (raises WorkbookError)."""
    catalogue = build_catalogue()
    analysis = analyse(
        data,
        period=batch.period or None,
        user=user,
        filename=batch.filename,
        corrections=batch.corrections,
        exclusions=batch.exclusions,
        catalogue=catalogue,
        mapping=batch.answers or None,
    )
    values = apply_analysis(batch, analysis, catalogue, skip_invalid=batch.skip_invalid)
    return analysis, values, catalogue


def fail_analysis(batch_id: int) -> str:
    """The analysis lost its database connection for good: the batch ends FAILED with a Vietnamese
    message (nothing of an unconfirmed batch is ever written). If the database is still unreachable,
    the batch stays as it was and only the log says why."""
    try:
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            return "missing"
        fatal(batch, WorkbookError(ANALYSIS_DB_FAILURE_MESSAGE, "database_error"))
    except DatabaseError:
        logger.exception("Import batch %s: database still unreachable, batch left as it was", batch_id)
        return "error"
    return batch.status


def fail_crashed(batch_id: int) -> str:
    """A task of this batch crashed its worker process twice: FAILED with a Vietnamese message, unless it
    was committed meanwhile. Nothing of the batch was written (a commit is one transaction)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    if batch.status == ImportBatch.Status.COMMITTED:
        return batch.status
    fatal(batch, WorkbookError(CRASHED_MESSAGE, "worker_crashed"))
    return batch.status


def unexpected(batch: ImportBatch | None, exc: Exception) -> WorkbookError:
    """An error no reader or rule expected (a bug): the traceback goes to the log, the user gets a
    Vietnamese message, the batch (if any) ends FAILED rather than pending or a 500."""
    logger.exception("Import batch %s: unexpected error while reading the file", getattr(batch, "pk", None))
    error = WorkbookError(UNEXPECTED_MESSAGE, "internal_error")
    if batch is not None:
        fatal(batch, error)
    return error
