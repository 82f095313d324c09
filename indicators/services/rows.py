"""The door's generic backend: read the stored rows, diff in Python, then one bulk upsert, one delete
and one bulk insert of change rows. Every small write takes it, and every write on SQLite."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from ..models import DataValue, ValueChange
from .values import RecordResult, tiers_json

SCALE = Decimal("0.000001")  # numeric(24, 6): what the database keeps of a number
UPDATE_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "tiers",
    "raw",
    "source",
    "batch_id",
    "updated_by",
    "note",
    "flags",
    "updated_at",
]
A = ValueChange.Action


@dataclass
class Written:
    """What a backend wrote: the counts (and keys), the (indicator id, unit id) → earliest period for
    the status engine, and the (unit id, period) pairs whose publication state a write touches."""

    result: RecordResult = field(default_factory=RecordResult)
    pairs: dict[tuple[int, int], str] = field(default_factory=dict)
    touched: set[tuple[int, str]] = field(default_factory=set)

    def add(self, indicator_id: int, unit_id: int, period: str) -> None:
        pair = (indicator_id, unit_id)
        first = self.pairs.get(pair)
        if first is None or period < first:
            self.pairs[pair] = period
        self.touched.add((unit_id, period))


def _scaled(d):
    return None if d is None else Decimal(d).quantize(SCALE)


def _stored(plan, items) -> dict[tuple[int, int, str], tuple]:
    """The stored rows of the written keys: (id, value, numerator, denominator, tiers, note)."""
    if not items:
        return {}
    unit_ids = {plan.unit_ids[v.unit] for v in items}
    qs = DataValue.objects.filter(
        indicator_id__in={plan.indicators[v.indicator].id for v in items}, period__in=plan.periods
    )
    if len(unit_ids) < 500:  # SQLite takes up to 32,766 parameters; a province has ~150 units
        qs = qs.filter(unit_id__in=unit_ids)
    return {
        (i, u, p): row
        for i, u, p, *row in qs.values_list(
            "indicator_id", "unit_id", "period", "id", "value", "numerator", "denominator", "tiers", "note"
        ).iterator(chunk_size=20000)
    }


def _diff(items, plan, stored):
    """Yield (item, ids, old row or None, action) for every item that changes something."""
    for item in items:
        key = (plan.indicators[item.indicator].id, plan.unit_ids[item.unit], item.period)
        old = stored.get(key)
        if getattr(item, "absent", False):
            if old is not None:
                yield item, key, old, A.DELETED
            continue
        if old is not None and _same(old, item):
            continue
        yield item, key, old, A.CREATED if old is None else A.UPDATED


def _same(old: tuple, item) -> bool:
    _pk, value, numerator, denominator, tiers, note = old
    return (
        _scaled(value) == _scaled(item.value)
        and _scaled(numerator) == _scaled(item.numerator)
        and _scaled(denominator) == _scaled(item.denominator)
        and (tiers or None) == (tiers_json(item.tiers) or None)
        and (note or "") == (item.note or "")
    )


def _pair(before, after):
    """(before, after) where they differ, else (None, None): the change row keeps only changes."""
    return (before, after) if before != after else (None, None)


def change_row(action, key, old, item, *, batch, user_id, source, at=None) -> ValueChange:
    """The change row of one write; the bulk backend's statement computes the same columns."""
    indicator_id, unit_id, period = key
    old_num = old_den = old_tiers = None
    old_value, old_note = None, ""
    if old is not None:
        _pk, old_value, old_num, old_den, old_tiers, old_note = old
    if action == A.DELETED:
        new_value = new_num = new_den = new_tiers = None
        note = (old_note or None, None)
    else:
        new_value, new_num, new_den = _scaled(item.value), _scaled(item.numerator), _scaled(item.denominator)
        new_tiers = tiers_json(item.tiers)
        new_note = item.note or ""
        if action == A.CREATED:
            note = (None, new_note or None)
        else:
            note = _pair(old_note or "", new_note)
    num = _pair(_scaled(old_num), new_num)
    den = _pair(_scaled(old_den), new_den)
    tiers = _pair(old_tiers or None, new_tiers or None)
    return ValueChange(
        batch_id=batch,
        indicator_id=indicator_id,
        unit_id=unit_id,
        period=period,
        action=action,
        value_before=_scaled(old_value),
        value_after=new_value,
        numerator_before=num[0],
        numerator_after=num[1],
        denominator_before=den[0],
        denominator_after=den[1],
        tiers_before=tiers[0],
        tiers_after=tiers[1],
        note_before=note[0],
        note_after=note[1],
        user_id=user_id,
        source=source,
        **({"created_at": at} if at is not None else {}),
    )


def count(items, plan, *, want_keys: bool) -> RecordResult:
    """A dry run: what a write would create, change and delete."""
    result = RecordResult()
    for item, _key, _old, action in _diff(items, plan, _stored(plan, items)):
        _tally(result, item, action, want_keys)
    result.unchanged = len(items) - result.created - result.changed - result.deleted
    return result


def _tally(result: RecordResult, item, action, want_keys: bool) -> None:
    if action == A.CREATED:
        result.created += 1
    elif action == A.UPDATED:
        result.changed += 1
    else:
        result.deleted += 1
    if want_keys:
        result.keys.append(f"{item.indicator}/{item.unit}/{item.period}")


def write(items, plan, *, user_id, source: str, batch, want_keys: bool, at=None) -> Written:
    written = Written()
    now = at or timezone.now()
    upserts, deletes, changes = [], [], []
    for item, key, old, action in _diff(items, plan, _stored(plan, items)):
        _tally(written.result, item, action, want_keys)
        written.add(*key)
        changes.append(change_row(action, key, old, item, batch=batch, user_id=user_id, source=source, at=now))
        if action == A.DELETED:
            deletes.append(old[0])
            continue
        upserts.append(
            DataValue(
                indicator_id=key[0],
                unit_id=key[1],
                period=key[2],
                value=item.value,
                numerator=item.numerator,
                denominator=item.denominator,
                tiers=tiers_json(item.tiers),
                raw=(item.raw or ("" if item.value is None else str(item.value)))[:500],
                source=source,
                batch_id=batch,
                updated_by_id=user_id,
                note=item.note or "",
                flags=[f for f in getattr(item, "flags", None) or () if f != "error"],
                created_at=now,
                updated_at=now,
            )
        )
    # bulk_create skips auto_now on conflict updates: updated_at is set explicitly (stale-form
    # checks, Last-Modified).
    DataValue.objects.bulk_create(
        upserts,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["indicator", "unit", "period"],
        update_fields=UPDATE_FIELDS,
    )
    for start in range(0, len(deletes), 2000):
        DataValue.objects.filter(pk__in=deletes[start : start + 2000]).delete()
    ValueChange.objects.bulk_create(changes, batch_size=2000)
    return written
