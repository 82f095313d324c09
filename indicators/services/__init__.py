"""Workflows that write indicator values. `record_values` (the write door, `door.py`) is the only code
that inserts, updates or deletes `DataValue` rows; views, the API, the importer, undo, tasks and
commands call it and never see each other. Every change leaves a `ValueChange` row."""

from .door import BULK_MIN, KEYS_LIMIT, lock_periods, record_values
from .values import (
    ItemError,
    PeriodLocked,
    RecordResult,
    RecordValuesError,
    ValueInput,
    decimal_text,
    tiers_json,
)

__all__ = [
    "BULK_MIN",
    "KEYS_LIMIT",
    "ItemError",
    "PeriodLocked",
    "RecordResult",
    "RecordValuesError",
    "ValueInput",
    "decimal_text",
    "lock_periods",
    "record_values",
    "tiers_json",
]
