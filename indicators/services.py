"""Workflows that write indicator values. Views, the API, tasks and commands call these; they never
see a request. Every write leaves an AuditEntry per changed value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.periods import is_period, period_message
from units.models import Unit

from .models import AuditEntry, DataValue, Indicator
from .publication import locked_keys, values_written
from .recompute import values_changed

VALUE_FIELDS = ("value", "numerator", "denominator", "tiers", "raw", "note")


@dataclass
class ValueInput:
    """A value to write, by codes."""

    indicator: str
    unit: str
    period: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    tiers: dict | None = None
    raw: str = ""
    note: str = ""


@dataclass
class RecordResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    keys: list[str] = field(default_factory=list)  # INDICATOR/UNIT/PERIOD of every created or changed value


@dataclass(frozen=True)
class ItemError:
    """One problem with one input value: its 0-based position, the field and a Vietnamese message.

    `text` is the sentence the service has always raised ("Mục 2: …"); the API shows the parts.
    """

    index: int
    field: str | None
    message: str
    code: str = "invalid"

    @property
    def text(self) -> str:
        if self.code == "not_a_number":
            return f"Mục {self.index + 1}, trường '{self.field}': {self.message}"
        return f"Mục {self.index + 1}: {self.message}"


class RecordValuesError(ValidationError):
    """A ValidationError whose messages are the `ItemError.text`s, with the structured items kept."""

    def __init__(self, items: list[ItemError]):
        self.items = items
        super().__init__([item.text for item in items])


class PeriodLocked(RecordValuesError):
    """Every problem is a locked (unit, period): approved, or waiting for approval and written by a
    reporter. The API answers 409 with the reason; forms show it."""


def _codes(codes) -> set[str]:
    return {c for c in codes if isinstance(c, str) and "\x00" not in c}


def _decimal(value, field_name: str, index: int) -> Decimal | ItemError | None:
    """A Decimal, or an ItemError for a value that is not a finite number."""
    if value is None or value == "":
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        d = None
    if d is None or not d.is_finite():
        return ItemError(index, field_name, f'"{value}" không phải là số', "not_a_number")
    return d


def decimal_text(d) -> str | None:
    """Decimal('92.900000') → '92.9', without exponent notation; None stays None."""
    if d is None:
        return None
    return format(Decimal(d).normalize(), "f")


def snapshot(dv: DataValue) -> dict:
    """What an audit entry keeps of a value (JSON-safe)."""
    return {
        "value": decimal_text(dv.value),
        "numerator": decimal_text(dv.numerator),
        "denominator": decimal_text(dv.denominator),
        "tiers": dv.tiers,
        "raw": dv.raw,
        "note": dv.note,
        "source": dv.source,
        "batch_id": dv.batch_id,
    }


def _same(existing: DataValue, item: ValueInput) -> bool:
    def eq(a, b):
        if a is None or b is None:
            return a is None and b is None
        return Decimal(a) == Decimal(b)

    return (
        eq(existing.value, item.value)
        and eq(existing.numerator, item.numerator)
        and eq(existing.denominator, item.denominator)
        and (existing.tiers or None) == (item.tiers or None)
        and existing.note == item.note
    )


def lock_periods(periods) -> None:
    """Serialise writers of the same months: every write path (form, API, import) takes these locks
    first inside its transaction, so a second writer waits and then reads what the first committed —
    its audit "before" is never stale and no update is lost. PostgreSQL transaction-level advisory
    locks, taken in sorted order (no deadlock); SQLite already runs one writing transaction at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for period in sorted(set(periods)):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"cds-values-{period}"])


def record_values(
    values: Iterable[ValueInput],
    *,
    user,
    source: str,
    batch_id: int | None = None,
    action_prefix="indicators.value",
    dry_run: bool = False,
) -> RecordResult:
    """Write values (create or update) in one transaction, with an audit entry per change.

    Raises ValidationError (Vietnamese message) for an unknown code, a malformed period, a unit the
    user may not write, or a non-numeric value; then nothing is written. Unchanged values are not
    touched. The status engine is told which (indicator, unit) pairs changed, after commit.
    The error is a `RecordValuesError` listing every problem as an `ItemError` (index, field).

    With ``dry_run`` everything is validated and counted (created / changed / unchanged) and nothing
    is written.
    """
    items = list(values)
    # PostgreSQL refuses NUL characters in a query parameter; such a code cannot exist anyway.
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=_codes(v.indicator for v in items))}
    units = {u.code: u for u in Unit.objects.filter(code__in=_codes(v.unit for v in items))}
    writable = set(Unit.objects.writable_by(user).filter(code__in=units).values_list("code", flat=True))
    errors: list[ItemError] = []
    seen = set()
    for index, item in enumerate(items):
        if item.indicator not in indicators:
            errors.append(
                ItemError(index, "indicator", f"không có chỉ tiêu mã '{item.indicator}'", "unknown_indicator")
            )
        if item.unit not in units:
            errors.append(ItemError(index, "unit", f"không có đơn vị mã '{item.unit}'", "unknown_unit"))
        elif item.unit not in writable:
            errors.append(
                ItemError(
                    index,
                    "unit",
                    f"bạn không có quyền nhập số liệu cho đơn vị '{units[item.unit].name}'",
                    "forbidden",
                )
            )
        if not is_period(item.period):
            errors.append(
                ItemError(
                    index,
                    "period",
                    period_message(item.period),
                    "invalid_period",
                )
            )
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
    if not errors:
        # Approved periods are locked for every channel (indicators.publication.locked_keys).
        locked = locked_keys({v.unit for v in items}, {v.period for v in items}, user)
        lock_errors = [
            ItemError(index, None, locked[(item.unit, item.period)], "locked")
            for index, item in enumerate(items)
            if (item.unit, item.period) in locked
        ]
        if lock_errors:
            raise PeriodLocked(lock_errors)
    if errors:
        raise RecordValuesError(errors)

    result = RecordResult()
    with transaction.atomic():
        lock_periods(item.period for item in items)
        existing = {
            (dv.indicator_id, dv.unit_id, dv.period): dv
            for dv in DataValue.objects.select_for_update().filter(
                indicator__in=[indicators[v.indicator] for v in items],
                unit__in=[units[v.unit] for v in items],
                period__in={v.period for v in items},
            )
        }
        to_create, to_update, audit = [], [], []
        now = timezone.now()
        changed_pairs: dict[tuple[int, int], str] = {}
        touched: set[tuple[int, str]] = set()  # (unit id, period) of created or changed values
        for item in items:
            ind, unit = indicators[item.indicator], units[item.unit]
            key = f"{ind.code}/{unit.code}/{item.period}"
            dv = existing.get((ind.id, unit.id, item.period))
            if dv is not None and _same(dv, item):
                result.unchanged += 1
                continue
            before = snapshot(dv) if dv is not None else None
            if dv is None:
                dv = DataValue(indicator=ind, unit=unit, period=item.period)
                to_create.append(dv)
                result.created += 1
            else:
                to_update.append(dv)
                result.changed += 1
            dv.value, dv.numerator, dv.denominator = item.value, item.numerator, item.denominator
            dv.tiers, dv.note = item.tiers, item.note
            dv.raw = item.raw or ("" if item.value is None else str(item.value))
            dv.source, dv.batch_id, dv.updated_by = source, batch_id, user if user and user.pk else None
            dv.updated_at = now
            audit.append(
                AuditEntry(
                    action=f"{action_prefix}.{'created' if before is None else 'updated'}",
                    user=dv.updated_by,
                    object_type="datavalue",
                    object_key=key,
                    before=before,
                    after=snapshot(dv),
                    source=source,
                    batch_id=batch_id,
                )
            )
            result.keys.append(key)
            touched.add((unit.id, item.period))
            pair = (ind.id, unit.id)
            changed_pairs[pair] = min(changed_pairs.get(pair, item.period), item.period)
        if dry_run:
            return result
        DataValue.objects.bulk_create(to_create, batch_size=2000)
        DataValue.objects.bulk_update(
            to_update,
            # bulk_update skips auto_now: updated_at is set explicitly (stale-form checks, Last-Modified).
            [
                "value",
                "numerator",
                "denominator",
                "tiers",
                "raw",
                "note",
                "source",
                "batch_id",
                "updated_by",
                "updated_at",
            ],
            batch_size=2000,
        )
        AuditEntry.objects.bulk_create(audit, batch_size=2000)
        if changed_pairs:
            # A reporter's values wait for approval in a draft Submission; every write bumps its version.
            values_written(user, touched, source=source)
            values_changed(changed_pairs)
    return result
