"""Background work of the intake: thin wrappers taking ids. With no broker they run eagerly."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError, connection

from core.queue import crash_guard

from .models import ImportBatch
from .services import fail_analysis, fail_commit, fail_crashed, finish_commit, refresh_preview
from .services import release_stuck_commits as release

logger = logging.getLogger(__name__)

# A commit task whose worker died comes back after the broker's visibility timeout (plus up to a
# couple of minutes until a worker sweeps the unacknowledged messages); a batch still committing
# this long after that lost its message.
STUCK_COMMIT_MARGIN = timedelta(minutes=15)


def _user(user_id):
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def _committer(user_id):
    """The user who confirmed. One deleted since then may write no unit (None would mean the system,
    which may write every unit): the commit finds every cell forbidden and goes back to preview."""
    if user_id is None:
        return None
    return _user(user_id) or AnonymousUser()


def _retry_or_fail(task, exc, batch_id: int, fail) -> str:
    """A lost database connection: a worker retries with backoff (1, 2, 4 s). Run eagerly (no broker, or
    the broker down) the request is waiting and an eager retry would surface as an exception, so the
    batch fails at once with a Vietnamese message (`fail`), as it does after the last retry."""
    if task.request.is_eager or task.request.retries >= task.max_retries:
        logger.error(
            "Import batch %s: database unreachable after %s retries (%s)", batch_id, task.request.retries, exc
        )
        if not connection.in_atomic_block:  # an outer transaction owns the connection: leave it be
            connection.close()  # a dropped connection cannot be reused; the next query reconnects
        return fail(batch_id)
    raise task.retry(exc=exc, countdown=2**task.request.retries) from exc


@shared_task(bind=True, max_retries=3)
def analyse_batch(self, batch_id: int, user_id: int | None = None) -> str:
    """Read and validate an uploaded batch's file (the preview). Expected failures (unreadable
    files) end as a FAILED batch with a Vietnamese message, never as a task error. A lost database
    connection is retried with backoff (1, 2, 4 s) by a worker; run eagerly (no broker, or the broker
    down: the upload request is waiting), or after the last retry, the batch fails with a message.
    A delivery that crashed its worker process twice (a native abort in the reader) ends FAILED
    instead of being delivered again (`core.queue.crash_guard`)."""

    with crash_guard(self, fail_crashed, batch_id) as run:
        if not run:
            return "failed"
        try:
            batch = ImportBatch.objects.filter(pk=batch_id).first()
            if batch is None:
                return "missing"
            refresh_preview(batch, user=_user(user_id))
            return batch.status
        except (OperationalError, InterfaceError) as exc:
            return _retry_or_fail(self, exc, batch_id, fail_analysis)


@shared_task(bind=True, max_retries=3)
def commit_batch_task(self, batch_id: int, user_id: int | None = None) -> str:
    """Write a batch the user confirmed on the web page (status COMMITTING).

    Safe to deliver twice (acks_late: a message whose worker died is delivered again): a batch that
    is no longer COMMITTING is left alone. Expected failures end as a batch state with a Vietnamese
    message (services.finish_commit). A lost database connection is retried with backoff (1, 2, 4 s),
    and after the last retry the batch ends FAILED instead of staying COMMITTING."""

    with crash_guard(self, fail_crashed, batch_id) as run:
        if not run:
            return "failed"
        try:
            return finish_commit(batch_id, _committer(user_id))
        except (OperationalError, InterfaceError) as exc:
            return _retry_or_fail(self, exc, batch_id, fail_commit)


@shared_task
def release_stuck_commits() -> int:
    """Beat: hand back batches stuck in COMMITTING (their task message is lost) to their users."""

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    return release(timedelta(seconds=visibility) + STUCK_COMMIT_MARGIN)
