"""Who sees what on the dashboards (every persona and anonymous), and a fixed number of queries per page
whatever the amount of data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.engine import recompute_all
from indicators.services import ValueInput, record_values
from units.models import Unit

pytestmark = pytest.mark.django_db

PAGES = [
    "/?period=2023-08",
    "/indicators/DVC-SVC-RATE/?period=2023-08",
    "/indicators/DVC-SVC-RATE/tai-ve.csv?period=2023-08",
    "/units/DONGXOAI/?period=2023-08",
    "/rankings/DVC/?period=2023-08",
    "/dti/2023/",
]
# Queries per page, including the session, the user and the user's groups (3).
MAX_QUERIES = {  # the first request of a page (nothing cached), including the data version's query
    # 12 + the plan's overview line (core.overview) + the months' coverage + the like-with-like
    # roll-up of a partial month's changes (indicators/coverage.py)
    "/?period=2023-08": 15,
    "/indicators/DVC-SVC-RATE/?period=2023-08": 12,  # + the indicator's coverage + like-with-like
    "/indicators/DVC-SVC-RATE/tai-ve.csv?period=2023-08": 7,  # + the indicator's coverage
    "/units/DONGXOAI/?period=2023-08": 15,  # + the months' coverage + the peers that must report
    "/rankings/DVC/?period=2023-08": 8,  # + the months' coverage
    "/dti/2023/": 7,
}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", ["staff", "reporter", "outsider", "viewer"])
@pytest.mark.parametrize("path", PAGES)
def test_every_persona_gets_every_page(client, august, personas, persona, path):
    client.force_login(personas[persona])
    assert client.get(path).status_code == 200


@pytest.fixture
def drafts(august, reporter, outsider):
    """Đồng Xoài's and Bù Đốp's reporters each save a new August figure: their August values become
    drafts (issue 7), seen only by staff and the unit's own reporter until approved."""
    record_values(
        [ValueInput("DVC-FILE-RATE", "DONGXOAI", "2023-08", Decimal(85))], user=reporter, source="form"
    )
    record_values(
        [ValueInput("DVC-FILE-RATE", "BUDOP", "2023-08", Decimal(90))], user=outsider, source="form"
    )
    recompute_all()


@pytest.mark.parametrize(
    "persona, count, dongxoai, budop",
    [
        ("staff", 27, Decimal(85), Decimal(90)),
        ("reporter", 26, Decimal(85), None),
        ("outsider", 26, None, Decimal(90)),
        ("viewer", 25, None, None),
    ],
)
def test_the_indicator_table_shows_only_visible_values(
    client, drafts, personas, persona, count, dongxoai, budop
):
    client.force_login(personas[persona])
    response = client.get("/indicators/DVC-FILE-RATE/?period=2023-08")
    values = {r["unit_code"]: r["value"] for r in response.context["rows"]}
    assert (len(values), values.get("DONGXOAI"), values.get("BUDOP")) == (count, dongxoai, budop)
    csv_lines = (
        client.get("/indicators/DVC-FILE-RATE/tai-ve.csv?period=2023-08").content.decode().splitlines()
    )
    assert len(csv_lines) == 1 + count


def test_other_units_drafts_stay_hidden_everywhere(client, drafts, outsider, viewer):
    client.force_login(outsider)
    unit = client.get("/units/DONGXOAI/?period=2023-08")
    rows = {r["indicator"]["code"]: r for r in unit.context["rows"]}
    # Only July is published for Đồng Xoài: the page says the figure is July's.
    assert (rows["DVC-FILE-RATE"]["latest"]["period"], rows["DVC-FILE-RATE"]["latest"]["value"]) == (
        "2023-07",
        Decimal("93.3"),
    )
    assert "Số liệu tháng 7/2023" in unit.content.decode()
    ranking = client.get("/rankings/APP/?period=2023-08").context["tables"][0]
    assert "DONGXOAI" not in [r["unit_code"] for r in ranking["ranked"]]
    assert "BUDOP" in [r["unit_code"] for r in ranking["ranked"]]
    client.force_login(viewer)
    overview = client.get("/?period=2023-08")
    file_rate = next(
        i for g in overview.context["groups"] for i in g["items"] if i["indicator"]["code"] == "DVC-FILE-RATE"
    )
    assert (file_rate["met"], file_rate["judged"]) == (25, 25)


@pytest.mark.parametrize("path", PAGES)
def test_each_page_runs_a_fixed_number_of_queries(client, august, django_assert_max_num_queries, path):
    client.force_login(august)
    with django_assert_max_num_queries(MAX_QUERIES[path]):
        assert client.get(path).status_code == 200


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_data(client, august):
    client.force_login(august)
    before = {path: _count(client, path) for path in PAGES}
    # Twelve more months of every DVC and app value for every agency and district.
    units = list(Unit.objects.filter(level__in=["agency", "district"]).values_list("code", "level"))
    values = [
        ValueInput(code, unit, f"2022-{month:02d}", Decimal(50 + month))
        for month in range(1, 13)
        for unit, level in units
        for code in ("DVC-SVC-RATE", "DVC-FILE-RATE", *(["APP-BPTODAY-USERS"] if level == "district" else []))
    ]
    record_values(values, user=august, source="form")
    recompute_all()
    after = {path: _count(client, path) for path in PAGES}
    assert after == before
