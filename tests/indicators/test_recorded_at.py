"""The system may date an archived report's write (the demo's sample months, issue 17); nobody else."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.periods import add_months
from indicators.models import DataValue, ValueChange
from indicators.services import ValueInput, record_values

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(datetime.datetime(2023, 9, 9, 8, 0))


@pytest.mark.parametrize("count", [3, 1200])  # the row-by-row path and PostgreSQL's COPY path
def test_an_archived_write_keeps_the_day_it_was_reported(catalogue, count):
    periods = [add_months("2001-01", n) for n in range(count)]
    record_values(
        [ValueInput("HOT-RECEIVED", "BP", p, Decimal(n)) for n, p in enumerate(periods)],
        user=None,
        source="import",
        recorded_at=AT,
    )
    assert set(DataValue.objects.values_list("created_at", flat=True)) == {AT}
    assert set(DataValue.objects.values_list("updated_at", flat=True)) == {AT}
    assert set(ValueChange.objects.values_list("created_at", flat=True)) == {AT}


def test_a_write_without_a_date_is_dated_now(catalogue):
    before = timezone.now()
    record_values([ValueInput("HOT-RECEIVED", "BP", "2023-08", Decimal(5))], user=None, source="api")
    assert DataValue.objects.get().created_at >= before


def test_only_the_system_may_date_a_write(reporter):
    with pytest.raises(ValueError):
        record_values(
            [ValueInput("DVC-SVC-RATE", "DONGXOAI", "2023-08", Decimal(5))],
            user=reporter,
            source="form",
            recorded_at=AT,
        )
    assert not DataValue.objects.exists()
