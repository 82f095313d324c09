"""The intake workflow: read → parse → validate → preview → commit, and undo.

Views, the API, the management command and tasks call these; nothing here sees a request.

- `import_file()` is the one-shot path (CLI, API, seed_demo): it saves an ImportBatch and commits
  when asked and clean (or with `skip_invalid`).
- `create_preview()` / `update_preview()` / `commit_batch()` are the web path: the batch keeps the
  file, the user's corrections and exclusions; commit re-reads the file with them applied.
- `undo_batch()` restores every value a batch changed from its audit entries.

Writes are set-based inside one short `transaction.atomic()`: on PostgreSQL the rows are COPY'd into
a temporary table, audit entries are written with one `INSERT … SELECT` (before/after as JSON), and
values with one `INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM` (so unchanged rows are
not touched and re-importing the same file changes nothing). Other databases use
`bulk_create(update_conflicts=True)` after a diff in Python.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from core.numbers import format_vn
from core.periods import is_period, period_message
from core.roles import Role, role_of
from indicators.models import AuditEntry, DataValue, DTIPillar, DTIScore, Indicator
from indicators.publication import locked_keys, values_written
from indicators.recompute import values_changed
from indicators.services import lock_periods
from units.matching import UnitCandidate, UnitIndex
from units.models import Unit

from .formats import parse_workbook, propose_period
from .models import ImportBatch
from .types import RowError, Severity
from .validation import Catalogue, IndicatorMeta, ResolvedValue, Validated, validate
from .workbook import WorkbookError, read_workbook

logger = logging.getLogger(__name__)
DIFF_LIMIT = 2000  # cells kept in a batch's preview diff; counts cover every cell
VALUE_ACTION = "indicators.value"


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


@contextmanager
def _without_cyclic_gc():
    """Pause the cyclic garbage collector while a workbook is read, validated and written.

    A 200,000-row file allocates ~2 M objects that hold no reference cycles (calamine's rows,
    tuples, Decimals, strings); every automatic collection walks all of them again, which cost
    0.7-1.0 s of a ~2 s parse + validate (profiled). Reference counting frees them as usual; any
    cycle made meanwhile is collected once the collector is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---- catalogue and scope ---------------------------------------------------------------------


def build_catalogue() -> Catalogue:
    indicators = {
        code: IndicatorMeta(code, name, measure, aggregation, tuple(reported_by or ()), cumulative or "", pk)
        for pk, code, name, measure, aggregation, reported_by, cumulative in Indicator.objects.values_list(
            "id", "code", "name", "measure", "aggregation", "reported_by", "cumulative"
        )
    }
    units, ids = [], {}
    for pk, code, name, short, aliases, level in Unit.objects.filter(active=True).values_list(
        "id", "code", "name", "short_name", "aliases", "level"
    ):
        units.append(UnitCandidate(code, name, short or "", tuple(aliases or ()), level))
        ids[code] = pk
    return Catalogue(indicators, UnitIndex(units), ids)


def writable_units(user) -> set[str] | None:
    """None = every unit (staff, or the system when no user is given)."""
    if user is None or role_of(user) == Role.STAFF:
        return None
    return set(Unit.objects.writable_by(user).values_list("code", flat=True))


# ---- analysis --------------------------------------------------------------------------------


@dataclass
class Analysis:
    period: str
    period_proposed: str | None
    validated: Validated
    sheets: list[dict]
    problems: list[RowError]  # workbook-level + validation problems, every one
    counts: dict = field(default_factory=dict)
    diff: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    dti: list[tuple[str, int, str, str, Decimal, str]] = field(
        default_factory=list
    )  # unit, year, pillar, level, score, raw

    @property
    def errors(self) -> list[RowError]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[RowError]:
        return [p for p in self.problems if p.severity == Severity.WARNING]


def _previous_values(catalogue: Catalogue, period: str):
    def previous(keys):
        wanted = {(i, u) for i, u, _p in keys}
        if not wanted:
            return {}
        ind_ids = {catalogue.indicators[i].id: i for i, _u in wanted if catalogue.indicators[i].id}
        unit_ids = {catalogue.unit_ids[u]: u for _i, u in wanted if u in catalogue.unit_ids}
        out = {}
        for ind_id, unit_id, per, value in (
            DataValue.objects.filter(indicator_id__in=ind_ids, unit_id__in=unit_ids, period__lt=period)
            .exclude(value=None)
            .order_by("indicator_id", "unit_id", "-period")
            .values_list("indicator_id", "unit_id", "period", "value")
        ):
            key = (ind_ids[ind_id], unit_ids[unit_id])
            if key in wanted and key not in out:
                out[key] = (value, per)
        return out

    return previous


def analyse(
    source,
    *,
    period: str | None,
    user=None,
    filename: str = "",
    corrections: dict | None = None,
    exclusions: list | None = None,
    catalogue: Catalogue | None = None,
) -> Analysis:
    """Read and validate a workbook without writing. Raises WorkbookError for an unreadable file."""
    with _without_cyclic_gc():
        return _analyse(
            source,
            period=period,
            user=user,
            filename=filename,
            corrections=corrections,
            exclusions=exclusions,
            catalogue=catalogue,
        )


def _analyse(source, *, period, user, filename, corrections, exclusions, catalogue) -> Analysis:
    workbook = read_workbook(source, filename=filename, max_bytes=max_upload_bytes())
    results, problems, detections = parse_workbook(workbook)
    proposed = propose_period(workbook, results)
    del workbook  # the raw rows are no longer needed: keep the peak memory of large imports down
    the_period = period or proposed or ""
    catalogue = catalogue or build_catalogue()
    fixes = {k: Decimal(str(v)) for k, v in (corrections or {}).items()}
    period_problem = None
    if not the_period and any(
        any(pv.period is None for pv in r.values) or (r.block and any(it[4] is None for it in r.block.items))
        for r in results
    ):
        period_problem = RowError(
            "", None, None, "", "Chưa có kỳ báo cáo: hãy chọn kỳ (YYYY-MM).", code="missing_period"
        )
    elif the_period and not is_period(the_period):
        period_problem = RowError(
            "",
            None,
            None,
            the_period,
            period_message(the_period),
            code="bad_period",
        )
    if period_problem is not None:
        validated = Validated([], [p for r in results for p in r.problems], set())
        all_problems = [period_problem, *problems, *validated.problems]
    else:
        validated = validate(
            results,
            catalogue,
            the_period,
            writable=writable_units(user),
            previous=_previous_values(catalogue, the_period) if the_period else None,
            corrections=fixes,
            exclusions=set(exclusions or ()),
        )
        _refuse_locked(validated, user)
        all_problems = list(problems) + list(validated.problems)
    sheets = [
        {
            "sheet": d.sheet,
            "layout": d.layout,
            "title": d.title,
            "values": sum(1 for v in validated.values if v.ref.sheet == d.sheet),
        }
        for d in detections
    ]
    analysis = Analysis(the_period, proposed, validated, sheets, all_problems)
    analysis.dti = _resolve_dti(results, catalogue, user, all_problems)
    for sheet in sheets:
        sheet["values"] += sum(
            1 for r in results if r.sheet == sheet["sheet"] for row in r.dti_rows for _ in row.scores
        )
    analysis.skipped = [
        {"sheet": k.split("!")[0], "cell": k.split("!")[1]} for k in sorted(validated.invalid_cells)
    ]
    return analysis


def _refuse_locked(validated: Validated, user) -> None:
    """Approved (unit, period) pairs are locked for every channel: each of their cells becomes an error
    (skippable like any invalid cell) and is left out of the values to write. Added for the approval
    workflow; the rule itself is `indicators.publication.locked_keys`."""
    locked = locked_keys({v.unit for v in validated.values}, {v.period for v in validated.values}, user)
    if not locked:
        return
    keep = []
    for v in validated.values:
        reason = locked.get((v.unit, v.period))
        if reason is None:
            keep.append(v)
            continue
        validated.problems.append(
            RowError(
                v.ref.sheet, v.ref.row, v.ref.column, v.raw, reason, header=v.ref.header, code="period_locked"
            )
        )
        validated.invalid_cells.add(v.cell_key)
    validated.values[:] = keep


def compare(
    values: list[ResolvedValue], catalogue: Catalogue, *, diff_limit: int = DIFF_LIMIT
) -> tuple[dict, list]:
    """Counts new / changed / unchanged against what is stored, and the first changed cells."""
    existing = _existing(values, catalogue)
    new = changed = unchanged = 0
    diff = []
    for v in values:
        key = (catalogue.indicators[v.indicator].id, catalogue.unit_ids.get(v.unit), v.period)
        old = existing.get(key)
        if old is None:
            new += 1
            kind = "new"
        elif _same(old, v):
            unchanged += 1
            continue
        else:
            changed += 1
            kind = "changed"
        if len(diff) < diff_limit:
            diff.append(
                {
                    "sheet": v.ref.sheet,
                    "cell": v.ref.cell,
                    "indicator": v.indicator,
                    "unit": v.unit,
                    "period": v.period,
                    "kind": kind,
                    "before": None if old is None else _text(old[0]),
                    "after": _text(v.value),
                    "raw": v.raw,
                }
            )
    return {"new": new, "changed": changed, "unchanged": unchanged}, diff


def _text(d) -> str | None:
    return None if d is None else format(Decimal(d).normalize(), "f")


def _same(old: tuple, v: ResolvedValue) -> bool:
    def eq(a, b):
        if a is None or b is None:
            return a is None and b is None
        return Decimal(a) == Decimal(b)

    value, numerator, denominator, tiers, note = old
    return (
        eq(value, v.value)
        and eq(numerator, v.numerator)
        and eq(denominator, v.denominator)
        and (tiers or None) == (_tiers_json(v.tiers) or None)
        and (note or "") == (v.note or "")
    )


def _tiers_json(tiers):
    if not tiers:
        return None
    return {k: format(Decimal(x).normalize(), "f") if x is not None else None for k, x in tiers.items()}


def _existing(values: list[ResolvedValue], catalogue: Catalogue) -> dict:
    if not values:
        return {}
    ind_ids = {catalogue.indicators[v.indicator].id for v in values}
    periods = {v.period for v in values}
    unit_ids = {catalogue.unit_ids[v.unit] for v in values if v.unit in catalogue.unit_ids}
    qs = DataValue.objects.filter(indicator_id__in=ind_ids, period__in=periods)
    if len(unit_ids) < 500:
        qs = qs.filter(unit_id__in=unit_ids)
    return {
        (i, u, p): (val, num, den, tiers, note)
        for i, u, p, val, num, den, tiers, note in qs.values_list(
            "indicator_id", "unit_id", "period", "value", "numerator", "denominator", "tiers", "note"
        ).iterator(chunk_size=20000)
    }


# ---- writing ---------------------------------------------------------------------------------


def write_values(
    values: list[ResolvedValue], catalogue: Catalogue, *, batch_id: int, user
) -> tuple[int, int]:
    """Upsert values and their audit entries; returns (new, changed). Call inside atomic()."""
    if not values:
        return 0, 0
    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    with _without_cyclic_gc():
        if connection.vendor == "postgresql":
            new, changed, pairs = _write_postgres(values, catalogue, batch_id=batch_id, user_id=user_id)
            _values_changed(pairs)  # the single call site telling the status engine what changed
            return new, changed
        new, changed = _write_generic(values, catalogue, batch_id=batch_id, user_id=user_id)
    if new or changed:
        _notify_status_engine(batch_id)
    return new, changed


def _notify_status_engine(batch_id: int) -> None:
    """Tell the status engine what changed (enqueued on commit): the earliest period written per
    (indicator, unit), aggregated by the database (a 200,000-value batch is ~4,000 pairs). The
    PostgreSQL path gets the same pairs from its upsert's RETURNING instead."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT indicator_id, unit_id, min(period) FROM {DataValue._meta.db_table} "
            "WHERE batch_id = %s GROUP BY indicator_id, unit_id",
            [batch_id],
        )
        pairs: dict[tuple[int, int], str] = {(i, u): p for i, u, p in cursor.fetchall()}
    _values_changed(pairs)


def _values_changed(pairs: dict[tuple[int, int], str]) -> None:
    if pairs:
        values_changed(pairs)


NULL = "\\N"


def _copy_text(v) -> str:
    if v is None:
        return "\\N"
    s = str(v)
    if "\\" not in s and "\t" not in s and "\n" not in s and "\r" not in s:
        return s
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _stage_lines(values: list[ResolvedValue], catalogue: Catalogue, chunk: int = 5000):
    """The COPY text of the staging table (tab-separated, \\N for NULL), yielded as UTF-8 chunks
    of `chunk` rows so that a 200,000-row import never holds the whole text (and a copy of it) in
    memory. Only the text fields need escaping."""
    inds = {c: m.id for c, m in catalogue.indicators.items()}
    units = catalogue.unit_ids
    out: list[str] = []
    append = out.append
    for v in values:
        if v.tiers is None and v.numerator is None and v.denominator is None and not v.flags:
            # the common shape (long and wide files): no tiers, no ratio parts, no flags
            append(
                f"{inds[v.indicator]}\t{units[v.unit]}\t{v.period}\t"
                f"{NULL if v.value is None else v.value}\t\\N\t\\N\t\\N\t"
                f"{_copy_text((v.raw or '')[:500])}\t{_copy_text(v.note or '')}\t[]\n"
            )
        else:
            tiers = _tiers_json(v.tiers)
            flags = [f for f in v.flags if f != "error"]
            append(
                f"{inds[v.indicator]}\t{units[v.unit]}\t{v.period}\t"
                f"{NULL if v.value is None else v.value}\t"
                f"{NULL if v.numerator is None else v.numerator}\t"
                f"{NULL if v.denominator is None else v.denominator}\t"
                f"{_copy_text(json.dumps(tiers, ensure_ascii=False)) if tiers else NULL}\t"
                f"{_copy_text((v.raw or '')[:500])}\t{_copy_text(v.note or '')}\t"
                f"{_copy_text(json.dumps(flags, ensure_ascii=False)) if flags else '[]'}\n"
            )
        if len(out) >= chunk:
            yield "".join(out).encode()
            out.clear()
    if out:
        yield "".join(out).encode()


class _ChunkReader:
    """A file-like object over an iterator of bytes chunks, for `copy_expert` (which calls
    `read(size)` until it gets b"")."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._buf = b""
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if self._pos >= len(self._buf):
            self._buf = next(self._chunks, b"")
            self._pos = 0
            if not self._buf:
                return b""
        if size < 0:
            size = len(self._buf)
        out = self._buf[self._pos : self._pos + size]
        self._pos += len(out)
        return out

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - copy_expert uses read()
        return self.read(size)


def _write_postgres(values, catalogue, *, batch_id: int, user_id: int | None) -> tuple[int, int, dict]:
    dv = DataValue._meta.db_table
    audit = AuditEntry._meta.db_table
    ind_t = Indicator._meta.db_table
    unit_t = Unit._meta.db_table
    buf = _ChunkReader(_stage_lines(values, catalogue))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE import_stage (indicator_id bigint, unit_id bigint, period varchar(7), "
            "value numeric, numerator numeric, denominator numeric, tiers jsonb, raw varchar(500), "
            "note text, flags jsonb) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert("COPY import_stage FROM STDIN", buf, size=1 << 20)
        # Top-level keys whose value is null are left out (undo and history read snapshots with
        # .get()): a value of a long or wide file has no numerator, denominator or tiers, and
        # those nulls were a third of each snapshot. Tiers are added whole, their nulls kept.
        snap = (
            "(jsonb_strip_nulls(jsonb_build_object('value', trim_scale({t}.value)::text, "
            "'numerator', trim_scale({t}.numerator)::text, "
            "'denominator', trim_scale({t}.denominator)::text, 'raw', {t}.raw, "
            "'note', {t}.note, 'source', {src}, 'batch_id', {b})) "
            "|| CASE WHEN {t}.tiers IS NULL THEN '{{}}'::jsonb ELSE jsonb_build_object('tiers', {t}.tiers) END)"
        )
        before = snap.format(t="d", src="d.source", b="d.batch_id")
        after = snap.format(t="s", src="'import'", b="%(batch)s::bigint")
        # Statistics for the planner: without them it guesses ~1,000 staged rows and may join
        # the unit table by a nested loop per row (4 s instead of 0.7 s for 60,000 values).
        cursor.execute("ANALYZE import_stage")
        # `known`: the (indicator, period) pairs that already hold values, found through the
        # (period, indicator) index. Only their rows need a lookup of the stored value; the rows
        # of a month imported for the first time are all new and skip that per-row probe.
        cursor.execute(
            f"""
            WITH known AS (
              SELECT p.indicator_id, p.period FROM (SELECT DISTINCT indicator_id, period FROM import_stage) p
              WHERE EXISTS (SELECT 1 FROM {dv} x WHERE x.period = p.period AND x.indicator_id = p.indicator_id)
            ),
            ins AS (
              INSERT INTO {audit} (action, user_id, object_type, object_key, before, after, source, batch_id, note, created_at)
              SELECT CASE WHEN d.id IS NULL THEN '{VALUE_ACTION}.created' ELSE '{VALUE_ACTION}.updated' END,
                     %(user)s::integer, 'datavalue', i.code || '/' || u.code || '/' || s.period,
                     CASE WHEN d.id IS NULL THEN NULL ELSE {before} END, {after},
                     'import', %(batch)s::bigint, '', now()
              FROM import_stage s
              JOIN known k ON k.indicator_id = s.indicator_id AND k.period = s.period
              JOIN {ind_t} i ON i.id = s.indicator_id
              JOIN {unit_t} u ON u.id = s.unit_id
              LEFT JOIN {dv} d ON d.indicator_id = s.indicator_id AND d.unit_id = s.unit_id AND d.period = s.period
              WHERE d.id IS NULL
                 OR (d.value, d.numerator, d.denominator, d.tiers, d.note)
                    IS DISTINCT FROM (s.value, s.numerator, s.denominator, s.tiers, s.note)
              UNION ALL
              SELECT '{VALUE_ACTION}.created', %(user)s::integer, 'datavalue', i.code || '/' || u.code || '/' || s.period,
                     NULL, {after}, 'import', %(batch)s::bigint, '', now()
              FROM import_stage s
              JOIN {ind_t} i ON i.id = s.indicator_id
              JOIN {unit_t} u ON u.id = s.unit_id
              WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.indicator_id = s.indicator_id AND k.period = s.period)
              RETURNING before IS NULL AS is_new
            )
            SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM ins
            """,
            {"user": user_id, "batch": batch_id},
        )
        new, changed = cursor.fetchone()
        # The pairs for the status engine come back from the upsert itself (RETURNING the rows
        # it wrote, aggregated): no second pass over the values by batch.
        cursor.execute(
            f"""
            WITH up AS (
            INSERT INTO {dv} (indicator_id, unit_id, period, value, numerator, denominator, tiers, raw, source,
                              batch_id, updated_by_id, note, flags, created_at, updated_at)
            SELECT s.indicator_id, s.unit_id, s.period, s.value, s.numerator, s.denominator, s.tiers, s.raw,
                   'import', %(batch)s, %(user)s, s.note, s.flags, now(), now()
            FROM import_stage s
            ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET
              value = EXCLUDED.value, numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,
              tiers = EXCLUDED.tiers, raw = EXCLUDED.raw, source = EXCLUDED.source, batch_id = EXCLUDED.batch_id,
              updated_by_id = EXCLUDED.updated_by_id, note = EXCLUDED.note, flags = EXCLUDED.flags,
              updated_at = EXCLUDED.updated_at
            WHERE ({dv}.value, {dv}.numerator, {dv}.denominator, {dv}.tiers, {dv}.note)
                  IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.tiers, EXCLUDED.note)
            RETURNING indicator_id, unit_id, period
            )
            SELECT indicator_id, unit_id, min(period) FROM up GROUP BY indicator_id, unit_id
            """,
            {"user": user_id, "batch": batch_id},
        )
        pairs = {(i, u): p for i, u, p in cursor.fetchall()}
        cursor.execute("DROP TABLE import_stage")
    return new, changed, pairs


def _snapshot(value, numerator, denominator, tiers, raw, note, source, batch) -> dict:
    return {
        "value": _text(value),
        "numerator": _text(numerator),
        "denominator": _text(denominator),
        "tiers": tiers,
        "raw": raw,
        "note": note,
        "source": source,
        "batch_id": batch,
    }


def _write_generic(values, catalogue, *, batch_id: int, user_id: int | None) -> tuple[int, int]:
    existing = {
        (i, u, p): row
        for i, u, p, *row in DataValue.objects.filter(
            indicator_id__in={catalogue.indicators[v.indicator].id for v in values},
            period__in={v.period for v in values},
        ).values_list(
            "indicator_id",
            "unit_id",
            "period",
            "value",
            "numerator",
            "denominator",
            "tiers",
            "raw",
            "note",
            "source",
            "batch_id",
        )
    }
    objs, audits = [], []
    new = changed = 0
    now = timezone.now()
    for v in values:
        ind = catalogue.indicators[v.indicator].id
        unit = catalogue.unit_ids[v.unit]
        old = existing.get((ind, unit, v.period))
        if old is not None and _same((old[0], old[1], old[2], old[3], old[5]), v):
            continue
        tiers = _tiers_json(v.tiers)
        raw = (v.raw or "")[:500]
        if old is None:
            new += 1
        else:
            changed += 1
        objs.append(
            DataValue(
                indicator_id=ind,
                unit_id=unit,
                period=v.period,
                value=v.value,
                numerator=v.numerator,
                denominator=v.denominator,
                tiers=tiers,
                raw=raw,
                source="import",
                batch_id=batch_id,
                updated_by_id=user_id,
                note=v.note or "",
                flags=[f for f in v.flags if f != "error"],
                created_at=now,
                updated_at=now,
            )
        )
        audits.append(
            AuditEntry(
                action=f"{VALUE_ACTION}.{'created' if old is None else 'updated'}",
                user_id=user_id,
                object_type="datavalue",
                object_key=f"{v.indicator}/{v.unit}/{v.period}",
                before=None if old is None else _snapshot(*old),
                after=_snapshot(
                    v.value, v.numerator, v.denominator, tiers, raw, v.note or "", "import", batch_id
                ),
                source="import",
                batch_id=batch_id,
            )
        )
    DataValue.objects.bulk_create(
        objs,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["indicator", "unit", "period"],
        update_fields=[
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
        ],
    )
    AuditEntry.objects.bulk_create(audits, batch_size=2000)
    return new, changed


# ---- outcomes --------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    batch: ImportBatch | None
    status: str  # committed | rejected | dry_run | preview
    period: str
    counts: dict
    errors: list[dict]
    warnings: list[dict]
    skipped: list[dict] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    unreadable: bool = False

    def as_json(self) -> dict:
        return {
            "batch": self.batch.pk if self.batch else None,
            "status": self.status,
            "period": self.period or None,
            "counts": self.counts,
            "errors": self.errors,
            "warnings": self.warnings,
            "skipped": self.skipped,
            "sheets": self.sheets,
        }

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 0 if self.status in ("committed", "dry_run", "preview") else 1

    def summary(self) -> str:
        c = self.counts
        label = dict(ImportBatch.Status.choices).get(self.status, self.status)
        return (
            f"{label}: {c.get('new', 0)} mới, {c.get('changed', 0)} thay đổi, {c.get('unchanged', 0)} không đổi, "
            f"{c.get('skipped', 0)} bỏ qua; {len(self.errors)} lỗi, {len(self.warnings)} cảnh báo"
        )

    @classmethod
    def of(cls, batch: ImportBatch, *, unreadable: bool = False) -> ImportOutcome:
        status = batch.status
        if status == ImportBatch.Status.FAILED:
            status = "rejected"
        return cls(
            batch,
            status,
            batch.period,
            dict(batch.counts),
            list(batch.errors),
            list(batch.warnings),
            list(batch.skipped),
            list(batch.sheets),
            unreadable,
        )


def _read_source(source, filename: str) -> tuple[bytes, str]:
    if isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        if size > max_upload_bytes():
            return b"", filename or path.name  # read_workbook refuses it by size without reading
        return path.read_bytes(), filename or path.name
    if isinstance(source, bytes | bytearray):
        return bytes(source), filename or "upload.xlsx"
    size = getattr(source, "size", None)
    if size and size > max_upload_bytes():
        return b"", filename or getattr(source, "name", "upload.xlsx")
    data = source.read(max_upload_bytes() + 1)
    return data, filename or Path(getattr(source, "name", "upload.xlsx")).name


def _new_batch(
    data: bytes,
    filename: str,
    *,
    user,
    period: str | None,
    source_kind: str,
    skip_invalid: bool,
    keep_file: bool = True,
):
    batch = ImportBatch(
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest() if data else "",
        size=len(data),
        uploaded_by=user if user is not None and getattr(user, "pk", None) else None,
        period=period if period and is_period(period) else "",
        source=source_kind,
        skip_invalid=skip_invalid,
    )
    if data and keep_file and len(data) <= max_upload_bytes():
        batch.file.save(Path(filename).name or "upload.xlsx", ContentFile(data), save=False)
    batch.save()
    return batch


def _apply_analysis(
    batch: ImportBatch,
    analysis: Analysis,
    catalogue: Catalogue,
    *,
    skip_invalid: bool,
    with_diff: bool = True,
) -> list[ResolvedValue]:
    values = analysis.validated.values
    if with_diff:
        counts, diff = compare(values, catalogue)
    else:  # a direct commit: the write itself counts new/changed/unchanged
        counts, diff = {"new": 0, "changed": 0, "unchanged": 0}, []
    counts["skipped"] = len(analysis.skipped)
    batch.counts = counts
    batch.diff = diff
    batch.errors = [p.as_dict() for p in analysis.errors]
    batch.warnings = [p.as_dict() for p in analysis.warnings]
    batch.skipped = analysis.skipped if (skip_invalid or batch.exclusions) else []
    batch.sheets = analysis.sheets
    if analysis.period and is_period(analysis.period):
        batch.period = analysis.period
    return values


def _fatal(batch: ImportBatch, exc: WorkbookError) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.errors = [
        {
            "sheet": "",
            "row": None,
            "column": "",
            "cell": "",
            "value": "",
            "message": exc.message,
            "code": exc.code,
            "suggestion": None,
        }
    ]
    batch.message = exc.message
    batch.counts = {"new": 0, "changed": 0, "unchanged": 0, "skipped": 0}
    batch.save()


def _blocking(analysis: Analysis, skip_invalid: bool) -> list[RowError]:
    """Errors that stop a commit: all of them, or with skip_invalid only those not tied to a cell
    that can be left out (missing period, missing required column, formula without value)."""
    if not skip_invalid:
        return analysis.errors
    return [e for e in analysis.errors if not e.cell or e.code in ("formula_without_value",)]


def import_file(
    source,
    *,
    period: str | None = None,
    user=None,
    commit: bool = True,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source_kind: str = ImportBatch.Source.CLI,
    filename: str = "",
) -> ImportOutcome:
    """Import one workbook in one go. Never raises for a bad file: the outcome says what happened."""
    data, filename = _read_source(source, filename)
    batch = _new_batch(
        data, filename, user=user, period=period, source_kind=source_kind, skip_invalid=skip_invalid
    )
    catalogue = build_catalogue()
    try:
        analysis = analyse(
            source if not data else data, period=period, user=user, filename=filename, catalogue=catalogue
        )
    except WorkbookError as exc:
        _fatal(batch, exc)
        return ImportOutcome.of(batch, unreadable=True)
    values = _apply_analysis(
        batch,
        analysis,
        catalogue,
        skip_invalid=skip_invalid,
        with_diff=dry_run or not commit or bool(_blocking(analysis, skip_invalid)),
    )
    blocking = _blocking(analysis, skip_invalid)
    if dry_run or not commit:
        batch.status = ImportBatch.Status.DRY_RUN if dry_run else ImportBatch.Status.PREVIEW
        if dry_run and blocking:
            batch.status = ImportBatch.Status.REJECTED
        batch.save()
        return ImportOutcome.of(batch)
    if blocking:
        batch.status = ImportBatch.Status.REJECTED
        batch.message = f"{len(analysis.errors)} lỗi: chưa nhập số liệu nào."
        batch.save()
        return ImportOutcome.of(batch)
    _commit(batch, values, catalogue, user, analysis.dti)
    return ImportOutcome.of(batch)


def _resolve_dti(results, catalogue: Catalogue, user, problems: list[RowError]) -> list[tuple]:
    """DTI rows → (unit code, year, pillar code, level, score, raw); problems appended in place."""
    writable = writable_units(user)
    out = []
    for res in results:
        if not res.dti_rows:
            continue
        if res.dti_year is None:
            problems.append(
                RowError(
                    res.sheet,
                    None,
                    None,
                    "",
                    "Không rõ năm của bảng DTI (cần 'năm YYYY' trong tiêu đề)",
                    code="missing_year",
                )
            )
            continue
        for row in res.dti_rows:
            m = catalogue.units.match(row.unit_label, row.level)
            if m.code is None:
                problems.append(
                    RowError(
                        res.sheet,
                        row.ref.row,
                        row.ref.column,
                        row.unit_label,
                        m.message(),
                        code="unknown_unit",
                    )
                )
                continue
            if writable is not None and m.code not in writable:
                problems.append(
                    RowError(
                        res.sheet,
                        row.ref.row,
                        row.ref.column,
                        row.unit_label,
                        f"Bạn không có quyền nhập số liệu cho đơn vị '{m.candidate.name}'",
                        code="forbidden_unit",
                    )
                )
                continue
            for pillar, score in row.scores.items():
                out.append((m.code, res.dti_year, pillar, row.level, score, format(score.normalize(), "f")))
    return out


def _write_dti(rows: list[tuple], *, batch_id: int, user) -> int:
    """Replace the DTI scores of the (unit, year, pillar) triples in `rows`, with audit entries."""
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
        if pillar is None:
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
                before={"score": _text(old.score)} if old else None,
                after={"score": _text(score)},
                source="import",
                batch_id=batch_id,
            )
        )
    DTIScore.objects.filter(pk__in=stale).delete()
    DTIScore.objects.bulk_create(new)
    AuditEntry.objects.bulk_create(audits)
    return len(new)


DB_FAILURE_MESSAGE = (
    "Mất kết nối cơ sở dữ liệu trong khi ghi số liệu: không có số liệu nào được ghi. Vui lòng nhập lại tệp."
)


class _StatusChanged(Exception):
    """The batch left the status the write expected (another delivery of its task finished it)."""


def _lock_batch(batch: ImportBatch, expect: str) -> None:
    """Inside a transaction: lock the batch's row and check it is still in `expect`. Two deliveries of
    the same commit task (a worker presumed dead, a visibility timeout expiring on a slow commit)
    queue on this lock; the second one then sees COMMITTED and writes nothing."""
    current = (
        ImportBatch.objects.select_for_update().filter(pk=batch.pk).values_list("status", flat=True).first()
    )
    if current != expect:
        raise _StatusChanged(current)


def _commit(
    batch: ImportBatch,
    values: list[ResolvedValue],
    catalogue: Catalogue,
    user,
    dti: list | None = None,
    *,
    expect: str | None = None,
    retry_db_errors: bool = False,
) -> bool:
    """Write the batch in one transaction. A database failure (connection dropped, server restarted)
    rolls everything back; the batch is then marked failed with a Vietnamese message and False is
    returned, so the caller reports it instead of answering with a 500.

    `expect`: write only if the batch is still in this status, checked under its row lock (False
    otherwise, nothing written, `batch` reloaded). `retry_db_errors`: let a lost connection
    (OperationalError, InterfaceError) propagate instead, for a task that retries; the batch is left
    as it was."""
    try:
        with transaction.atomic():
            if expect is not None:
                _lock_batch(batch, expect)
            lock_periods({v.period for v in values})
            _write_batch(batch, values, catalogue, user, dti)
    except _StatusChanged:
        batch.refresh_from_db()
        return False
    except DatabaseError as exc:
        if connection.in_atomic_block:
            raise  # an outer transaction owns the connection: let it roll back and report
        logger.exception("Import batch %s: database error during commit, rolled back", batch.pk)
        connection.close()  # a dropped connection cannot be reused; the next query reconnects
        if retry_db_errors and isinstance(exc, OperationalError | InterfaceError):
            raise
        _mark_database_failure(batch)
        return False
    return True


def _mark_database_failure(batch: ImportBatch) -> None:
    """The commit rolled back: FAILED with a Vietnamese message, unless another delivery of the commit
    task committed the batch meanwhile (then `batch` is reloaded as it is)."""
    problem = {
        "sheet": "",
        "row": None,
        "column": "",
        "cell": "",
        "value": "",
        "message": DB_FAILURE_MESSAGE,
        "code": "database_error",
        "suggestion": None,
    }
    batch.status = ImportBatch.Status.FAILED
    batch.message = DB_FAILURE_MESSAGE
    batch.counts = {**(batch.counts or {}), "new": 0, "changed": 0}
    batch.errors = [*(batch.errors or []), problem]
    marked = (
        ImportBatch.objects.filter(pk=batch.pk)
        .exclude(status=ImportBatch.Status.COMMITTED)
        .update(status=batch.status, message=batch.message, counts=batch.counts, errors=batch.errors)
    )
    if not marked:
        batch.refresh_from_db()


def _write_batch(batch, values, catalogue, user, dti) -> None:
    new, changed = write_values(values, catalogue, batch_id=batch.pk, user=user)
    _note_workflow(values, catalogue, user)
    _write_dti(dti or [], batch_id=batch.pk, user=user)
    batch.counts = {
        **batch.counts,
        "new": new,
        "changed": changed,
        "unchanged": len(values) - new - changed,
    }
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.message = ""
    batch.save()
    AuditEntry.objects.create(
        action="imports.batch.committed",
        user=batch.uploaded_by,
        object_type="importbatch",
        object_key=str(batch.pk),
        after={"filename": batch.filename, "period": batch.period, "counts": batch.counts},
        source="import",
        batch_id=batch.pk,
    )


def _note_workflow(values: list[ResolvedValue], catalogue: Catalogue, user) -> None:
    """A reporter's imported values wait for approval like its typed ones (approval workflow)."""
    unit_ids = dict(Unit.objects.filter(code__in={v.unit for v in values}).values_list("code", "id"))
    values_written(
        user, {(unit_ids[v.unit], v.period) for v in values if v.unit in unit_ids}, source="import"
    )


# ---- the web path: preview, corrections, commit ------------------------------------------------


def create_preview(
    upload, *, period: str | None, user, source_kind: str = ImportBatch.Source.WEB
) -> ImportBatch:
    data, filename = _read_source(upload, "")
    batch = _new_batch(data, filename, user=user, period=period, source_kind=source_kind, skip_invalid=False)
    refresh_preview(batch, user=user, data=data)
    return batch


def refresh_preview(batch: ImportBatch, *, user, data: bytes | None = None) -> ImportBatch:
    """(Re)analyse a batch's file with its corrections and exclusions."""
    catalogue = build_catalogue()
    if data is None:
        if not batch.file:
            _fatal(batch, WorkbookError("Tệp của lô nhập không còn trên máy chủ.", "missing_file"))
            return batch
        with batch.file.open("rb") as fh:
            data = fh.read()
    try:
        analysis = analyse(
            data,
            period=batch.period or None,
            user=user,
            filename=batch.filename,
            corrections=batch.corrections,
            exclusions=batch.exclusions,
            catalogue=catalogue,
        )
    except WorkbookError as exc:
        _fatal(batch, exc)
        return batch
    _apply_analysis(batch, analysis, catalogue, skip_invalid=batch.skip_invalid)
    batch.status = ImportBatch.Status.PREVIEW
    batch.progress = 100
    batch.message = ""  # a refused commit's message is answered by this new preview
    batch.save()
    return batch


def update_preview(
    batch: ImportBatch,
    *,
    user,
    period: str | None = None,
    corrections: dict | None = None,
    exclusions: list | None = None,
) -> ImportBatch:
    if period is not None:
        batch.period = period if is_period(period) else ""
    if corrections is not None:
        batch.corrections = {k: str(v) for k, v in corrections.items()}
    if exclusions is not None:
        batch.exclusions = sorted(set(exclusions))
    batch.save()
    return refresh_preview(batch, user=user)


class ImportError_(Exception):
    """A workflow step that cannot run (Vietnamese message)."""


MISSING_FILE_MESSAGE = "Tệp của lô nhập không còn trên máy chủ."
STUCK_COMMIT_MESSAGE = (
    "Việc nhập lô này bị gián đoạn, chưa có số liệu nào được ghi. Hãy bấm “Xác nhận nhập số liệu” lần nữa."
)


def _blocking_message(batch: ImportBatch, errors: int) -> str:
    return f"Lô #{batch.pk} còn {errors} lỗi: hãy sửa hoặc loại trừ các ô lỗi trước khi nhập."


def _batch_file(batch: ImportBatch) -> bytes | None:
    """The batch's stored file, or None when it is gone (never uploaded, or deleted from disk)."""
    if not batch.file:
        return None
    try:
        with batch.file.open("rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _reanalyse(batch: ImportBatch, data: bytes, user) -> tuple[Analysis, list[ResolvedValue], Catalogue]:
    """Read the file again with the batch's corrections and exclusions (raises WorkbookError)."""
    catalogue = build_catalogue()
    analysis = analyse(
        data,
        period=batch.period or None,
        user=user,
        filename=batch.filename,
        corrections=batch.corrections,
        exclusions=batch.exclusions,
        catalogue=catalogue,
    )
    values = _apply_analysis(batch, analysis, catalogue, skip_invalid=batch.skip_invalid)
    return analysis, values, catalogue


def commit_batch(batch: ImportBatch, user) -> ImportOutcome:
    """Commit a previewed batch now, in this process. (The web page goes through `start_commit` and
    `imports.tasks.commit_batch_task` instead, which end in `finish_commit`.)"""
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ImportError_(f"Lô #{batch.pk} không ở trạng thái chờ xác nhận.")
    data = _batch_file(batch)
    if data is None:
        raise ImportError_(MISSING_FILE_MESSAGE)
    try:
        analysis, values, catalogue = _reanalyse(batch, data, user)
    except WorkbookError as exc:
        _fatal(batch, exc)
        return ImportOutcome.of(batch, unreadable=True)
    if _blocking(analysis, batch.skip_invalid):
        batch.save()
        raise ImportError_(_blocking_message(batch, len(analysis.errors)))
    _commit(batch, values, catalogue, user, analysis.dti, expect=ImportBatch.Status.PREVIEW)
    return ImportOutcome.of(batch)


def start_commit(batch: ImportBatch) -> bool:
    """The user confirmed a previewed batch: mark it COMMITTING so that a worker writes it.

    One conditional UPDATE, so a double click (or two tabs) starts one commit: True when this call
    started it (the caller then enqueues `commit_batch_task`), False when it is already being
    committed. Raises ImportError_ (Vietnamese) when the batch is in no state to be committed."""
    if batch.status == ImportBatch.Status.PREVIEW and not batch.can_commit:
        raise ImportError_(_blocking_message(batch, len(batch.errors)))
    started = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.COMMITTING, message="", commit_requested_at=timezone.now()
    )
    batch.refresh_from_db(fields=["status", "message", "commit_requested_at"])
    if started:
        return True
    if batch.status == ImportBatch.Status.COMMITTING:
        return False
    raise ImportError_(f"Lô #{batch.pk} không ở trạng thái chờ xác nhận.")


def _settle(batch: ImportBatch, change) -> bool:
    """Apply `change(batch)` (which saves it) only if the batch is still COMMITTING, under its row lock:
    a duplicate delivery that lost the race to a commit must not undo it."""
    try:
        with transaction.atomic():
            _lock_batch(batch, ImportBatch.Status.COMMITTING)
            change(batch)
    except _StatusChanged:
        batch.refresh_from_db()
        return False
    return True


def finish_commit(batch_id: int, user) -> str:
    """Write a batch that `start_commit` marked COMMITTING (the body of `commit_batch_task`).

    Idempotent, so a redelivered task message is harmless: a batch in any other state (already
    committed, undone, failed, handed back) is left alone, and the write itself checks the status
    again under the batch's row lock, so two deliveries never both write. The write is one
    transaction: a worker killed inside it leaves nothing written and the batch COMMITTING, and the
    redelivered message commits it.

    Expected failures end as a batch state with a Vietnamese message, never as an exception: errors
    that block the commit → back to PREVIEW; unreadable or missing file → FAILED. A lost database
    connection (OperationalError, InterfaceError) propagates for the task to retry; the batch stays
    COMMITTING. Returns the batch's status afterwards."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    if batch.status != ImportBatch.Status.COMMITTING:
        return batch.status
    data = _batch_file(batch)
    if data is None:
        _settle(batch, lambda b: _fatal(b, WorkbookError(MISSING_FILE_MESSAGE, "missing_file")))
        return batch.status
    try:
        analysis, values, catalogue = _reanalyse(batch, data, user)
    except WorkbookError as exc:
        error = exc
        _settle(batch, lambda b: _fatal(b, error))
        return batch.status
    if _blocking(analysis, batch.skip_invalid):
        message = _blocking_message(batch, len(analysis.errors))

        def back_to_preview(b):
            b.status, b.message = ImportBatch.Status.PREVIEW, message
            b.save()

        _settle(batch, back_to_preview)
        return batch.status
    _commit(
        batch,
        values,
        catalogue,
        user,
        analysis.dti,
        expect=ImportBatch.Status.COMMITTING,
        retry_db_errors=True,
    )
    return batch.status


ANALYSIS_DB_FAILURE_MESSAGE = (
    "Mất kết nối cơ sở dữ liệu trong khi đọc tệp: chưa có số liệu nào được ghi. Vui lòng tải tệp lên lại."
)


def fail_analysis(batch_id: int) -> str:
    """The analysis lost its database connection for good: the batch ends FAILED with a Vietnamese
    message (nothing of an unconfirmed batch is ever written). If the database is still unreachable,
    the batch stays as it was and only the log says why."""
    try:
        batch = ImportBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            return "missing"
        _fatal(batch, WorkbookError(ANALYSIS_DB_FAILURE_MESSAGE, "database_error"))
    except DatabaseError:
        logger.exception("Import batch %s: database still unreachable, batch left as it was", batch_id)
        return "error"
    return batch.status


def fail_commit(batch_id: int) -> str:
    """The commit task gave up retrying a lost database connection: the batch, if still COMMITTING,
    ends FAILED with the message of a rolled-back commit (nothing was written)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    _settle(batch, _mark_database_failure)
    return batch.status


def release_stuck_commits(older_than: timedelta) -> int:
    """Hand back to the user every batch COMMITTING for longer than `older_than`: its task message was
    lost (the broker restarted without persistence, a queue purged) or never ran. Nothing of such a
    batch is written (a commit sets COMMITTED in its own transaction), so it returns to PREVIEW with a
    message asking to confirm again. A late delivery of the old message then finds PREVIEW and does
    nothing; a commit running right now holds the row lock, and this UPDATE, re-checked after it,
    leaves the committed batch alone. Returns how many batches were released."""
    cutoff = timezone.now() - older_than
    released = ImportBatch.objects.filter(
        status=ImportBatch.Status.COMMITTING, commit_requested_at__lt=cutoff
    ).update(status=ImportBatch.Status.PREVIEW, message=STUCK_COMMIT_MESSAGE)
    if released:
        logger.warning("Released %s import batch(es) stuck in committing since before %s", released, cutoff)
    return released


# ---- undo ------------------------------------------------------------------------------------


def undo_batch(batch: ImportBatch, user) -> dict:
    """Restore every value the batch created or changed, from its audit entries.

    Refused when a later write changed one of those values (undoing would overwrite it)."""
    if batch.status != ImportBatch.Status.COMMITTED:
        raise ImportError_(f"Lô #{batch.pk} chưa được nhập hoặc đã hoàn tác.")
    entries = list(
        AuditEntry.objects.filter(
            batch_id=batch.pk,
            object_type="datavalue",
            action__in=[f"{VALUE_ACTION}.created", f"{VALUE_ACTION}.updated"],
        ).values_list("object_key", "action", "before")
    )
    keys = {}
    for key, action, before in entries:
        ind, unit, per = key.rsplit("/", 2)
        keys[(ind, unit, per)] = (action, before)
    ind_ids = dict(Indicator.objects.filter(code__in={k[0] for k in keys}).values_list("code", "id"))
    unit_ids = dict(Unit.objects.filter(code__in={k[1] for k in keys}).values_list("code", "id"))
    by_id = {(ind_ids[i], unit_ids[u], p): (i, u, p) for i, u, p in keys if i in ind_ids and u in unit_ids}
    with transaction.atomic():
        current = {
            (i, u, p): (pk, b, val, num, den, tiers, raw, note, src)
            for pk, i, u, p, b, val, num, den, tiers, raw, note, src in DataValue.objects.select_for_update()
            .filter(indicator_id__in=set(ind_ids.values()), period__in={k[2] for k in keys})
            .values_list(
                "id",
                "indicator_id",
                "unit_id",
                "period",
                "batch_id",
                "value",
                "numerator",
                "denominator",
                "tiers",
                "raw",
                "note",
                "source",
            )
            if (i, u, p) in by_id
        }
        later = [by_id[k] for k, row in current.items() if row[1] != batch.pk]
        if later:
            sample = ", ".join("/".join(k) for k in later[:5])
            raise ImportError_(
                f"Không thể hoàn tác lô #{batch.pk}: {len(later)} số liệu đã được thay đổi sau đó ({sample}…)."
            )
        delete_ids, restore, audits = [], [], []
        for k, (pk, _b, val, num, den, tiers, raw, note, src) in current.items():
            codes = by_id[k]
            action, before = keys[codes]
            after_now = _snapshot(val, num, den, tiers, raw, note, src, batch.pk)
            if action.endswith(".created") or before is None:
                delete_ids.append(pk)
                audits.append((codes, after_now, None, "deleted"))
            else:
                restore.append(
                    DataValue(
                        id=pk,
                        value=_dec(before.get("value")),
                        numerator=_dec(before.get("numerator")),
                        denominator=_dec(before.get("denominator")),
                        tiers=before.get("tiers"),
                        raw=before.get("raw") or "",
                        note=before.get("note") or "",
                        source=before.get("source") or "import",
                        batch_id=before.get("batch_id"),
                        updated_by_id=user.pk if user is not None and getattr(user, "pk", None) else None,
                    )
                )
                audits.append((codes, after_now, before, "restored"))
        pairs: dict[tuple[int, int], str] = {}
        for i, u, p in current:
            if (i, u) not in pairs or p < pairs[(i, u)]:
                pairs[(i, u)] = p
        DataValue.objects.filter(id__in=delete_ids).delete()
        DataValue.objects.bulk_update(
            restore,
            ["value", "numerator", "denominator", "tiers", "raw", "note", "source", "batch_id", "updated_by"],
            batch_size=2000,
        )
        uid = user.pk if user is not None and getattr(user, "pk", None) else None
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    action=f"{VALUE_ACTION}.{what}",
                    user_id=uid,
                    object_type="datavalue",
                    object_key="/".join(codes),
                    before=before,
                    after=after,
                    source="import",
                    note=f"Hoàn tác lô #{batch.pk}",
                )
                for codes, before, after, what in audits
            ],
            batch_size=2000,
        )
        AuditEntry.objects.create(
            action="imports.batch.undone",
            user_id=uid,
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
        _values_changed(pairs)
    return {"deleted": len(delete_ids), "restored": len(restore)}


def _dec(text):
    return None if text in (None, "") else Decimal(str(text))


def describe_counts(counts: dict) -> str:
    return ", ".join(
        f"{format_vn(counts.get(k, 0))} {label}"
        for k, label in (
            ("new", "mới"),
            ("changed", "thay đổi"),
            ("unchanged", "không đổi"),
            ("skipped", "bỏ qua"),
        )
    )


def group_problems_by_cell(problems: list[dict]) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for p in problems:
        out[f"{p.get('sheet')}!{p.get('cell')}"].append(p)
    return out
