"""Writing DTI scores (a unit's points per pillar and year), for the importer's DTI sheets.

DTI belongs to the indicators app: the intake parses and resolves the rows, this replaces the scores
and writes an AuditEntry per changed score (scores are not indicator values: no change log, no
status recompute)."""

from __future__ import annotations

from decimal import Decimal

from units.models import Unit

from .models import AuditEntry, DTIPillar, DTIScore
from .services import decimal_text


def compare_dti_scores(rows: list[tuple[str, int, str, str, Decimal, str]]) -> dict[str, int]:
    """What `record_dti_scores` would do with the rows: {"new", "changed", "unchanged"} scores (the
    import's preview and summary count them beside the values: "36 điểm DTI mới")."""
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    if not rows:
        return counts
    pillars = {(p.level, p.code): p.pk for p in DTIPillar.objects.all()}
    units = dict(Unit.objects.filter(code__in={r[0] for r in rows}).values_list("code", "id"))
    existing = {
        (u, y, p): score
        for u, y, p, score in DTIScore.objects.filter(
            unit_id__in=units.values(), year__in={r[1] for r in rows}
        ).values_list("unit_id", "year", "pillar_id", "score")
    }
    for code, year, pillar_code, level, score, _raw in rows:
        pillar = pillars.get((level, pillar_code))
        if pillar is None or code not in units:
            continue
        old = existing.get((units[code], year, pillar), None)
        key = "new" if (units[code], year, pillar) not in existing else "unchanged" if old == score else "changed"
        counts[key] += 1
    return counts


def record_dti_scores(
    rows: list[tuple[str, int, str, str, Decimal, str]], *, batch_id: int | None, user
) -> int:
    """Replace the scores of the (unit code, year, pillar code, level, score, raw) rows whose score
    changed, with an audit entry each; returns how many were written. Call inside a transaction."""
    if not rows:
        return 0
    pillars = {(p.level, p.code): p for p in DTIPillar.objects.all()}
    units = dict(Unit.objects.filter(code__in={r[0] for r in rows}).values_list("code", "id"))
    uid = user.pk if user is not None and getattr(user, "pk", None) else None
    existing = {
        (s.unit_id, s.year, s.pillar_id): s
        for s in DTIScore.objects.filter(unit_id__in=units.values(), year__in={r[1] for r in rows})
    }
    new, audits, stale = [], [], []
    for code, year, pillar_code, level, score, raw in rows:
        pillar = pillars.get((level, pillar_code))
        if pillar is None or code not in units:
            continue
        old = existing.get((units[code], year, pillar.pk))
        if old is not None and old.score == score:
            continue
        if old is not None:
            stale.append(old.pk)
        new.append(
            DTIScore(unit_id=units[code], year=year, pillar=pillar, score=score, raw=raw, batch_id=batch_id)
        )
        audits.append(
            AuditEntry(
                action=f"indicators.dti.{'updated' if old else 'created'}",
                user_id=uid,
                object_type="dtiscore",
                object_key=f"{code}/{year}/{pillar_code}",
                before={"score": decimal_text(old.score)} if old else None,
                after={"score": decimal_text(score)},
                source="import",
                batch_id=batch_id,
            )
        )
    DTIScore.objects.filter(pk__in=stale).delete()
    DTIScore.objects.bulk_create(new)
    AuditEntry.objects.bulk_create(audits)
    return len(new)
