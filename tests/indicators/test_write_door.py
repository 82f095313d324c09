"""The write door (`indicators.services.record_values`): the per-value checks on every channel, the
change log it writes, and its two backends giving the same rows."""

from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from entry.services.rows import check_row
from indicators.checks import check_value, plainly_valid
from indicators.models import DataValue, Indicator, ValueChange
from indicators.services import BULK_MIN, RecordValuesError, ValueInput, record_values
from indicators.services import bulk as _bulk
from indicators.services import door as _door
from indicators.services import rows as _rows
from tests.api.conftest import token_client
from tests.change_log import chain_breaks
from units.models import Unit

URL = "/api/v1/values/"
NEGATIVE_PERCENT = "Tỷ lệ -5% là số âm"
NEGATIVE_COUNT = '"-3" là số âm; số lượng không thể âm'
ABOVE_100 = "Tỷ lệ 150% lớn hơn 100%; hãy xác nhận nếu đúng"


@pytest.fixture
def api(staff):
    return token_client(staff)


def form_messages(code, typed):
    """What the entry form says about the same number typed into it."""
    check = check_row(Indicator.objects.get(code=code), typed)
    return [m for messages in check.errors.values() for m in messages], check.warnings


# ---- the API refuses and warns as the form does -------------------------------------------------


def test_the_api_refuses_a_negative_percent_with_the_forms_message(api):
    assert form_messages("DVC-SVC-RATE", "-5")[0] == [NEGATIVE_PERCENT]
    response = api.post(
        URL, {"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": "2023-08", "value": -5}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"index": 0, "field": "value", "message": NEGATIVE_PERCENT}]
    put = api.put(URL + "DVC-SVC-RATE/BUDOP/2023-08/", {"value": -5}, format="json")
    assert (put.status_code, put.json()["errors"]) == (
        400,
        [{"index": 0, "field": "value", "message": NEGATIVE_PERCENT}],
    )
    assert DataValue.objects.count() == ValueChange.objects.count() == 0


def test_the_api_refuses_a_negative_count_with_the_forms_message(api):
    assert form_messages("APP-BPTODAY-USERS", "-3")[0] == [NEGATIVE_COUNT]
    for value in (-3, "-3"):
        response = api.post(
            URL,
            [
                {"indicator": "APP-BPTODAY-USERS", "unit": "BUDOP", "period": "2023-08", "value": 1039},
                {"indicator": "APP-BPTODAY-USERS", "unit": "DONGXOAI", "period": "2023-08", "value": value},
            ],
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"] == [{"index": 1, "field": "value", "message": NEGATIVE_COUNT}]
    assert DataValue.objects.count() == 0  # all or nothing


def test_the_api_stores_150_percent_and_answers_the_forms_warning(api):
    assert form_messages("DVC-SVC-RATE", "150") == ([], [ABOVE_100])
    response = api.post(
        URL, {"indicator": "DVC-SVC-RATE", "unit": "BUDOP", "period": "2023-08", "value": 150}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == [{"index": 0, "field": "value", "message": ABOVE_100}]
    put = api.put(URL + "DVC-SVC-RATE/DONGXOAI/2023-08/", {"value": 150}, format="json")
    assert put.status_code == 201
    assert (put.json()["value"], put.json()["warnings"]) == (
        150,
        [{"index": 0, "field": "value", "message": ABOVE_100}],
    )
    patch = api.patch(URL + "DVC-SVC-RATE/DONGXOAI/2023-08/", {"value": 90}, format="json")
    assert (patch.status_code, patch.json()["warnings"]) == (200, [])
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [D("90"), D("150")]


# ---- the door itself ------------------------------------------------------------------------------


def test_the_door_refuses_what_check_value_refuses_on_every_channel(staff):
    for source in ("form", "api", "import", "undo"):
        with pytest.raises(RecordValuesError) as refused:
            record_values(
                [
                    ValueInput("DVC-SVC-RATE", "BUDOP", "2023-08", D("-5")),
                    ValueInput(
                        "SW-QLVB-RATE", "SNV", "2023-08", D("90"), numerator=D("1100"), denominator=D("1000")
                    ),
                ],
                user=staff,
                source=source,
            )
        assert refused.value.messages == [
            f"Mục 1: {NEGATIVE_PERCENT}",
            "Mục 2: Tử số (1.100) lớn hơn mẫu số (1.000)",
        ]
    assert DataValue.objects.count() == 0


def test_the_door_returns_a_cumulative_drop_as_a_warning(staff):
    record_values([ValueInput("TAX-FEE-COUNT-YTD", "BUDOP", "2023-07", D("500"))], user=staff, source="form")
    result = record_values(
        [ValueInput("TAX-FEE-COUNT-YTD", "BUDOP", "2023-08", D("400"))], user=staff, source="api"
    )
    assert result.created == 1
    assert [(w.index, w.message) for w in result.warnings] == [
        (0, "Số lũy kế 400 thấp hơn kỳ trước (500); hãy xác nhận nếu đúng")
    ]
    # January starts the year again: no drop.
    again = record_values(
        [ValueInput("TAX-FEE-COUNT-YTD", "BUDOP", "2024-01", D("10"))], user=staff, source="api"
    )
    assert again.warnings == []


def test_numbers_the_column_cannot_hold_are_refused_with_a_message(staff):
    with pytest.raises(RecordValuesError) as refused:
        record_values(
            [ValueInput("APP-BPTODAY-USERS", "BUDOP", "2023-08", D("1e18"))], user=staff, source="api"
        )
    assert refused.value.messages == ['Mục 1: "1E+18" quá lớn: tối đa 18 chữ số trước dấu thập phân']


@hypothesis_settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["percent", "count", "amount_vnd"]),
    st.one_of(
        st.none(),
        st.decimals(min_value=-1000, max_value=100000, places=3, allow_nan=False, allow_infinity=False),
        st.integers(min_value=-5, max_value=105).map(D),
    ),
)
def test_plainly_valid_is_exactly_check_value_having_nothing_to_say(measure, value):
    class Meta:
        code, cumulative = "ANY", ""

    Meta.measure = measure
    check = check_value(Meta, value)
    assert plainly_valid(measure, value) == (check.ok and not check.warnings)


# ---- the two backends -----------------------------------------------------------------------------


def _scenario(staff, chunk):
    """Write 1,200 values, then change half of them, blank a note and record some absent, in writes of
    `chunk` values; returns the change rows and the values left."""
    units = list(Unit.objects.filter(level="district").order_by("code").values_list("code", flat=True)[:10])
    months = [f"{y}-{m:02d}" for y in range(2010, 2020) for m in range(1, 13)]
    keys = [(u, p) for u in units for p in months]

    def write(items):
        for start in range(0, len(items), chunk):
            record_values(items[start : start + chunk], user=staff, source="import", batch=7)

    write(
        [
            ValueInput(
                "DVC-SVC-RATE",
                u,
                p,
                D(k % 100),
                numerator=D(k % 100),
                denominator=D(100),
                note="a" if k % 3 else "",
            )
            for k, (u, p) in enumerate(keys)
        ]
    )
    write(
        [
            ValueInput("DVC-SVC-RATE", u, p, None, absent=True)
            if k % 10 == 0
            else ValueInput("DVC-SVC-RATE", u, p, D(k % 100) + (k % 2), note="")
            for k, (u, p) in enumerate(keys)
        ]
    )
    changes = list(
        ValueChange.objects.order_by("unit_id", "period", "id").values_list(
            "batch_id",
            "unit__code",
            "period",
            "action",
            "value_before",
            "value_after",
            "numerator_before",
            "numerator_after",
            "denominator_before",
            "denominator_after",
            "tiers_before",
            "tiers_after",
            "note_before",
            "note_after",
            "source",
        )
    )
    values = sorted(
        DataValue.objects.values_list(
            "unit__code", "period", "value", "numerator", "denominator", "note", "source"
        )
    )
    assert chain_breaks() == []
    return changes, values


def test_the_bulk_and_the_row_backends_write_the_same_values_and_change_rows(postgres, staff):
    outcomes = []
    for chunk in (1200, BULK_MIN - 1):  # one COPY statement, then the row path twice over
        with transaction.atomic():
            outcomes.append(_scenario(staff, chunk))
            transaction.set_rollback(True)
    (bulk_changes, bulk_values), (row_changes, row_values) = outcomes
    assert len(bulk_changes) == 1200 + 1080 + 120  # created; changed; recorded absent
    assert bulk_changes == row_changes
    assert bulk_values == row_values
    assert connection.vendor == "postgresql"


def _pairs_and_counts(backend, items):
    plan, errors = _door._resolve(items, None)
    assert errors == []
    written = backend.write(items, plan, user_id=None, source="import", batch=None, want_keys=False)
    r = written.result
    return written.pairs, written.touched, (r.created, r.changed, r.deleted)


def test_both_backends_tell_the_engine_the_same_pairs_for_a_large_write(postgres, db):
    # A write too large for its keys (the bulk backend then takes the pairs from the staged values
    # when every one changed, and from the statement otherwise): the same (indicator, unit) → first
    # changed period and the same touched (unit, period) as the row backend, value by value.
    units = list(Unit.objects.filter(level="district").order_by("code").values_list("code", flat=True)[:6])
    months = [f"{y}-{m:02d}" for y in range(2010, 2020) for m in range(1, 13)]
    codes = ["DVC-SVC-RATE", "DVC-FILE-RATE"]
    first = [
        ValueInput(c, u, p, D(k % 90))
        for k, (c, u, p) in enumerate((c, u, p) for c in codes for u in units for p in months)
    ]
    # the second write changes only some values, from different months per series, and records some absent
    second = [
        ValueInput(v.indicator, v.unit, v.period, None, absent=True)
        if k % 97 == 0
        else ValueInput(
            v.indicator, v.unit, v.period, v.value + (1 if (k % 7 == 0 and v.period >= "2014-05") else 0)
        )
        for k, v in enumerate(first)
    ]
    answers = []
    for backend in (_bulk, _rows):
        with transaction.atomic():
            one = _pairs_and_counts(
                backend, [ValueInput(v.indicator, v.unit, v.period, v.value) for v in first]
            )
            two = _pairs_and_counts(backend, second)
            answers.append((one, two))
            transaction.set_rollback(True)
    (bulk_one, bulk_two), (rows_one, rows_two) = answers
    assert bulk_one == rows_one
    assert bulk_two == rows_two
    assert bulk_one[2] == (1440, 0, 0) and len(bulk_one[0]) == 12
    assert set(bulk_one[0].values()) == {"2010-01"}
    changed = sum(1 for k, v in enumerate(first) if k % 97 and k % 7 == 0 and v.period >= "2014-05")
    assert bulk_two[2] == (0, changed, len(range(0, 1440, 97)))


def test_a_month_nobody_wrote_is_inserted_and_a_later_write_upserts(postgres, staff):
    # The bulk backend inserts without ON CONFLICT when no staged (indicator, period) holds a value;
    # the values and change rows are the row backend's all the same (previous test). A month with one
    # stored value among 1,200 staged ones takes the upsert.
    from django.test.utils import CaptureQueriesContext

    units = list(Unit.objects.filter(level="district").order_by("code").values_list("code", flat=True)[:10])
    months = [f"{y}-{m:02d}" for y in range(2010, 2020) for m in range(1, 13)]
    items = [
        ValueInput("DVC-SVC-RATE", u, p, D(k % 100), note="x")
        for k, (u, p) in enumerate((u, p) for u in units for p in months)
    ]

    def statement(batch):
        with CaptureQueriesContext(connection) as queries:
            record_values(batch, user=staff, source="import")
        (sql,) = [q["sql"] for q in queries if "INSERT INTO indicators_valuechange" in q["sql"]]
        return sql

    assert "ON CONFLICT" not in statement(items)
    assert ValueChange.objects.filter(action="created", value_before=None, note_after="x").count() == 1200
    record_values([ValueInput("DVC-FILE-RATE", units[0], "2015-03", D(5))], user=staff, source="form")
    again = [ValueInput("DVC-FILE-RATE", v.unit, v.period, v.value) for v in items]
    assert "ON CONFLICT" in statement(again)
    assert DataValue.objects.filter(indicator__code="DVC-FILE-RATE").count() == 1200
    assert chain_breaks() == []
