"""The write door: `record_values` is the only code that inserts, updates or deletes `DataValue` rows —
for forms, the API, every import, undo and the demo data alike.

Inside it, in this order: the codes, scope, periods and numbers of every value (every problem is
collected); the per-value checks of `indicators.checks.check_value` (errors refuse, warnings come back
in the result); then, in one transaction, the period advisory locks, the approval lock
(`indicators.publication.locked_keys`, read under the submissions' row locks), the write with one
`ValueChange` per changed value, the reporter's draft bookkeeping (`values_written`) and the status
recompute (`values_changed`, enqueued on commit).

Two backends: `rows` (a diff in Python, then one bulk upsert; small writes, and SQLite) and `bulk`
(PostgreSQL: COPY into a temporary table, then one statement that upserts, deletes and logs).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction

from core.periods import is_period, period_message
from core.roles import Role, role_of
from units.models import Unit

from ..checks import check_value, plainly_valid
from ..models import DataValue, Indicator
from ..publication import locked_keys, values_written
from ..recompute import values_changed
from ..status import cumulative_kind
from . import bulk, rows
from .values import ItemError, PeriodLocked, RecordResult, RecordValuesError

# A write of at least this many values goes through COPY on PostgreSQL; fewer are diffed in Python
# (two queries either way, but COPY and a temporary table cost ~10 ms before they pay off).
BULK_MIN = 1000
# Up to this many values, the result lists the key of every value written (the API answers them).
KEYS_LIMIT = 10_000
# numeric(24, 6): 18 digits before the point.
LIMIT = Decimal(10) ** 18


@dataclass(frozen=True)
class Meta:
    """What the door needs of an indicator: its id and what check_value reads."""

    id: int
    code: str
    measure: str
    cumulative: str
    aggregation: str = ""


@dataclass
class Plan:
    """The resolved codes of a write: indicator code → Meta, unit code → id, and its periods."""

    indicators: dict[str, Meta]
    unit_ids: dict[str, int]
    periods: set[str]


def lock_periods(periods) -> None:
    """Serialise writers of the same months: every write (form, API, import, undo) takes these locks
    first inside its transaction, so a second writer waits and then reads what the first committed —
    its change log "before" is never stale and no update is lost. PostgreSQL transaction-level
    advisory locks, taken in sorted order (no deadlock), re-entrant within one transaction; SQLite
    already runs one writing transaction at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for period in sorted(set(periods)):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"cds-values-{period}"])


def record_values(
    values: Iterable,
    *,
    user,
    source: str,
    batch: int | None = None,
    dry_run: bool = False,
    recorded_at: datetime.datetime | None = None,
) -> RecordResult:
    """Record values (create, update, or with ``absent`` delete) in one transaction, all or nothing.

    ``user`` None is the system (management commands, the demo data): every unit, like staff.
    ``batch`` is the import batch the write belongs to (its commit or its undo); it is kept on the
    values and their change rows. Unchanged values are not touched.

    Raises `RecordValuesError` (every problem as an `ItemError`: unknown code, malformed period, a
    unit the user may not write, not a number, a duplicate, a refusal of `check_value`) or
    `PeriodLocked` (an approved month; a submitted one for reporters); then nothing is written.
    With ``dry_run`` everything is checked and counted and nothing is written.

    ``recorded_at`` dates the write (values and change rows) instead of now: only the system may
    (``user`` None), to load an archived report with the day it was reported — the demo's sample
    months — so the completeness engine does not count a 2023 report as sent years late.
    """
    if recorded_at is not None and user is not None:
        raise ValueError("recorded_at is for the system's archived imports only")
    items = values if isinstance(values, list) else list(values)
    plan, errors = _resolve(items, user)
    warnings = _check(items, plan, errors)
    if errors:
        errors.sort(key=lambda e: e.index)  # stable: each item's problems in the order found
        raise RecordValuesError(errors)
    want_keys = len(items) <= KEYS_LIMIT
    if dry_run:
        _refuse_locked(items, user, lock=False)
        result = rows.count(items, plan, want_keys=want_keys)
        result.warnings = warnings
        return result
    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    with transaction.atomic():
        lock_periods(plan.periods)
        _refuse_locked(items, user, lock=True)
        backend = bulk if connection.vendor == "postgresql" and len(items) >= BULK_MIN else rows
        written = backend.write(
            items, plan, user_id=user_id, source=source, batch=batch, want_keys=want_keys, at=recorded_at
        )
        if written.touched:
            # A reporter's values wait for approval in a draft Submission; every write bumps its version.
            values_written(user, written.touched, source=source)
            values_changed(written.pairs)
    result = written.result
    result.unchanged = len(items) - result.created - result.changed - result.deleted
    result.warnings = warnings
    return result


# ---- codes, scope, periods, numbers ---------------------------------------------------------------


def _codes(codes) -> set[str]:
    # PostgreSQL refuses NUL characters in a query parameter; such a code cannot exist anyway.
    return {c for c in codes if isinstance(c, str) and "\x00" not in c}


def _resolve(items: list, user) -> tuple[Plan, list[ItemError]]:
    """Look the codes up (two queries) and check every item; numbers are made Decimals in place.

    The common case (every code known and writable, periods valid, numbers already Decimals, no
    duplicate) is checked on the sets of codes; only a write with a problem is walked item by item
    for its messages."""
    indicator_codes = {v.indicator for v in items}
    unit_codes = {v.unit for v in items}
    periods = {v.period for v in items}
    indicators = {
        code: Meta(pk, code, measure, cumulative_kind(code, cumulative or ""), aggregation)
        for pk, code, measure, cumulative, aggregation in Indicator.objects.filter(
            code__in=_codes(indicator_codes)
        ).values_list("id", "code", "measure", "cumulative", "aggregation")
    }
    units = {
        code: (pk, name)
        for pk, code, name in Unit.objects.filter(code__in=_codes(unit_codes)).values_list(
            "id", "code", "name"
        )
    }
    # None = every unit: the system (no user) and staff.
    writable = None
    if user is not None and role_of(user) != Role.STAFF:
        writable = set(Unit.objects.writable_by(user).filter(code__in=units).values_list("code", flat=True))
    plan = Plan(indicators, {code: pk for code, (pk, _name) in units.items()}, periods)
    clean = (
        indicator_codes <= indicators.keys()
        and unit_codes <= units.keys()
        and (writable is None or unit_codes <= writable)
        and all(is_period(p) for p in periods)
        and len({(v.indicator, v.unit, v.period) for v in items}) == len(items)
        and _plain_numbers(items)
    )
    if clean:
        return plan, []
    return plan, _problems(items, indicators, units, writable)


def _plain_numbers(items) -> bool:
    """Every value, numerator and denominator is None or a finite Decimal the column can hold."""
    decimal, limit = Decimal, LIMIT
    for v in items:
        value = v.value
        if value is not None and (
            type(value) is not decimal or not value.is_finite() or not -limit < value < limit
        ):
            return False
        if (v.numerator is not None or v.denominator is not None) and not all(
            n is None or (type(n) is decimal and n.is_finite() and -limit < n < limit)
            for n in (v.numerator, v.denominator)
        ):
            return False
    return True


def _problems(items: list, indicators: dict, units: dict, writable: set | None) -> list[ItemError]:
    errors: list[ItemError] = []
    seen = set()
    for index, item in enumerate(items):
        if item.indicator not in indicators:
            errors.append(
                ItemError(index, "indicator", f"không có chỉ tiêu mã '{item.indicator}'", "unknown_indicator")
            )
        if item.unit not in units:
            errors.append(ItemError(index, "unit", f"không có đơn vị mã '{item.unit}'", "unknown_unit"))
        elif writable is not None and item.unit not in writable:
            errors.append(
                ItemError(
                    index,
                    "unit",
                    f"bạn không có quyền nhập số liệu cho đơn vị '{units[item.unit][1]}'",
                    "forbidden",
                )
            )
        if not is_period(item.period):
            errors.append(ItemError(index, "period", period_message(item.period), "invalid_period"))
        key = (item.indicator, item.unit, item.period)
        if key in seen:
            errors.append(
                ItemError(
                    index, None, f"số liệu {item.indicator}/{item.unit}/{item.period} bị lặp", "duplicate"
                )
            )
        seen.add(key)
        for name in ("value", "numerator", "denominator"):
            number = _decimal(getattr(item, name), name, index)
            if isinstance(number, ItemError):
                errors.append(number)
            else:
                setattr(item, name, number)
    return errors


def _decimal(value, field_name: str, index: int) -> Decimal | ItemError | None:
    """A Decimal, or an ItemError for a value that is not a finite number the column can hold."""
    if value is None or value == "":
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        d = None
    if d is None or not d.is_finite():
        return ItemError(index, field_name, f'"{value}" không phải là số', "not_a_number")
    if abs(d) >= LIMIT:
        return ItemError(
            index, field_name, f'"{value}" quá lớn: tối đa 18 chữ số trước dấu thập phân', "too_large"
        )
    return d


# ---- the per-value checks ---------------------------------------------------------------------


def _check(items: list, plan: Plan, errors: list[ItemError]) -> list[ItemError]:
    """Run `check_value` on every value: its errors are appended to ``errors``, its warnings returned.

    `plainly_valid` (the same rules, without messages) lets the bulk of a large import skip the call;
    cumulative indicators are compared with the stored value of the latest earlier period."""
    failed = {e.index for e in errors}
    metas = plan.indicators
    suspects = []
    for index, item in enumerate(items):
        meta = metas.get(item.indicator)
        if meta is None or (failed and index in failed):  # a failed item's numbers may not be numbers
            continue
        if (
            meta.cumulative
            or item.numerator is not None
            or item.denominator is not None
            or not plainly_valid(meta.measure, item.value)
        ) and not getattr(item, "absent", False):
            suspects.append((index, item, meta))
    if not suspects:
        return []
    previous = _previous(
        {(m.id, plan.unit_ids.get(i.unit), i.period) for _x, i, m in suspects if m.cumulative}
    )
    warnings = []
    for index, item, meta in suspects:
        check = check_value(
            meta,
            item.value,
            previous.get((meta.id, plan.unit_ids.get(item.unit), item.period)),
            period=item.period,
            numerator=item.numerator,
            denominator=item.denominator,
            raw=item.raw or "",
        )
        for name, messages in check.errors.items():
            errors.extend(ItemError(index, name, message, "check") for message in messages)
        if check.computed:
            item.value = check.value  # a ratio typed as numerator and denominator only (8/8 → 100)
        warnings.extend(ItemError(index, "value", message, "warning") for message in check.warnings)
    return warnings


def _previous(keys: set[tuple[int, int | None, str]]) -> dict[tuple, tuple[str, Decimal | None]]:
    """{(indicator id, unit id, period): (period, value)} of the latest stored earlier value."""
    keys = {k for k in keys if k[1] is not None}
    if not keys:
        return {}
    latest = max(p for _i, _u, p in keys)
    stored: dict[tuple[int, int], list[tuple[str, Decimal | None]]] = {}
    for i, u, p, value in (
        DataValue.objects.filter(
            indicator_id__in={i for i, _u, _p in keys},
            unit_id__in={u for _i, u, _p in keys},
            period__lt=latest,
        )
        .order_by("indicator_id", "unit_id", "-period")
        .values_list("indicator_id", "unit_id", "period", "value")
    ):
        stored.setdefault((i, u), []).append((p, value))
    out = {}
    for i, u, p in keys:
        earlier = next((pv for pv in stored.get((i, u), ()) if pv[0] < p), None)
        if earlier is not None:
            out[(i, u, p)] = earlier
    return out


# ---- the approval lock ---------------------------------------------------------------------------


def _refuse_locked(items: list, user, *, lock: bool) -> None:
    locked = locked_keys({v.unit for v in items}, {v.period for v in items}, user, lock=lock)
    if not locked:
        return
    raise PeriodLocked(
        [
            ItemError(index, None, locked[(item.unit, item.period)], "locked")
            for index, item in enumerate(items)
            if (item.unit, item.period) in locked
        ]
    )
