"""What a value write means for its unit's month: the approval lock that refuses it, and the draft
Submission a reporter's write opens. The write door (`indicators.services.record_values`) asks both,
inside its transaction, for every channel (forms, the API, imports, undo).

The Submission row is the month's publication state (`DataValue.objects.visible_to` reads it); the
workflow that moves it (submit, approve, return, unlock) is the `entry` app's.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.periods import period_label
from core.roles import Role, role_of
from units.models import Unit

from .deadlines import unit_deadline
from .models import AuditEntry, DataValue, Submission, SubmissionState
from .recompute import values_changed

S = SubmissionState

LOCKED_MESSAGE = "Số liệu {period} của {unit} đã được duyệt và khóa; liên hệ Sở TT&TT để mở khóa nếu cần sửa."
SUBMITTED_MESSAGE = "Số liệu {period} của {unit} đã gửi duyệt; chờ Sở TT&TT duyệt hoặc trả lại để sửa."


def locked_keys(
    unit_codes: Iterable[str], periods: Iterable[str], user=None, *, lock: bool = False
) -> dict[tuple[str, str], str]:
    """{(unit code, period): Vietnamese reason} of the keys that refuse writes, in one query.

    Approved periods are locked for everyone and every channel. A period waiting for approval
    (submitted) is also locked for reporters, so staff review exactly what was sent; staff may still
    correct it.

    With ``lock`` (the write door, inside its transaction) the submissions are read under their row
    locks, whatever their state: a transition committing meanwhile (`entry.services.transitions` lock
    the same row) is waited for and its new state seen, so no write slips into a month being approved.
    """
    unit_codes, periods = set(unit_codes), set(periods)
    if not unit_codes or not periods:
        return {}
    states = {S.APPROVED}
    if role_of(user) != Role.STAFF:
        states.add(S.SUBMITTED)
    qs = Submission.objects.filter(unit__code__in=unit_codes, period__in=periods)
    if lock:
        qs = qs.select_for_update(of=("self",))
    else:
        qs = qs.filter(state__in=states)
    out = {}
    for code, name, period, state in qs.values_list("unit__code", "unit__name", "period", "state"):
        if state not in states:
            continue
        template = LOCKED_MESSAGE if state == S.APPROVED else SUBMITTED_MESSAGE
        out[(code, period)] = template.format(period=period_label(period), unit=name)
    return out


def values_written(user, unit_periods: Iterable[tuple[int, str]], *, source: str) -> None:
    """Called inside every write's transaction with the (unit id, period) pairs it changed.

    A reporter's write creates (or keeps) a draft Submission, so the values wait for approval; an
    unlocked period written by a reporter goes back to draft. Staff writes leave the state alone
    (no Submission = published). Every write bumps the version so stale forms can be detected.
    """
    pairs = set(unit_periods)
    if not pairs:
        return
    reporter = role_of(user) == Role.REPORTER
    existing = {
        (s.unit_id, s.period): s
        for s in Submission.objects.select_for_update().filter(
            unit_id__in={u for u, _ in pairs}, period__in={p for _, p in pairs}
        )
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in={u for u, _ in pairs})} if reporter else {}
    audit = []
    for unit_id, period in sorted(pairs):
        sub = existing.get((unit_id, period))
        if sub is None:
            if not reporter:
                continue
            sub = Submission.objects.create(
                unit_id=unit_id, period=period, state=S.DRAFT, deadline=unit_deadline(units[unit_id], period)
            )
            audit.append(submission_audit("created", sub, user, None, source=source))
            # Values staff had published for this month are now part of a draft.
            publication_changed(unit_id, period)
            continue
        before = sub.state
        if reporter and sub.state == S.UNLOCKED:
            sub.state = S.DRAFT
            audit.append(submission_audit("reopened", sub, user, before, source=source))
            publication_changed(unit_id, period)
        sub.version += 1
        sub.save(update_fields=["state", "version", "updated_at"])
    AuditEntry.objects.bulk_create(audit)


def submission_audit(
    verb: str, sub: Submission, user, before_state, *, source: str = "form", note: str = ""
) -> AuditEntry:
    return AuditEntry(
        action=f"indicators.submission.{verb}",
        user=user if user is not None and getattr(user, "pk", None) else None,
        object_type="submission",
        object_key=f"{sub.unit.code}/{sub.period}",
        before={"state": before_state} if before_state else None,
        after={"state": sub.state, "version": sub.version, "comment": sub.comment},
        source=source,
        note=note[:500],
    )


def publication_changed(unit_id: int, period: str) -> None:
    """A unit's month became published (approved) or unpublished (reopened as a draft): the province
    roll-ups of its indicators change for every reader, so recompute them after commit."""
    indicator_ids = DataValue.objects.filter(unit_id=unit_id, period=period).values_list(
        "indicator_id", flat=True
    )
    values_changed({(indicator_id, unit_id): period for indicator_id in indicator_ids})
