"""B6: the dashboards against their own queries (PostgreSQL).

Data: the catalogue's 150 units × 64 indicators × 24 months (2022-01 … 2023-12) = 230,400 values,
generated in SQL with setseed() so every run builds the same numbers, then the status engine computes
statuses, province roll-ups and completeness once (the pages only read them).

Product: the overview (`/?period=2023-12`) and one indicator page (`/indicators/DVC-SVC-RATE/?period=
2023-12`), rendered through Django's test client as a Ban Chỉ đạo member (middleware, session, views,
the plotly figures, templates). Reference: the same pages' queries, read with `.values()` and serialised
with orjson, in the same process. Before timing, the SQL the reference runs is checked to be exactly the
SQL the page runs (minus the session, user and group queries of the login): a reference that read less
would flatter the ratio. Sides alternate, >= 5 runs each, gc.collect() before each; ratio of medians.

Usage: python benchmarks/b6_dashboards.py [--runs 7]
       (BENCH_DATABASE_URL, default postgres://root@127.0.0.1:5432/cds_bench_b6; the database is created
       and migrated if needed; prints a Markdown table for the README).
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
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/cds_bench_b6")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DEBUG", "1")
os.environ["CELERY_BROKER_URL"] = ""
# The rendering itself is measured: with the page cache on, every run after the first would be a cache
# hit (~3 ms), not the same work as the reference. The load test measures the cache.
os.environ["PAGE_CACHE_SECONDS"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cds_portal.settings")


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
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef, Q, Subquery  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.periods import add_months  # noqa: E402
from dashboards import queries as d  # noqa: E402
from indicators import coverage  # noqa: E402
from indicators.catalogue import load_catalogue  # noqa: E402
from indicators.engine import recompute_all  # noqa: E402
from indicators.models import Completeness, DataValue, Indicator, ProvinceAggregate, Submission  # noqa: E402
from indicators.models.workflow import PENDING_STATES  # noqa: E402
from plans.choices import TaskKind  # noqa: E402
from plans.models import Plan, PlanTask  # noqa: E402
from units.services import create_or_update_user  # noqa: E402

PERIOD = "2023-12"
INDICATOR = "DVC-SVC-RATE"
MONTHS = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]


def sql(query, params=None):
    with connection.cursor() as c:
        c.execute(query, params)
        return c.fetchall() if c.description else c.rowcount


def generate() -> int:
    have = sql("SELECT count(*) FROM indicators_datavalue")[0][0]
    expected = sql("SELECT count(*) FROM units_unit")[0][0] * 64 * len(MONTHS)
    if have == expected:
        return have
    print(f"generating {expected:,} values …", flush=True)
    t = time.perf_counter()
    sql(
        "TRUNCATE indicators_datavalue, indicators_valuestatus, indicators_provinceaggregate, "
        "indicators_completeness"
    )
    sql("SELECT setseed(0.6)")
    months = ", ".join(f"('{m}')" for m in MONTHS)
    n = sql(f"""INSERT INTO indicators_datavalue (indicator_id, unit_id, period, value, raw, source, note, flags,
                                                  created_at, updated_at)
                SELECT i.id, u.id, p.period,
                       CASE WHEN i.measure = 'percent' THEN round((40 + random() * 60)::numeric, 2)
                            ELSE round((random() * 5000)::numeric) END,
                       '', 'import', '', '[]'::jsonb, now(), now()
                FROM indicators_indicator i, units_unit u, (VALUES {months}) AS p(period)""")
    sql("ANALYZE indicators_datavalue")
    recompute_all()
    sql("ANALYZE")
    print(f"  generated and computed in {time.perf_counter() - t:.1f} s", flush=True)
    return n


# ---------------------------------------------------------------------------------------- reference
# The pages' own queries, read with .values() and serialised with orjson (no view, no template, no chart).
def reference_overview(user) -> bytes:
    visible = DataValue.objects.visible_to(user)
    periods = list(visible.order_by("-period").values_list("period", flat=True).distinct())
    pending = Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), state__in=PENDING_STATES
    )
    months = list(  # the month coverage that chooses the period (indicators.coverage.month_coverage)
        Completeness.objects.filter(unit__level__in=coverage.MONTH_LEVELS)
        .exclude(group__in=coverage.ANNUAL_GROUPS)
        .values("period")
        .annotate(
            expected=Count("unit", distinct=True),
            covered=Count("unit", distinct=True, filter=Q(reported_on__isnull=False) & ~Q(Exists(pending))),
        )
        .order_by()
    )
    plan_year = Plan.objects.filter(year__lte=int(PERIOD[:4])).order_by("-year").values("year")[:1]
    plan = list(  # the plan's overview line (plans.services.overview.plan_line)
        PlanTask.objects.with_latest()
        .filter(plan__year=Subquery(plan_year), kind=TaskKind.ASSIGNED)
        .values_list("plan__year", "latest_state", "due")
    )
    indicators = list(Indicator.objects.filter().order_by("order", "code").values(*d.INDICATOR_FIELDS))
    monthly_ids = [i["id"] for i in indicators if i["group"] != "KH57"]
    out = {
        "periods": periods,
        "months": months,
        "plan": plan,
        "indicators": indicators,
        "kh57": list(
            visible.filter(indicator__group="KH57", unit__level="province", period__lte=PERIOD)
            .order_by("indicator_id", "-period")
            .values(*d.VALUE_COLUMNS, **d.VALUE_JOINED)
        ),
        "aggregates": list(
            ProvinceAggregate.objects.filter(
                indicator_id__in=monthly_ids, period__gte=add_months(PERIOD, -12), period__lte=PERIOD
            ).values_list("indicator_id", "period", "computed", "covered", "expected", "indicator__aggregation")
        ),
        "printed": list(
            visible.filter(
                indicator_id__in=monthly_ids,
                unit__level="province",
                period__gte=add_months(PERIOD, -12),
                period__lte=PERIOD,
            ).values_list("indicator_id", "period", "value")
        ),
        "counts": list(
            visible.filter(period=PERIOD, unit__level__in=d.COMPARED_LEVELS)
            .values("indicator_id")
            .annotate(
                reported=Count("id"),
                met=Count("id", filter=Q(status__status="met")),
                not_met=Count("id", filter=Q(status__status="not_met")),
                in_progress=Count("id", filter=Q(status__status="in_progress")),
            )
            .order_by()
        ),
        "completeness": list(
            Completeness.objects.filter(period=PERIOD)
            .order_by("group", "unit__order", "unit__code")
            .values("group", "due_on", "reported_on", "unit__code", "unit__name", "unit__short_name")
        ),
        "flagged": list(
            visible.filter(period=PERIOD, status__flags__gt=0)
            .order_by("indicator__order", "indicator__code", "unit__order", "unit__code")
            .values(*d.VALUE_COLUMNS, **d.VALUE_JOINED)[: d.FLAG_LIST_LIMIT + 1]
        ),
    }
    return orjson.dumps(out, default=str)


def reference_indicator(user) -> bytes:
    indicator = Indicator.objects.values(*d.INDICATOR_FIELDS).get(code=INDICATOR)
    visible = DataValue.objects.visible_to(user)
    start = add_months(PERIOD, -(d.TREND_MONTHS - 1))
    out = {
        "indicator": indicator,
        "periods": list(
            visible.filter(indicator_id=indicator["id"])
            .order_by("-period")
            .values_list("period", flat=True)
            .distinct()
        ),
        "covered": list(
            ProvinceAggregate.objects.filter(indicator_id=indicator["id"]).values_list("period", "covered", "expected")
        ),
        "rows": list(
            visible.filter(indicator_id=indicator["id"], period=PERIOD)
            .order_by("unit__order", "unit__code")
            .values(*d.VALUE_COLUMNS, **d.VALUE_JOINED)
        ),
        "aggregates": list(
            ProvinceAggregate.objects.filter(
                indicator_id__in=[indicator["id"]], period__gte=start, period__lte=PERIOD
            ).values_list("indicator_id", "period", "computed", "covered", "expected", "indicator__aggregation")
        ),
        "printed": list(
            visible.filter(
                indicator_id__in=[indicator["id"]],
                unit__level="province",
                period__gte=start,
                period__lte=PERIOD,
            ).values_list("indicator_id", "period", "value")
        ),
    }
    return orjson.dumps(out, default=str)


# ------------------------------------------------------------------------------------------ timing
AUTH_TABLES = ("django_session", "auth_user", "auth_group")


def _without_auth(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not any(f'"{t}"' in q["sql"] for t in AUTH_TABLES)]


def page_sql(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return _without_auth(ctx)


def reference_sql(fn, user) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn(user)
    return _without_auth(ctx)


def alternate(product, reference, runs):
    tp, tr = [], []
    for _ in range(runs):
        for fn, out in ((product, tp), (reference, tr)):
            gc.collect()
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return tp, tr


def row(name, tp, tr, queries):
    mp, mr = statistics.median(tp), statistics.median(tr)
    ratio = mp / mr
    status = "ok" if ratio <= 3 else "FAIL"
    return (
        f"| {name} | {queries} | {min(tp) * 1000:.1f} / {mp * 1000:.1f} / {max(tp) * 1000:.1f} | "
        f"{min(tr) * 1000:.1f} / {mr * 1000:.1f} / {max(tr) * 1000:.1f} | {ratio:.2f}× ({status}, ≤ 3×) |"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_catalogue()
    n = generate()
    print(f"{n:,} values", flush=True)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = create_or_update_user("b6-viewer", role="viewer", password="b6-viewer-pw")[0]
    client = Client()
    client.force_login(user)
    rows = []
    for name, path, reference in (
        ("B6 overview `/`", f"/?period={PERIOD}", reference_overview),
        (
            f"B6 indicator page `/indicators/{INDICATOR}/`",
            f"/indicators/{INDICATOR}/?period={PERIOD}",
            reference_indicator,
        ),
    ):
        product_queries = page_sql(client, path)
        reference_queries = reference_sql(reference, user)
        if product_queries != reference_queries:
            print(f"{name}: the reference does not run the page's queries", file=sys.stderr)
            for a, b in zip(product_queries, reference_queries, strict=False):
                if a != b:
                    print(f"  page:      {a}\n  reference: {b}", file=sys.stderr)
            sys.exit(1)
        print(f"{name}: {len(product_queries)} queries (+ session, user, groups)", flush=True)
        tp, tr = alternate(lambda p=path: client.get(p), lambda r=reference: r(user), args.runs)
        for k, (a, b) in enumerate(zip(tp, tr, strict=True)):
            print(f"  run {k + 1}: page {a * 1000:.1f} ms, queries {b * 1000:.1f} ms", flush=True)
        rows.append(row(name, tp, tr, len(product_queries)))
    print()
    print(
        "| Benchmark | queries | page min / median / max (ms) | `.values()` + orjson min / median / max (ms) | ratio |"
    )
    print("|---|---|---|---|---|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
