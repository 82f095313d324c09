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
def recompute_status(self, pairs=None):
    """Recompute the statuses of ``pairs`` — a list of ``[indicator_id, unit_id, from_period]`` — or of
    every value when ``pairs`` is None. Idempotent: the engine replaces what it computes, in one
    transaction, so a retry after a lost connection or a duplicate delivery gives the same rows."""
    if pairs is None:
        return engine.recompute_all().as_dict()
    return engine.recompute_pairs([tuple(p) for p in pairs]).as_dict()
