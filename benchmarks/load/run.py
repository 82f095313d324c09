"""Load test: gunicorn on PostgreSQL with Redis and a Celery worker; wrk drives 50 concurrent viewers
over the overview, an indicator page and the values API while two imports run.

The stack is started as the README deploys it: `CACHE_URL` on Redis, gunicorn at normal priority,
the Celery worker (two processes) at lower CPU priority (`nice -n 10`, as in the Procfile and
docker-compose.yml). The two imports go through the web page as a staff member's would: upload,
the worker analyses the workbook, "Xác nhận nhập", the worker commits it; each loop polls the
batch's status and starts again once it is committed.

    .venv/bin/python benchmarks/load/run.py [--duration 60] [--connections 50] [--workers 4]

Only loopback addresses are used; every process it starts is stopped at the end (also on errors),
and the run is bounded by --duration. Needs: PostgreSQL and Redis on 127.0.0.1, Debian's `wrk`.
Prints a Markdown table and writes benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PORT = 8011
DB = "cds_load"
BROKER = "redis://127.0.0.1:6379/14"
CACHE = "redis://127.0.0.1:6379/13"

SEED_HISTORY = """
import random
from decimal import Decimal
from indicators.models import Indicator
from indicators.services import ValueInput, record_values
from units.models import Unit
from django.contrib.auth import get_user_model
rng = random.Random(57)
user = get_user_model().objects.get(username="canbo")
units = list(Unit.objects.filter(level__in=["agency", "district"]).values_list("code", flat=True))
codes = list(Indicator.objects.filter(group__in=["DVC", "SOFTWARE"], measure="percent").values_list("code", flat=True))
periods = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13) if f"{y}-{m:02d}" not in ("2023-01", "2023-08")]
items = [ValueInput(c, u, p, Decimal(rng.randint(300, 1000)) / 10) for c in codes for u in units for p in periods]
record_values(items, user=user, source="import")
print(len(items))
"""

SESSION = """
from django.contrib.auth import get_user_model
from django.test import Client
for name in ("bcd", "canbo"):
    c = Client()
    c.force_login(get_user_model().objects.get(username=name))
    print(c.cookies["sessionid"].value)
"""


def psql(sql: str):
    subprocess.run(["psql", "-h", "127.0.0.1", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def manage(env, *args, capture=True) -> str:
    proc = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout or ""


def wait_http(url: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback only
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def preflight(session: str, token: str):
    """Each URL of the mix answers 200 with a real page (not a redirect or an error) before the run."""
    checks = [
        ("/", {"Cookie": f"sessionid={session}"}, "Tổng quan"),
        ("/indicators/DVC-SVC-RATE/", {"Cookie": f"sessionid={session}"}, "Tỷ lệ DVCTT"),
        ("/api/v1/values/?indicator=DVC-SVC-RATE&limit=500", {"Authorization": f"Token {token}"}, '"results"'),
    ]
    for path, headers, needle in checks:
        req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - loopback only
            body = r.read().decode()
            if r.status != 200 or needle not in body or r.url != req.full_url:
                raise SystemExit(f"preflight failed for {path}: {r.status} {r.url}")
        print(f"preflight {path}: 200, {len(body)} bytes")


def make_workbooks(folder: Path) -> list[Path]:
    """Two long-format workbooks of the same 6,000 keys with different values: every import changes
    every value, as a corrected re-submission would."""
    from openpyxl import Workbook

    paths = []
    for k in range(2):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("so-lieu")
        ws.append(["indicator", "unit", "period", "value", "note"])
        for p in range(1, 13):
            for u in ("DONGXOAI", "BINHLONG", "PHUOCLONG", "CHONTHANH", "DONGPHU", "HONQUAN", "PHURIENG", "BUDOP",
                      "BUGIAMAP", "LOCNINH", "BUDANG"):
                for ind, base in (("APP-BPTODAY-USERS", 500), ("CNS-COMMUNE-TEAMS", 5), ("TAX-NVTC-COUNT", 100)):
                    ws.append([ind, u, f"2024-{p:02d}", base + p * 3 + k, ""])
        path = folder / f"load-{k}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def web_import_loop(session: str, files, stop: threading.Event, results: list):
    """Upload, wait for the preview, confirm, wait for the commit; again until stopped."""
    import re

    import requests

    base = f"http://127.0.0.1:{PORT}"
    http = requests.Session()
    http.cookies.set("sessionid", session)

    def wait(batch: str, until: set[str]) -> str:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            status = http.get(f"{base}{batch}trang-thai/", timeout=30).json()["status"]
            if status in until:
                return status
            time.sleep(0.5)
        return "timeout"

    k = 0
    while not stop.is_set():
        path = files[k % len(files)]
        started = time.monotonic()
        http.get(f"{base}/nhap-lieu/", timeout=30)
        csrf = http.cookies["csrftoken"]
        with open(path, "rb") as fh:
            r = http.post(f"{base}/nhap-lieu/", data={"csrfmiddlewaretoken": csrf, "period": ""},
                          files={"file": (path.name, fh)}, allow_redirects=False, timeout=60)
        batch = r.headers.get("Location", "")
        status = "upload-failed"
        if r.status_code == 302 and re.fullmatch(r"/nhap-lieu/lo/\d+/", batch):
            status = wait(batch, {"preview", "rejected", "failed"})
            if status == "preview":
                http.post(f"{base}{batch}xac-nhan/", data={"csrfmiddlewaretoken": csrf}, allow_redirects=False,
                          timeout=60)
                status = wait(batch, {"committed", "preview", "failed"})
        results.append({"status": status, "seconds": round(time.monotonic() - started, 2), "batch": batch})
        k += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-nice", type=int, default=10, help="the Celery worker's nice (as deployed: 10)")
    args = parser.parse_args()
    load_before = round(os.getloadavg()[0], 2)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="cds-load-"))
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{DB}", "CELERY_BROKER_URL": BROKER,
        "CACHE_URL": CACHE, "DEBUG": "0", "SECRET_KEY": "load-test-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(tmp / "static"), "MEDIA_ROOT": str(tmp / "media"), "API_THROTTLE_RATE": "",
        "LOG_LEVEL": "WARNING",
        # Plain HTTP on loopback: no HTTPS redirect, cookies not marked Secure.
        "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "BEHIND_PROXY": "0",
    })
    procs: list[subprocess.Popen] = []
    stop = threading.Event()
    try:
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        psql(f"CREATE DATABASE {DB}")
        for db in ("13", "14"):
            subprocess.run(["redis-cli", "-n", db, "FLUSHDB"], check=True, capture_output=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        log = open(tmp / "worker.log", "w")  # noqa: SIM115 - closed with the process
        procs.append(subprocess.Popen(["nice", "-n", str(args.worker_nice), PY, "-m", "celery", "-A", "cds_portal", "worker",
                                       "--concurrency=2", "--loglevel=WARNING"], cwd=ROOT, env=env, stdout=log,
                                      stderr=log))
        manage(env, "seed_demo")
        seeded = manage(env, "shell", "-v", "0", "-c", SEED_HISTORY).strip()
        manage(env, "recompute_status", "--all")
        session, staff_session = manage(env, "shell", "-v", "0", "-c", SESSION).split()
        token = manage(env, "create_user", "canbo", "--role", "staff", "--token").strip().splitlines()[-1]
        files = make_workbooks(tmp)

        glog = open(tmp / "gunicorn.log", "w")  # noqa: SIM115
        procs.append(subprocess.Popen(
            [PY, "-m", "gunicorn", "cds_portal.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
             "--workers", str(args.workers), "--timeout", "60"], cwd=ROOT, env=env, stdout=glog, stderr=glog))
        wait_http(f"http://127.0.0.1:{PORT}/healthz")

        preflight(session, token)

        imports: list[dict] = []
        threads = [threading.Thread(target=web_import_loop, args=(staff_session, files, stop, imports))
                   for _ in range(2)]
        for t in threads:
            t.start()
        wrk_env = dict(env, LOAD_SESSION=session, LOAD_TOKEN=token)
        out = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s", "-s",
             str(Path(__file__).with_name("mix.lua")), f"http://127.0.0.1:{PORT}"],
            env=wrk_env, capture_output=True, text=True, timeout=args.duration + 60,
        ).stdout
        stop.set()
        for t in threads:
            t.join(timeout=120)
        line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
        stats = json.loads(line[len("WRK_JSON "):])
        errors = (stats["connect_errors"] + stats["read_errors"] + stats["write_errors"] + stats["non_2xx_3xx"]
                  + stats["timeouts"])
        result = {
            "connections": args.connections, "duration_s": args.duration, "gunicorn_workers": args.workers,
            "worker_nice": args.worker_nice, "load_average_before": load_before,
            "history_values": int(seeded or 0),
            "requests": stats["requests"], "rps": round(stats["requests"] / (stats["duration_us"] / 1e6), 1),
            "p50_ms": round(stats["p50_us"] / 1000, 1), "p95_ms": round(stats["p95_us"] / 1000, 1),
            "p99_ms": round(stats["p99_us"] / 1000, 1), "max_ms": round(stats["max_us"] / 1000, 1),
            "errors": errors, "imports": imports,
        }
        (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
        (ROOT / "benchmarks" / "results" / "load.json").write_text(json.dumps(result, indent=2))
        done = [i for i in imports if i["status"] == "committed"]
        print(out)
        print("| connections | duration | requests/s | p50 | p95 | p99 | errors | imports committed (mean s) |")
        print("|---|---|---|---|---|---|---|---|")
        mean = sum(i["seconds"] for i in done) / len(done) if done else 0
        print(f"| {args.connections} | {args.duration} s | {result['rps']} | {result['p50_ms']} ms | "
              f"{result['p95_ms']} ms | {result['p99_ms']} ms | {errors} | {len(done)}/{len(imports)} ({mean:.1f} s) |")
    finally:
        stop.set()
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["psql", "-h", "127.0.0.1", "-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
