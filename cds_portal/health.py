"""`/healthz` for load balancers and monitoring: database, Redis and a worker heartbeat, no secrets."""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from cds_portal.celery import app


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis():
    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1).ping()


def _check_workers() -> int:
    replies = app.control.ping(timeout=0.5) or []
    return len(replies)


@never_cache
def healthz(request):
    """200 when the database (and the broker, if any) answer; 503 otherwise.

    Workers are reported but do not fail the check: pages and the API keep serving without them,
    and queued recomputes run when a worker is back.
    """
    checks, healthy = {}, True
    started = time.monotonic()
    try:
        _check_database()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure is "down"; details stay in the logs, not the response
        checks["database"] = "error"
        healthy = False
    if settings.CELERY_BROKER_URL:
        try:
            _check_redis()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            checks["redis"] = "error"
            healthy = False
        if checks["redis"] == "ok":
            try:
                count = _check_workers()
                checks["workers"] = count
            except Exception:  # noqa: BLE001
                checks["workers"] = 0
    else:
        checks["redis"] = "not_configured"
        checks["workers"] = "eager"
    body = {
        "status": "ok" if healthy else "error",
        "checks": checks,
        "duration_ms": round((time.monotonic() - started) * 1000),
    }
    return JsonResponse(body, status=200 if healthy else 503)
