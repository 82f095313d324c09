"""The Vietnamese history of a value or of a unit's month, as the pages and the API show it."""

from __future__ import annotations

from django.db.models import Q

from indicators.models import AuditEntry, SubmissionState

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


def describe(entry: AuditEntry) -> dict:
    verb = entry.action.rsplit(".", 1)[-1]
    if entry.object_type == "submission":
        what = "Báo cáo"
    elif ".evidence." in entry.action:
        what = "Minh chứng"
    else:
        what = "Số liệu"
    before = (
        (entry.before or {}).get("value")
        if entry.object_type == "datavalue"
        else (entry.before or {}).get("state")
    )
    after = (
        (entry.after or {}).get("value")
        if entry.object_type == "datavalue"
        else (entry.after or {}).get("state")
    )
    if entry.object_type == "submission":
        before = SubmissionState(before).label if before in S.values else before
        after = SubmissionState(after).label if after in S.values else after
    if ".evidence." in entry.action:
        after = (entry.after or {}).get("file")
    return {
        "at": entry.created_at,
        "user": (entry.user.get_full_name() or entry.user.username) if entry.user else "hệ thống",
        "action": f"{ACTION_LABELS.get(verb, verb)} {what.lower()}",
        "key": entry.object_key,
        "source": SOURCE_LABELS.get(entry.source, entry.source),
        "before": before,
        "after": after,
        "note": entry.note,
        "batch_id": entry.batch_id,
    }


def value_history(indicator_code: str, unit_code: str, period: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.for_object("datavalue", f"{indicator_code}/{unit_code}/{period}").select_related(
            "user"
        )
    )


def unit_period_history(unit_code: str, period: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            Q(object_type="submission", object_key=f"{unit_code}/{period}")
            | Q(object_type="datavalue", object_key__endswith=f"/{unit_code}/{period}")
        ).select_related("user")
    )

