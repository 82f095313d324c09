"""The Vietnamese history of a value or of a unit's month, as the pages and the API show it.

A value's changes come from the change log (`indicators.models.ValueChange`); the workflow of the
month (submit, approve, return, unlock) and the evidence added to a value from `AuditEntry`. Both are
shown newest first, in one list.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import Q

from core.numbers import format_measure, format_number
from indicators.choices import Source
from indicators.models import AuditEntry, Indicator, SubmissionState, ValueChange
from indicators.services import decimal_text
from units.models import Unit

S = SubmissionState

ACTION_LABELS = {
    "created": "Tạo mới",
    "updated": "Sửa",
    "deleted": "Xóa",
    "submitted": "Gửi duyệt",
    "resubmitted": "Gửi lại",
    "approved": "Duyệt",
    "returned": "Trả lại",
    "unlocked": "Mở khóa",
    "reopened": "Nhập lại sau khi mở khóa",
    "added": "Thêm minh chứng",
    "undone": "Hoàn tác lô nhập",
    "restored": "Hoàn tác lô nhập",
    "committed": "Nhập lô Excel",
}
SOURCE_LABELS = {"form": "biểu mẫu", "import": "nhập Excel", "api": "API", "undo": "hoàn tác"}


def _user(user) -> str:
    return (user.get_full_name() or user.username) if user else "hệ thống"


def describe(entry: AuditEntry | ValueChange) -> dict:
    if isinstance(entry, ValueChange):
        return _describe_change(entry)
    verb = entry.action.rsplit(".", 1)[-1]
    if entry.object_type == "submission":
        what = "Báo cáo"
        before = (entry.before or {}).get("state")
        after = (entry.after or {}).get("state")
        before = SubmissionState(before).label if before in S.values else before
        after = SubmissionState(after).label if after in S.values else after
    elif ".evidence." in entry.action:
        what = "Minh chứng"
        before, after = None, (entry.after or {}).get("file")
    else:
        what = "Số liệu"
        before, after = (entry.before or {}).get("value"), (entry.after or {}).get("value")
    return {
        "at": entry.created_at,
        "user": _user(entry.user),
        "action": f"{ACTION_LABELS.get(verb, verb)} {what.lower()}",
        "key": entry.object_key,
        "source": SOURCE_LABELS.get(entry.source, entry.source),
        "before": before,
        "after": after,
        "note": entry.note,
        "batch_id": entry.batch_id,
        "before_text": _audit_text(before),
        "after_text": _audit_text(after),
    }


def _audit_text(value) -> str | None:
    """An audit entry's before/after as shown: a number the Vietnamese way, words as they are."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if number.is_finite():
            return format_number(number)
    return str(value)


def _describe_change(change: ValueChange) -> dict:
    undo = change.source == Source.UNDO
    verb = "restored" if undo and change.action == ValueChange.Action.UPDATED else change.action
    return {
        "at": change.created_at,
        "user": _user(change.user),
        "action": f"{ACTION_LABELS[verb]} số liệu",
        "key": f"{change.indicator.code}/{change.unit.code}/{change.period}",
        "source": SOURCE_LABELS.get(change.source, change.source),
        "before": decimal_text(change.value_before),
        "after": decimal_text(change.value_after),
        "note": f"Hoàn tác lô #{change.batch_id}" if undo else "",
        "batch_id": change.batch_id,
        # The pages print Vietnamese numbers (92,9%, 1.420, 12.906.957.546 đ); the API keeps the numbers.
        "before_text": _shown(change.value_before, change.indicator.measure),
        "after_text": _shown(change.value_after, change.indicator.measure),
    }


def _shown(value, measure: str) -> str | None:
    return None if value is None else format_measure(value, measure)


def _newest_first(entries) -> list:
    return sorted(entries, key=lambda e: e.created_at, reverse=True)


def value_history(indicator_code: str, unit_code: str, period: str) -> list[AuditEntry | ValueChange]:
    """The value's changes and the evidence added to it, newest first."""
    indicator_id = Indicator.objects.filter(code=indicator_code).values_list("pk", flat=True).first()
    unit_id = Unit.objects.filter(code=unit_code).values_list("pk", flat=True).first()
    changes = []
    if indicator_id is not None and unit_id is not None:
        changes = list(
            ValueChange.objects.for_value(indicator_id, unit_id, period).select_related("user", "indicator", "unit")
        )
    evidence = AuditEntry.objects.for_object("datavalue", f"{indicator_code}/{unit_code}/{period}")
    return _newest_first([*changes, *evidence.select_related("user")])


def unit_period_history(unit_code: str, period: str) -> list[AuditEntry | ValueChange]:
    """A unit's month: its values' changes, the evidence added and the workflow, newest first."""
    unit_id = Unit.objects.filter(code=unit_code).values_list("pk", flat=True).first()
    changes = []
    if unit_id is not None:
        changes = list(
            ValueChange.objects.for_unit_period(unit_id, period).select_related("user", "indicator", "unit")
        )
    entries = AuditEntry.objects.filter(
        Q(object_type="submission", object_key=f"{unit_code}/{period}")
        | Q(object_type="datavalue", object_key__endswith=f"/{unit_code}/{period}")
    ).select_related("user")
    return _newest_first([*changes, *entries])
