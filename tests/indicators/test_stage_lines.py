"""The bulk backend's COPY text: whatever a cell's raw text and note hold (tabs, newlines, backslashes,
other control characters, long texts), PostgreSQL reads back exactly the text, cut at 500 characters
for `raw`, and each value lands in its own row."""

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.services.bulk import ChunkReader, stage_lines

pytestmark = pytest.mark.django_db


@dataclass
class Item:
    indicator: str
    unit: str
    period: str
    value: Decimal | None
    raw: str = ""
    note: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    tiers: dict | None = None
    flags: list = field(default_factory=list)


PLAN = SimpleNamespace(indicators={"I": SimpleNamespace(id=7)}, unit_ids={"U": 9})
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=600
)


@given(
    texts=st.lists(st.tuples(TEXT, TEXT, st.booleans()), min_size=1, max_size=8),
    chunk=st.integers(1, 4),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_raw_and_note_come_back_exactly(postgres, texts, chunk):
    items = [
        Item("I", "U", "2023-08", None if empty else Decimal(n), raw=raw, note=note)
        for n, (raw, note, empty) in enumerate(texts)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE value_stage (indicator_id bigint, unit_id bigint, period varchar(7), "
            "present boolean, value numeric, numerator numeric, denominator numeric, tiers jsonb, "
            "raw varchar(500), note text, flags jsonb) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert(
            "COPY value_stage FROM STDIN", ChunkReader(stage_lines(items, PLAN, chunk, deletes=False))
        )
        cursor.execute("SELECT indicator_id, unit_id, present, value, raw, note FROM value_stage")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE value_stage")  # the test's own transaction never commits
    expected = [
        (7, 9, True, v.value, (v.raw or ("" if v.value is None else str(v.value)))[:500], v.note) for v in items
    ]
    assert sorted(rows, key=repr) == sorted(expected, key=repr)
