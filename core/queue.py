"""Enqueueing background work so that a broker outage never loses it.

Every write path enqueues its follow-up work (status recompute, report rendering, upload analysis)
after its transaction commits. If Redis is down at that moment, the write has already committed:
rather than dropping the task (stale statuses until the next nightly recompute) or failing the
request, the task runs eagerly in this process and a warning is logged. Pages and the API never
need the broker, so they keep serving.
"""

import logging
import reprlib
from contextlib import contextmanager

import redis
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger("cds_portal.queue")

# A dead broker answers "connection refused" at once; two quick retries ride out a Redis restart.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# How the arguments are shown in the worker's log and the result backend. Celery's own `saferepr`
# walks every element: 0.1 s for the 60,000 (indicator, unit, period) triples of one large import.
_short = reprlib.Repr()
_short.maxlist = _short.maxtuple = _short.maxdict = 6
_short.maxstring = _short.maxother = 80


def enqueue(task, *args, **kwargs):
    """`task.apply_async(args, kwargs)`, or run it here, now, if the broker cannot be reached."""
    try:
        return task.apply_async(
            args,
            kwargs,
            retry=True,
            retry_policy=RETRY_POLICY,
            argsrepr=_short.repr(args),
            kwargsrepr=_short.repr(kwargs),
        )
    except BrokerError as exc:
        logger.warning("Broker unavailable (%s): running %s in-process instead", exc, task.name)
        return task.apply(args, kwargs)


# ---- tasks that crash their worker process ---------------------------------------------------------

MAX_CRASHES = 2
_clients: dict[str, object] = {}


def _redis(url: str):
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return client


@contextmanager
def crash_guard(task, on_crashed, *args):
    """Run a task body unless this very delivery already crashed its worker process MAX_CRASHES times.

    With acks_late and reject_on_worker_lost, a message whose worker process died (a native abort, the
    OOM killer) is delivered again, at once in a prefork pool: a file that kills the process would
    kill one every few seconds, forever. Each delivery counts itself in Redis (keyed by task id and
    retry number, so a deliberate `retry()` starts afresh) before the body runs and removes the count
    when the body ends in any way Python sees; only a dead process leaves it behind. The delivery after
    MAX_CRASHES such deaths calls `on_crashed(*args)` (which marks the work failed with a Vietnamese
    message) instead of the body and is acknowledged. Yields True when the body should run.

    Eager runs (no broker) and a broker other than Redis are not counted: nothing redelivers them."""
    url = task.app.conf.broker_url or ""
    if task.request.is_eager or not url.startswith(("redis://", "rediss://", "unix://")):
        yield True
        return
    key = f"cds:task-deliveries:{task.request.id}:{task.request.retries}"
    client = _redis(url)
    try:
        count = client.incr(key)
        client.expire(key, 7 * 24 * 3600)
    except redis.RedisError:
        logger.warning("Could not count the deliveries of %s (Redis unreachable)", task.name)
        yield True
        return
    if count > MAX_CRASHES:
        logger.error(
            "%s[%s] crashed its worker process %s times: marked failed, not run again",
            task.name,
            task.request.id,
            count - 1,
        )
        on_crashed(*args)
        client.delete(key)
        yield False
        return
    try:
        yield True
    finally:
        try:
            client.delete(key)
        except redis.RedisError:
            logger.warning("Could not clear the delivery count of %s", task.name)
