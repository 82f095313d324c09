"""The cache of dashboard pages and values API answers (indicators/cache.py): one rendering per
visibility scope and data version, the per-user frame rendered for each request, every committed
change shown at once, no scope seeing another's drafts, and pages served when the cache is down."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from indicators.engine import recompute_all
from indicators.models import DataVersion, Indicator, Target
from indicators.services import ValueInput, record_values
from units.services import create_or_update_user

pytestmark = pytest.mark.django_db

PAGE = "/indicators/DVC-FILE-RATE/?period=2023-08"
API = "/api/v1/values/?indicator=DVC-FILE-RATE&period=2023-08"


def row(html: str, unit: str) -> tuple[str, str, str]:
    """(value, status, change) cells of ``unit``'s row in the indicator table."""
    match = re.search(rf'<tr data-unit="{unit}".*?</tr>', html, re.S)
    assert match, f"no row for {unit}"
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(0), re.S)]
    return cells[2], cells[4], cells[5]


def get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_one_rendering_serves_a_scope_and_each_reader_gets_its_own_frame(client, august, viewer):
    second = create_or_update_user("bcd2", role="viewer", full_name="Trần Thị Hai", password="pw")[0]
    client.force_login(viewer)
    first, first_queries = get(client, PAGE)
    client.force_login(second)
    again, again_queries = get(client, PAGE)
    # session, user, groups, data version: the page itself came from the cache.
    assert (first_queries, again_queries) == (11, 4)  # 9 + the coverage and the like-with-like roll-up
    assert row(again, "DONGXOAI") == row(first, "DONGXOAI") == ("82,1%", "✓ Đạt", "▼ Giảm 11,2%")
    assert "Trần Thị Hai" in again and "Trần Thị Hai" not in first
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1) for html in (first, again)]
    assert tokens[0] != tokens[1]
    assert first.split("<main>")[1].split("</main>")[0] == again.split("<main>")[1].split("</main>")[0]


def test_a_committed_write_and_its_recomputed_status_show_at_once(
    client, august, staff, viewer, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    assert row(get(client, PAGE)[0], "DONGXOAI") == ("82,1%", "✓ Đạt", "▼ Giảm 11,2%")
    # The write commits (its audit entry is the new version); its recompute has not run yet.
    record_values([ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal("47.5"))], user=staff, source="form")
    assert row(get(client, PAGE)[0], "DONGXOAI") == ("47,5%", "✓ Đạt", "▼ Giảm 11,2%")
    # The recompute commits: it writes no audit entry, its bump makes the statuses show.
    with django_capture_on_commit_callbacks(execute=True):
        recompute_all()
    assert row(get(client, PAGE)[0], "DONGXOAI") == ("47,5%", "✗ Không đạt", "▼ Giảm 45,8%")


def test_a_target_edit_shows_at_once(client, august, viewer, django_capture_on_commit_callbacks):
    client.force_login(viewer)
    assert row(get(client, PAGE)[0], "DONGXOAI")[1] == "✓ Đạt"
    token = DataVersion.objects.get(pk=1).token
    target = Target.objects.get(indicator=Indicator.objects.get(code="DVC-FILE-RATE"), level="district")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        target.value = Decimal(90)
        target.save()  # the admin's path: a saved target bumps the version once it commits
    assert DataVersion.objects.get(pk=1).token == token
    for callback in callbacks:
        callback()
    assert DataVersion.objects.get(pk=1).token != token
    with django_capture_on_commit_callbacks(execute=True):
        recompute_all()
    assert row(get(client, PAGE)[0], "DONGXOAI") == ("82,1%", "✗ Không đạt", "▼ Giảm 11,2%")


def test_no_scope_sees_another_scopes_drafts_from_the_cache(client, august, reporter, outsider, viewer, staff):
    record_values([ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal(85))], user=reporter, source="form")
    record_values([ValueInput("DVC-FILE-RATE", "BUDOP", "2023-08", Decimal(90))], user=outsider, source="form")
    recompute_all()
    seen = {}
    # Each persona twice, in turn, on one shared cache: the second round is served from it.
    for _ in range(2):
        for persona in (reporter, outsider, viewer, staff):
            client.force_login(persona)
            html = get(client, PAGE)[0]
            seen.setdefault(persona.username, set()).add(
                (
                    re.search(r'<tr data-unit="DONGXOAI".*?</tr>', html, re.S) is not None,
                    re.search(r'<tr data-unit="BUDOP".*?</tr>', html, re.S) is not None,
                )
            )
    # A unit whose month is a draft has no row for those who may not see it.
    assert seen == {
        reporter.username: {(True, False)},
        outsider.username: {(False, True)},
        viewer.username: {(False, False)},
        staff.username: {(True, True)},
    }


def test_the_values_api_answers_from_the_cache_as_it_would_without_it(client, august, staff, viewer, settings):
    api = client
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=viewer).key}"}
    with CaptureQueriesContext(connection) as cold:
        first = api.get(API, **headers)
    with CaptureQueriesContext(connection) as warm:
        second = api.get(API, **headers)
    assert (len(cold), len(warm)) == (5, 3)  # token, groups, version (+ indicator codes, rows)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert api.get(API, HTTP_IF_NONE_MATCH=first["ETag"], **headers).status_code == 304
    settings.PAGE_CACHE_SECONDS = 0
    assert api.get(API, **headers).content == first.content
    settings.PAGE_CACHE_SECONDS = 600
    dongxoai = next(r for r in first.json()["results"] if r["unit"] == "DONGXOAI")
    assert (dongxoai["value"], dongxoai["status"], dongxoai["change_text"]) == (82.1, "met", "Giảm 11,2%")
    record_values([ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal("47.5"))], user=staff, source="form")
    recompute_all()
    fresh = api.get(API, **headers)
    dongxoai = next(r for r in fresh.json()["results"] if r["unit"] == "DONGXOAI")
    assert (dongxoai["value"], dongxoai["status"], dongxoai["change_text"]) == (47.5, "not_met", "Giảm 45,8%")
    assert fresh["ETag"] != first["ETag"]


def test_pages_and_the_api_are_served_when_the_cache_is_down(client, august, viewer, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    client.force_login(viewer)
    html, _ = get(client, PAGE)
    assert row(html, "DONGXOAI") == ("82,1%", "✓ Đạt", "▼ Giảm 11,2%")
    results = client.get(API).json()["results"]
    assert {r["unit"]: r["value"] for r in results}["DONGXOAI"] == 82.1
    assert "Page cache unavailable (get); rendering without it" in caplog.text


def test_a_reader_waits_for_a_rendering_in_progress_then_renders_itself(client, august, viewer, monkeypatch):
    from django.core.cache import cache

    from indicators import cache as page_cache

    monkeypatch.setattr(page_cache, "RENDER_WAIT", 0.05)
    client.force_login(viewer)
    key = page_cache.key(page_cache.PUBLISHED, "dashboards/indicator_detail.html", PAGE)
    cache.add(key + ":lock", 1, 30)  # another process is rendering this page (or died doing it)
    assert row(get(client, PAGE)[0], "DONGXOAI") == ("82,1%", "✓ Đạt", "▼ Giảm 11,2%")
    assert "DONGXOAI" in cache.get(key)["content"]


def test_addresses_with_unknown_parameters_are_answered_but_not_cached(client, august, viewer):
    from django.core.cache import cache

    client.force_login(viewer)
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=viewer).key}"}
    for path in (PAGE + "&x=1", PAGE + "&unit=DONGXOAI", API + "&nonsense=2"):
        for _ in range(2):
            response = client.get(path, **(headers if path.startswith("/api/") else {}))
            assert response.status_code == 200 and b"DONGXOAI" in response.content

    def cached():  # the page cache's entries in LocMemCache's own dict (not the API throttle's)
        return [k for k in cache._cache if k.startswith(":1:cds:view:")]

    assert cached() == []
    get(client, PAGE)
    assert len(cached()) == 1
