"""Undoing a committed batch: record, through the write door, the values as they were before it.

Undo is a writer like any other: it takes the batch's period locks before it reads the change log
(so an import or a form save of the same month is waited for, and its change is seen), then the door
takes the approval lock (an approved month — or, for a reporter, a submitted one — refuses the undo
with the same message as any write) and logs every value it puts back. The user's *current* units
decide: a reporter removed from a unit can no longer undo that unit's batches.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.roles import Role, role_of
from indicators.choices import Source
from indicators.models import AuditEntry, ValueChange
from indicators.services import PeriodLocked, RecordValuesError, lock_periods, record_values
from indicators.services.changes import batch_changes, values_before
from units.models import Unit

from ..models import ImportBatch
from .batches import ImportError_


class UndoRefused(ImportError_):
    """An undo that may not run; ``code`` is what the API answers with: "state" (not committed, or
    already undone), "forbidden" (a unit the user may no longer write), "changed" (a later write
    changed one of its values) or "locked" (an approved or submitted month)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def undo_batch(batch: ImportBatch, user) -> dict:
    """Put back every value the batch created or changed; returns {"deleted": n, "restored": m}.

    Refused (UndoRefused, Vietnamese message, nothing written) when the batch is not committed, when
    the user may not write one of its units, when a later write changed one of its values (undoing
    would overwrite it; later batches that were undone themselves do not count) and when one of its
    months is approved, or submitted and the user is a reporter."""
    with transaction.atomic():
        status = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status != ImportBatch.Status.COMMITTED:
            raise UndoRefused(f"Lô #{batch.pk} chưa được nhập hoặc đã hoàn tác.", "state")
        mine = batch_changes(batch.pk)
        periods = set(mine.values_list("period", flat=True).distinct().order_by())
        lock_periods(periods)
        unit_ids = set(mine.values_list("unit_id", flat=True).distinct().order_by())
        _check_units(batch, user, unit_ids)
        _refuse_later_changes(batch, mine, unit_ids, periods)
        inputs, gone = values_before(batch.pk)
        if gone:
            _changed_since(batch, gone)
        try:
            result = record_values(inputs, user=user, source=Source.UNDO, batch=batch.pk)
        except PeriodLocked as exc:
            raise UndoRefused(_refusal(batch, exc), "locked") from None
        except RecordValuesError as exc:
            raise UndoRefused(_refusal(batch, exc), "invalid") from None
        AuditEntry.objects.create(
            action="imports.batch.undone",
            user_id=user.pk if user is not None and getattr(user, "pk", None) else None,
            object_type="importbatch",
            object_key=str(batch.pk),
            before={"status": "committed"},
            after={"status": "undone"},
            source="import",
            batch_id=batch.pk,
        )
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.save()
    return {"deleted": result.deleted, "restored": result.changed}


def _refusal(batch: ImportBatch, exc: RecordValuesError) -> str:
    first = exc.items[0].message
    return f"Không thể hoàn tác lô #{batch.pk}: {first[:1].upper()}{first[1:]}"


def _check_units(batch: ImportBatch, user, unit_ids: set[int]) -> None:
    """Every unit the batch wrote must be one the user may write *now*."""
    if user is None or role_of(user) == Role.STAFF or not unit_ids:
        return
    allowed = set(Unit.objects.writable_by(user).filter(pk__in=unit_ids).values_list("pk", flat=True))
    lost = Unit.objects.filter(pk__in=unit_ids - allowed).order_by("order", "code").first()
    if lost is not None:
        raise UndoRefused(
            f"Không thể hoàn tác lô #{batch.pk}: bạn không còn quyền nhập số liệu cho đơn vị '{lost.name}'.",
            "forbidden",
        )


def _refuse_later_changes(batch: ImportBatch, mine, unit_ids: set[int], periods: set[str]) -> None:
    """A change of one of the batch's values after it, by anything but a batch undone since."""
    later = (
        ValueChange.objects.filter(unit_id__in=unit_ids, period__in=periods)
        .filter(
            Exists(
                mine.filter(
                    indicator_id=OuterRef("indicator_id"),
                    unit_id=OuterRef("unit_id"),
                    period=OuterRef("period"),
                    id__lt=OuterRef("id"),
                )
            )
        )
        .exclude(batch_id=batch.pk)
        .exclude(batch_id__in=ImportBatch.objects.filter(status=ImportBatch.Status.UNDONE).values("pk"))
    )
    keys = sorted(
        {
            f"{i}/{u}/{p}"
            for i, u, p in later.values_list("indicator__code", "unit__code", "period").order_by()
        }
    )
    if keys:
        _changed_since(batch, keys)


def _changed_since(batch: ImportBatch, keys: list[str]) -> None:
    sample = ", ".join(keys[:5])
    raise UndoRefused(
        f"Không thể hoàn tác lô #{batch.pk}: {len(keys)} số liệu đã được thay đổi sau đó ({sample}…).",
        "changed",
    )
