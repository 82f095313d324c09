"""B5: the value list API against `.values()` + `orjson.dumps` of the same rows (PostgreSQL).

Data: 2,000,000 values (100 indicators x 400 units x 50 months, 2020-01 … 2024-02), generated in SQL
with setseed(), with district targets for every indicator and year, and the status engine's table
filled by the engine itself (so the API's LEFT JOIN to the statuses reads real rows).

Product path: `GET /api/v1/values/?indicator=B5-IND007&from=2021-01&to=2023-01&limit=10000` through the
real URL stack (django.test.Client, token authentication, permission, throttling, the FilterSet,
pagination, the orjson renderer, the ETag digest): 400 units x 25 months = 10,000 items.
Reference: the same rows read with `.values()` (same joins and casts, the indicator resolved to its id
beforehand) and `orjson.dumps`, in this process; flags stay the status table's bit mask there.

Both run alternating, >= 5 runs each, gc.collect() before each; the ratio is of medians. Before timing,
both bodies are parsed and compared row by row (the API's flag list against the reference's bits):
a benchmark whose sides disagree fails.

Usage: python benchmarks/b5_api.py [--runs 7]
       (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/cds_bench_b5; the database is created
       and migrated if needed; prints a Markdown row for the README).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/cds_bench_b5")
os.environ["DATABASE_URL"] = DB_URL
# DEBUG off: with DEBUG on Django keeps every query in memory, which no deployment pays.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["CELERY_BROKER_URL"] = ""
os.environ["API_THROTTLE_RATE"] = "1000000/hour"
os.environ["SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
# The rendering itself is measured: with the page cache on, every run after the first would be a cache
# hit (~3 ms), not the same work as the reference. The load test measures the cache.
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cds_portal.settings")

INDICATOR, PERIOD_FROM, PERIOD_TO = "B5-IND007", "2021-01", "2023-01"
URL = f"/api/v1/values/?indicator={INDICATOR}&from={PERIOD_FROM}&to={PERIOD_TO}&limit=10000"
N_ITEMS = 10_000


def ensure_database():
    import psycopg2

    name = DB_URL.rsplit("/", 1)[1]
    conn = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not c.fetchone():
            c.execute(f'CREATE DATABASE "{name}"')
    conn.close()


ensure_database()
import django  # noqa: E402

django.setup()
import orjson  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from indicators import engine  # noqa: E402
from indicators.api.rows import VALUE_ITEM, VALUE_ORDER  # noqa: E402
from indicators.models import DataValue, Indicator  # noqa: E402
from indicators.status import flags_from_bits  # noqa: E402
from units.services import create_or_update_user  # noqa: E402


def sql(query, params=None):
    with connection.cursor() as c:
        c.execute(query, params)
        return c.fetchall() if c.description else c.rowcount


def generate(months: int = 50, units: int = 400) -> int:
    have = sql(
        "SELECT count(*) FROM indicators_datavalue dv JOIN indicators_indicator i ON i.id = dv.indicator_id "
        "WHERE i.code LIKE 'B5-IND%'"
    )[0][0]
    if have == 100 * units * months and sql("SELECT count(*) FROM indicators_valuestatus")[0][0] >= have:
        return have
    print(f"generating {100 * units * months:,} values …", flush=True)
    t = time.perf_counter()
    sql("TRUNCATE indicators_valuestatus, indicators_provinceaggregate, indicators_completeness")
    sql("TRUNCATE indicators_datavalue CASCADE")
    sql(
        "DELETE FROM indicators_target WHERE indicator_id IN (SELECT id FROM indicators_indicator "
        "WHERE code LIKE 'B5-IND%')"
    )
    sql("SELECT setseed(0.42)")
    sql("""INSERT INTO indicators_indicator (code, name, pillar, "group", measure, periodicity, reported_by,
                                             aggregation, direction, cumulative, source, "order", headers)
           SELECT format('B5-IND%s', lpad(i::text, 3, '0')), format('Chỉ tiêu B5 %s', i), 'CQS', 'B5',
                  CASE WHEN i % 2 = 0 THEN 'count' ELSE 'percent' END, 'monthly', '["district"]'::jsonb,
                  CASE WHEN i % 2 = 0 THEN 'sum' ELSE 'mean' END,
                  CASE WHEN i % 5 = 0 THEN 'down' ELSE 'up' END, '', '', 1000 + i, '[]'::jsonb
           FROM generate_series(0, 99) i
           ON CONFLICT (code) DO NOTHING""")
    sql("""INSERT INTO units_unit (code, name, short_name, level, aliases, "order", active)
           SELECT format('B5-U%s', lpad(u::text, 4, '0')), format('Đơn vị B5 %s', u), '', 'district',
                  '[]'::jsonb, 1000 + u, true
           FROM generate_series(0, 399) u
           ON CONFLICT (code) DO NOTHING""")
    sql(f"""INSERT INTO indicators_datavalue (indicator_id, unit_id, period, value, raw, source, note, flags,
                                              created_at, updated_at)
            SELECT i.id, u.id, to_char(date '2020-01-01' + make_interval(months => m), 'YYYY-MM'),
                   CASE WHEN i.measure = 'percent' THEN round((random() * 100)::numeric, 2)
                        ELSE round((random() * 1000)::numeric) END,
                   '', 'import', '', '[]'::jsonb, now(), now()
            FROM generate_series(0, {months - 1}) m,
                 (SELECT id, measure FROM indicators_indicator WHERE code LIKE 'B5-IND%') i,
                 (SELECT id FROM units_unit WHERE code LIKE 'B5-U%') u
            ORDER BY m, i.id, u.id""")
    sql("""INSERT INTO indicators_target (indicator_id, year, level, comparator, value, effective_from,
                                          source_text)
           SELECT i.id, y, 'district', CASE WHEN i.direction = 'down' THEN '<=' ELSE '>=' END,
                  CASE WHEN i.measure = 'percent' THEN 80 ELSE 500 END, '', ''
           FROM indicators_indicator i, generate_series(2020, 2024) y WHERE i.code LIKE 'B5-IND%'""")
    sql("VACUUM ANALYZE indicators_datavalue")
    print(f"  values in {time.perf_counter() - t:.1f} s; status engine …", flush=True)
    t = time.perf_counter()
    engine.recompute_all(completeness=False)
    sql("VACUUM ANALYZE indicators_valuestatus")
    print(f"  statuses in {time.perf_counter() - t:.1f} s", flush=True)
    return sql("SELECT count(*) FROM indicators_datavalue")[0][0]


REF_ITEM = {
    f"{key}_": expr for key, expr in VALUE_ITEM.items()
}  # `.values()` refuses the names indicator/unit


def reference() -> bytes:
    indicator_id = Indicator.objects.values_list("id", flat=True).get(code=INDICATOR)
    qs = DataValue.objects.filter(indicator_id=indicator_id, period__gte=PERIOD_FROM, period__lte=PERIOD_TO)
    return orjson.dumps(list(qs.order_by(*VALUE_ORDER)[:N_ITEMS].values(**REF_ITEM)))


def check_equal(api_body: bytes, ref_body: bytes) -> None:
    api, ref = orjson.loads(api_body), orjson.loads(ref_body)
    assert api["count"] == N_ITEMS and len(api["results"]) == N_ITEMS == len(ref), (api["count"], len(ref))
    for a, r in zip(api["results"], ref, strict=True):
        expected = {key[:-1]: value for key, value in r.items()}
        expected["flags"] = flags_from_bits(expected["flags"])
        assert a == expected, (a, expected)
    statuses = {row["status"] for row in api["results"]}
    assert statuses >= {"met", "not_met"}, statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Indicator.objects.filter(code="DVC-SVC-RATE").exists():
        call_command("load_catalogue", verbosity=0)
    total = generate()
    user = create_or_update_user("b5-staff", role="staff", unit_codes=[], password="b5")[0]
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    def product() -> bytes:
        response = client.get(URL)
        assert response.status_code == 200, response.content[:300]
        return response.content

    api_body, ref_body = product(), reference()
    check_equal(api_body, ref_body)
    for _ in range(2):  # warm-up
        product(), reference()
    tp, tr = [], []
    for _ in range(args.runs):
        for fn, times in ((product, tp), (reference, tr)):
            gc.collect()
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    mp, mr = statistics.median(tp), statistics.median(tr)
    ms = lambda ts: " / ".join(f"{x * 1000:.1f}" for x in (min(ts), statistics.median(ts), max(ts)))  # noqa: E731
    print(f"values in the database: {total:,}; items per response: {N_ITEMS:,}; body {len(api_body):,} bytes")
    print(
        "| Benchmark | product min / median / max (ms) | reference min / median / max (ms) | ratio | goal |"
    )
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| B5 `GET /api/v1/values/?indicator=…` 10,000 items (2M stored) | {ms(tp)} | {ms(tr)} | "
        f"**{mp / mr:.2f}×** | ≤ 1.3× |"
    )
    return 0 if mp / mr <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
