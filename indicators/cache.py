"""Cached renderings of what readers see: the dashboard pages' bodies and the values API's JSON.

A morning before a steering committee meeting means dozens of people opening the same overview
within minutes; each rendering costs 20–30 ms of queries and templates, the cached copy about 1 ms.

What a reader sees depends on three things, and the cache key holds all three:

- **who** — the visibility scope, not the user: staff see every value, viewers (and the public API)
  published values only, a reporter published values plus its own units' drafts. Users with the same
  scope see the same page, so one rendering serves them all. Nothing per user (name, CSRF token,
  messages) is in a cached part: the site frame around it is rendered for each request.
- **the data** — `data_version()`: the newest value change's and audit entry's ids (every value
  change writes a `ValueChange`, every DTI score and approval change an `AuditEntry`, visible only
  once its transaction commits) and `DataVersion.token`,
  which `bump()` changes after changes that write no audit entry: recomputed statuses, targets,
  the catalogue. A bump runs after the commit (`bump_on_commit`), so a reader can never cache old
  data under the new version.
- **the code and the day** — a digest of the templates and Python sources (a deployment never serves
  pages rendered by the previous release from a shared cache) and today's date (deadlines).

Entries also expire after ``PAGE_CACHE_SECONDS`` (0 turns the cache off), a bound on the damage of a
change made behind the application's back (SQL typed by hand). When the cache backend fails (Redis
down), pages are rendered as if nothing were cached and a warning is logged.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation

from core.roles import Role, role_of
from units.models import Unit

from .models import AuditEntry, DataVersion, ValueChange

logger = logging.getLogger(__name__)

PUBLISHED = "published"


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def scope_of(user) -> str | None:
    """The visibility scope of ``user`` as a key part (None: nothing to cache for this caller)."""
    role = role_of(user)
    if role == Role.STAFF:
        return "all"
    if role == Role.VIEWER:
        return PUBLISHED
    if role == Role.REPORTER:
        units = Unit.objects.filter(members=user).order_by("pk").values_list("pk", flat=True)
        return "units:" + ",".join(str(pk) for pk in units)
    return None


def data_version() -> str:
    """The version of everything a reader can see, in one query on three indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT token FROM {DataVersion._meta.db_table} WHERE id = 1), "
            f"(SELECT max(id) FROM {ValueChange._meta.db_table}), "
            f"(SELECT max(id) FROM {AuditEntry._meta.db_table})"
        )
        token, change, audit = cursor.fetchone()
    return f"{token}.{change}.{audit}"


def bump() -> None:
    """A new data version: every cached page and API answer is stale from now on."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token):
        DataVersion.objects.update_or_create(pk=1, defaults={"token": token})


def bump_on_commit() -> None:
    """Bump once the current transaction commits (at once outside a transaction; never on rollback).
    A transaction registers one bump however many of its writes ask for it (one per savepoint level:
    a savepoint rolled back takes its callbacks with it)."""
    if connection.in_atomic_block:
        sids = set(connection.savepoint_ids)
        if any(func is bump and pending == sids for pending, func, _robust in connection.run_on_commit):
            return
    transaction.on_commit(bump)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the templates and Python sources this process runs."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder in ("templates", "indicators", "units", "cds_portal"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def key(scope: str, *parts: str) -> str:
    text = "|".join(
        (
            code_version(),
            data_version(),
            scope,
            translation.get_language() or "",
            str(timezone.localdate()),
            *parts,
        )
    )
    return "cds:view:" + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


# On a miss, one process renders while the others asking for the same key wait for its result (a
# version bump would otherwise have every gunicorn worker render the same page at once); a waiter
# renders itself after RENDER_WAIT seconds, so a renderer that died delays nobody for long.
RENDER_WAIT = 0.5
RENDER_LOCK_SECONDS = 30


def get_or_build(scope: str | None, parts: tuple[str, ...], build):
    """``build()``'s result, from the cache when this scope, data version and ``parts`` have one."""
    if scope is None or not enabled():
        return build()
    cache_key = key(scope, *parts)
    try:
        hit = cache.get(cache_key)
        if hit is None and not cache.add(cache_key + ":lock", 1, RENDER_LOCK_SECONDS):
            hit = _wait_for(cache_key)
    except Exception:  # noqa: BLE001 - any cache backend failure: serve without the cache
        logger.warning("Page cache unavailable (get); rendering without it", exc_info=True)
        return build()
    if hit is not None:
        return hit
    try:
        value = build()
    except BaseException:
        _forget(cache_key + ":lock")
        raise
    try:
        cache.set(cache_key, value, settings.PAGE_CACHE_SECONDS)
        cache.delete(cache_key + ":lock")
    except Exception:  # noqa: BLE001
        logger.warning("Page cache unavailable (set); rendering without it", exc_info=True)
    return value


def _wait_for(cache_key: str):
    deadline = time.monotonic() + RENDER_WAIT
    while time.monotonic() < deadline:
        time.sleep(0.005)
        hit = cache.get(cache_key)
        if hit is not None:
            return hit
    return None


def _forget(lock_key: str) -> None:
    try:
        cache.delete(lock_key)
    except Exception:  # noqa: BLE001
        pass
