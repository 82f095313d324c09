"""Enqueueing background work so that a broker outage never loses it.

Every write path enqueues its follow-up work (status recompute, report rendering, upload analysis)
after its transaction commits. If Redis is down at that moment, the write has already committed:
rather than dropping the task (stale statuses until the next nightly recompute) or failing the
request, the task runs eagerly in this process and a warning is logged. Pages and the API never
need the broker, so they keep serving.
"""

import logging

from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger("cds_portal.queue")

# A dead broker answers "connection refused" at once; two quick retries ride out a Redis restart.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task, *args, **kwargs):
    """`task.apply_async(args, kwargs)`, or run it here, now, if the broker cannot be reached."""
    try:
        return task.apply_async(args, kwargs, retry=True, retry_policy=RETRY_POLICY)
    except BrokerError as exc:
        logger.warning("Broker unavailable (%s): running %s in-process instead", exc, task.name)
        return task.apply(args, kwargs)
