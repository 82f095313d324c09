"""The intake workflow: read → parse → validate → preview → commit, and undo.

Views, the API, the management command and tasks call these; nothing here sees a request.

- `analysis`: read and validate a workbook against the catalogue and the user's scope; compare it
  with what is stored (the preview's counts and diff). Writes nothing.
- `batches`: receiving a file (stored under a generated name), the preview with the user's
  corrections and exclusions, the FAILED state of a batch whose file cannot be read.
- `commit`: `import_file()` (the one-shot path: CLI, API, demo data) and the web page's commit state
  machine (`start_commit` → `imports.tasks.commit_batch_task` → `finish_commit`).
- `undo`: `undo_batch()` records the values as they were before the batch, through the write door.
- `outcome`: what the pages, the API and the CLI show of a batch.
- `preview`: the batch page's values cell by cell (before → after, errors and warnings inline) and
  what an undo will put back.

Every value is written by `indicators.services.record_values` (the write door): period locks,
approval lock, per-value checks, the change log and the status recompute are inside it.
"""

from .analysis import (
    DIFF_LIMIT,
    Analysis,
    analyse,
    build_catalogue,
    compare,
    max_upload_bytes,
    writable_units,
)
from .batches import (
    ANALYSIS_DB_FAILURE_MESSAGE,
    CRASHED_MESSAGE,
    MISSING_FILE_MESSAGE,
    UNEXPECTED_MESSAGE,
    ImportError_,
    batches_for,
    create_preview,
    fail_analysis,
    fail_crashed,
    kept_name,
    receive_upload,
    refresh_preview,
    stored_name,
    update_preview,
)
from .commit import (
    DB_FAILURE_MESSAGE,
    STUCK_COMMIT_MESSAGE,
    commit_batch,
    fail_commit,
    finish_commit,
    import_file,
    release_stuck_commits,
    start_commit,
)
from .outcome import ImportOutcome, describe_counts, group_problems_by_cell
from .preview import preview_rows, undo_plan
from .undo import UndoRefused, undo_batch

__all__ = [
    "ANALYSIS_DB_FAILURE_MESSAGE",
    "CRASHED_MESSAGE",
    "UNEXPECTED_MESSAGE",
    "DB_FAILURE_MESSAGE",
    "DIFF_LIMIT",
    "MISSING_FILE_MESSAGE",
    "STUCK_COMMIT_MESSAGE",
    "Analysis",
    "ImportError_",
    "ImportOutcome",
    "UndoRefused",
    "analyse",
    "batches_for",
    "preview_rows",
    "undo_plan",
    "build_catalogue",
    "commit_batch",
    "compare",
    "create_preview",
    "describe_counts",
    "fail_analysis",
    "fail_crashed",
    "fail_commit",
    "finish_commit",
    "group_problems_by_cell",
    "import_file",
    "kept_name",
    "max_upload_bytes",
    "receive_upload",
    "refresh_preview",
    "release_stuck_commits",
    "start_commit",
    "stored_name",
    "undo_batch",
    "update_preview",
    "writable_units",
]
