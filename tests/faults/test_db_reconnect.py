"""The database drops its connections (restart, failover, an idle timeout): the next request on a
gunicorn worker that kept a persistent connection must not answer 500 (CONN_HEALTH_CHECKS).

Django's test client and its live server both close connections after every request, so this runs
gunicorn itself, as deployed (one sync worker, DB_CONN_MAX_AGE=60), against the test database."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.faults.test_import_faults import raw_connection

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_the_first_request_after_the_server_dropped_the_connection_is_served(postgres, staff):
    token = Token.objects.create(user=staff).key
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": "",
        "DJANGO_SETTINGS_MODULE": "cds_portal.settings",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cds_portal.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/api/v1/units/DONGXOAI/"
    try:
        for _ in range(100):
            try:
                status, _body = _get(url, token)
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200  # the worker now keeps its connection between requests
        killer = raw_connection()
        with killer.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        killer.close()
        status, body = _get(url, token)
        assert status == 200
        assert body["name"] == "Thành phố Đồng Xoài"
    finally:
        server.terminate()
        server.wait(timeout=10)
        connection.close()  # this process's connection was dropped too
