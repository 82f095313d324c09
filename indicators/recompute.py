"""Telling the status engine what changed. Every write path (the write door, a publication change, a
target edit) calls `values_changed` inside its transaction; the recompute runs after the commit."""

from __future__ import annotations

from django.db import transaction

from core.queue import enqueue

from .cache import bump_on_commit
from .tasks import recompute_status


def values_changed(pairs, from_period: str | None = None) -> None:
    """Tell the status engine which (indicator_id, unit_id) pairs changed, from which period on.

    ``pairs`` is either {(indicator_id, unit_id): from_period} or an iterable of (indicator_id, unit_id)
    with one ``from_period`` for all. Every write path calls this inside its transaction; the recompute
    is enqueued on commit (never inside the open transaction, and not at all if it rolls back). With no
    broker the task runs eagerly, right after the commit.
    """
    if isinstance(pairs, dict):
        triples = [[int(i), int(u), str(p)] for (i, u), p in pairs.items()]
    else:
        if from_period is None:
            raise ValueError("from_period is required when pairs is not a dict")
        period = str(from_period)
        triples = [[int(i), int(u), period] for i, u in pairs]
    if triples:
        transaction.on_commit(lambda: enqueue(recompute_status, triples))
    bump_on_commit()


def targets_changed(indicator_ids) -> None:
    """Recompute every status of these indicators once the current transaction commits: a target (or
    the indicator's direction, measure, cumulation) decides them. Called by every path that writes
    targets or indicators: `load_catalogue` and the Target admin (save, delete, import)."""
    ids = sorted({int(i) for i in indicator_ids if i is not None})
    if ids:
        transaction.on_commit(lambda: enqueue(recompute_status, indicator_ids=ids))
        bump_on_commit()
