"""The incremental recompute leaves the rows a full recompute would (SQLite and PostgreSQL).

Every test builds a history, computes it in full, writes (a new month, a correction of an earlier month,
a deleted value, a blanked value, a new unit's first report), lets the incremental path run, snapshots
every derived row, then runs the full recompute and compares.

The one deliberate difference (see `SeriesStats` and `engine.EXACT_STATS_PAIRS`): a write touching more
than `EXACT_STATS_PAIRS` pairs judges outliers against the series statistics of the last full recompute,
so the OUTLIER bit of the touched pairs' rows may differ until the nightly full recompute. Every other
column and bit is equal.
"""

import random
from decimal import Decimal

import pytest

from indicators import engine
from indicators.choices import Measure, QualityFlag
from indicators.models import Completeness, DataValue, ProvinceAggregate, SeriesStats, ValueStatus
from indicators.services import ValueInput, record_values
from indicators.status import FLAG_BITS
from tests.factories import IndicatorFactory, TargetFactory, UnitFactory
from units.models import Unit

D = Decimal
OUTLIER = FLAG_BITS[QualityFlag.OUTLIER]

pytestmark = pytest.mark.django_db

PERIODS = [f"2022-{m:02d}" for m in range(6, 13)] + [f"2023-{m:02d}" for m in range(1, 11) if m != 7]
STATUS_FIELDS = [
    "target_id",
    "target_value",
    "status",
    "progress",
    "previous_period",
    "previous_value",
    "change",
    "change_pct",
    "change_text",
    "increment",
    "flags",
    "tiers",
]


def status_rows(ignore_outlier=False):
    rows = {}
    for row in ValueStatus.objects.values("data_value_id", *STATUS_FIELDS):
        if ignore_outlier:
            row["flags"] &= ~OUTLIER
        rows[row.pop("data_value_id")] = row
    return rows


def aggregate_rows():
    return list(
        ProvinceAggregate.objects.order_by("indicator_id", "period").values_list(
            "indicator_id", "period", "computed", "printed", "unit_count", "mismatch", "message"
        )
    )


def completeness_rows():
    return list(
        Completeness.objects.order_by("period", "group", "unit_id").values_list(
            "period", "group", "unit_id", "due_on", "reported_on"
        )
    )


def stats_rows():
    return sorted(SeriesStats.objects.values_list("indicator_id", "unit_id", "median", "mad", "count"))


@pytest.fixture
def history(catalogue):
    """Four indicators (percent, lower-is-better count, year-to-date, since-start) x four districts x
    16 months with gaps, blanks, a deadline and an outlier or two; the province prints a total."""
    rng = random.Random(5)
    units = [UnitFactory(code=f"INC-{k}", level="district") for k in range(4)]
    province = Unit.objects.get(code="BP")
    specs = [
        ("INC-PCT", Measure.PERCENT, "up", "", ">=", 80, "mean"),
        ("INC-DOWN", Measure.COUNT, "down", "", "<=", 10, "sum"),
        ("INC-YTD", Measure.COUNT, "up", "ytd", ">=", 100, "sum"),
        ("INC-CUM", Measure.COUNT, "up", "since_start", ">=", 300, "sum"),
    ]
    indicators = []
    values = []
    for code, measure, direction, cumulative, cmp, tval, aggregation in specs:
        ind = IndicatorFactory(
            code=code,
            group="DVC",
            measure=measure,
            direction=direction,
            cumulative=cumulative,
            aggregation=aggregation,
            reported_by=["district"],
        )
        indicators.append(ind)
        for year in (2022, 2023):
            TargetFactory(indicator=ind, year=year, level="district", comparator=cmp, value=tval)
        for unit in units:
            level = D(rng.randint(0, 40))
            for period in PERIODS:
                if rng.random() < 0.1:
                    continue
                if rng.random() < 0.05:
                    v = None
                elif measure == Measure.PERCENT:
                    v = D(rng.randint(7000, 10000)) / 100 if rng.random() > 0.05 else D("12.5")
                else:
                    level += rng.randint(-3, 20)
                    v = level
                values.append(DataValue(indicator=ind, unit=unit, period=period, value=v, source="import"))
        for period in PERIODS[::3]:
            values.append(
                DataValue(indicator=ind, unit=province, period=period, value=D(90), source="import")
            )
    # A series without spread (MAD 0: nothing is an outlier) until November's 70 % gives it some; then
    # December 2022's 90 % is 13.5 modified z-scores from the median.
    flip = UnitFactory(code="INC-FLIP", level="district")
    for period, v in zip(PERIODS, [80, 80, 80, 80, 81, 79, 90], strict=False):
        values.append(
            DataValue(indicator=indicators[0], unit=flip, period=period, value=D(v), source="import")
        )
    DataValue.objects.bulk_create(values)
    engine.recompute_all()
    return indicators, units


def flip_december():
    return ValueStatus.objects.get(
        data_value__indicator__code="INC-PCT", data_value__unit__code="INC-FLIP", data_value__period="2022-12"
    )


def write(staff, capture, history):
    """A month's workbook, a correction, a delete, a blank and a new unit, through the service (the
    recompute runs on commit as in production), plus a delete the way an undo does it."""
    indicators, units = history
    newcomer = UnitFactory(code="INC-NEW", level="district")
    rows = []
    for ind in indicators:
        for k, unit in enumerate(units):
            rows.append(
                ValueInput(
                    ind.code, unit.code, "2023-11", D(95 if k else 3) if ind.measure == "percent" else D(500)
                )
            )
        rows.append(ValueInput(ind.code, newcomer.code, "2023-11", D(50)))
        rows.append(ValueInput(ind.code, units[1].code, "2023-03", D(61)))  # an earlier month corrected
        rows.append(ValueInput(ind.code, units[2].code, "2023-05", None))  # blanked
    rows.append(ValueInput("INC-PCT", "INC-FLIP", "2023-11", D(70)))
    with capture(execute=True):
        record_values(rows, user=staff, source="form")
    # An undo deletes a value and reports the pair from that period on.
    gone = DataValue.objects.filter(
        indicator=indicators[0], unit=units[3], period__in=["2023-02", "2023-01"]
    ).first()
    pairs = {(gone.indicator_id, gone.unit_id): gone.period}
    gone.delete()
    engine.recompute_pairs(pairs)


def test_a_small_write_leaves_exactly_what_a_full_recompute_gives(
    staff, django_capture_on_commit_callbacks, history
):
    assert flip_december().flags & OUTLIER == 0
    write(staff, django_capture_on_commit_callbacks, history)
    assert flip_december().flags & OUTLIER  # an untouched earlier row, re-judged
    incremental = (status_rows(), aggregate_rows(), completeness_rows(), stats_rows())

    engine.recompute_all()

    full = (status_rows(), aggregate_rows(), completeness_rows(), stats_rows())
    assert incremental[0] == full[0]
    assert incremental[1:] == full[1:]
    assert any(row["flags"] & OUTLIER for row in full[0].values())  # the outlier bit was exercised


def test_a_bulk_write_differs_from_a_full_recompute_only_in_the_outlier_bit(
    staff, django_capture_on_commit_callbacks, history, monkeypatch
):
    monkeypatch.setattr(engine, "EXACT_STATS_PAIRS", 0)  # every write takes the bulk path …
    monkeypatch.setattr(engine, "HASH_JOIN_PAIRS", 0)  # … with the large-scope plan on PostgreSQL
    stats_before = stats_rows()
    write(staff, django_capture_on_commit_callbacks, history)
    assert stats_rows() == stats_before  # the bulk path reads the statistics, never writes them
    incremental = status_rows(ignore_outlier=True)
    assert flip_december().flags & OUTLIER == 0  # stale until the next full recompute …

    engine.recompute_all()

    assert incremental == status_rows(ignore_outlier=True)
    assert flip_december().flags & OUTLIER  # … which the nightly job runs


def test_a_bulk_write_judges_new_values_against_the_last_full_statistics(
    staff, django_capture_on_commit_callbacks, history, monkeypatch
):
    """INC-PCT unit 0 gets 3 % in November: far below its history of 70–100 %, flagged at once."""
    monkeypatch.setattr(engine, "EXACT_STATS_PAIRS", 0)
    write(staff, django_capture_on_commit_callbacks, history)
    row = ValueStatus.objects.get(
        data_value__indicator__code="INC-PCT", data_value__unit__code="INC-0", data_value__period="2023-11"
    )
    assert row.flag_list == [QualityFlag.OUTLIER]


def test_a_new_month_alone_is_inserted_and_equals_a_full_recompute(history):
    """Values of a month nobody reported before have no status rows yet: the pass inserts them (no
    upsert), and a unit's first report and a report after a gap still find their previous report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    indicators, units = history
    newcomer = UnitFactory(code="INC-FIRST", level="district")
    late = DataValue.objects.filter(indicator=indicators[1], unit=units[0], period="2023-10")
    late.delete()  # units[0] skips October: its November row's previous report is further back
    engine.recompute_all()
    rows = [
        DataValue(indicator=ind, unit=unit, period="2023-11", value=D(77), source="import")
        for ind in indicators
        for unit in [*units, newcomer]
    ]
    DataValue.objects.bulk_create(rows)
    pairs = {(dv.indicator_id, dv.unit_id): "2023-11" for dv in rows}
    with CaptureQueriesContext(connection) as queries:
        engine.recompute_pairs(pairs)
    inserts = [
        q["sql"] for q in queries if q["sql"].lstrip().startswith("INSERT INTO indicators_valuestatus")
    ]
    assert len(inserts) == 1 and "ON CONFLICT" not in inserts[0]
    incremental = (status_rows(), aggregate_rows(), completeness_rows())
    gap = ValueStatus.objects.get(
        data_value__indicator=indicators[1], data_value__unit=units[0], data_value__period="2023-11"
    )
    first = ValueStatus.objects.get(
        data_value__indicator=indicators[1], data_value__unit=newcomer, data_value__period="2023-11"
    )
    expected_previous = (
        DataValue.objects.filter(
            indicator=indicators[1], unit=units[0], period__lt="2023-11", value__isnull=False
        )
        .order_by("-period")
        .values_list("period", "value")
        .first()
    )
    assert (gap.previous_period, gap.previous_value) == expected_previous
    assert expected_previous[0] < "2023-10"
    assert (first.previous_period, first.previous_value) == ("", None)

    engine.recompute_all()

    assert incremental == (status_rows(), aggregate_rows(), completeness_rows())


def test_an_incremental_recompute_plans_without_jit_and_restores_the_settings(
    postgres, staff, django_capture_on_commit_callbacks, history, monkeypatch
):
    """The incremental pass turns JIT compilation off (its cost estimate grows with the history:
    100 ms of compiling for a 60,000-value month after 100 months) and, for a large scope, nested
    loops and merge joins; inside a caller's transaction the caller's settings come back afterwards."""
    from django.db import connection

    monkeypatch.setattr(engine, "HASH_JOIN_PAIRS", 0)
    seen = []

    def observe(execute, sql, params, many, context):
        if "tmp_status_scope" in sql and "INSERT INTO indicators_valuestatus" in sql:
            raw = context["cursor"].cursor if hasattr(context["cursor"], "cursor") else context["cursor"]
            raw.execute(
                "SELECT current_setting('jit'), current_setting('enable_nestloop'), "
                "current_setting('enable_mergejoin'), current_setting('work_mem')"
            )
            seen.append(raw.fetchone())
        return execute(sql, params, many, context)

    with connection.cursor() as c:
        c.execute("SET jit = on")
        with connection.execute_wrapper(observe):
            write(staff, django_capture_on_commit_callbacks, history)
        c.execute(
            "SELECT current_setting('jit'), current_setting('enable_nestloop'), "
            "current_setting('enable_mergejoin'), current_setting('work_mem')"
        )
        after = c.fetchone()
    assert seen and set(seen) == {("off", "off", "off", "64MB")}
    assert after == ("on", "on", "on", "4MB")
