"""Background work of the status engine. Thin wrappers: ids in, engine call, counts out."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import engine


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    acks_late=True,
)
def recompute_status(self, pairs=None, indicator_ids=None):
    """Recompute the statuses of ``pairs`` — a list of ``[indicator_id, unit_id, from_period]`` — or of
    every value of ``indicator_ids`` (after a target or catalogue change), or of every value when both
    are None (nightly, from Celery beat: it also refreshes the outlier statistics the incremental path
    reads). Idempotent: the engine replaces what it computes, in one transaction, so a retry after a lost
    connection or a duplicate delivery gives the same rows."""
    if indicator_ids is not None:
        return engine.recompute_indicators(indicator_ids, counts=False).as_dict()
    # Status counts are for the command's output; the task skips that extra pass.
    if pairs is None:
        return engine.recompute_all(counts=False).as_dict()
    return engine.recompute_pairs(pairs, counts=False).as_dict()
