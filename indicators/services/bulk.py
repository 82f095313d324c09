"""The door's bulk backend (PostgreSQL): COPY the values into a temporary table, then ONE statement
that upserts them, deletes the absent ones and inserts one change row per changed value.

    WITH known AS (…), old AS (…),            -- the stored rows, as the statement's snapshot sees them
         up AS (INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM … RETURNING …),
         gone AS (DELETE … RETURNING …),     -- only when something is recorded absent
         logged AS (INSERT INTO indicators_valuechange SELECT … FROM up LEFT JOIN old … RETURNING …)
    SELECT the counts UNION ALL the (unit, period) pairs UNION ALL the (indicator, unit) pairs …

A file for a month nobody has written yet (no staged (indicator, period) holds a stored value, one
index probe per pair says so) takes a leaner form of the statement: a plain INSERT and a change row per
value, with nothing to look up (`_fresh_statement`).

Every sub-statement sees the same snapshot, taken after the period locks were granted, so `old` holds
exactly what the upsert replaces and each change row's "before" is the previous row's "after".
Unchanged values are not touched (re-importing the same file writes nothing). The statement answers
the counts, the (unit, period) pairs for the publication state and, unless every staged value
changed (then they are the staged ones, as a new month's file has them), the (indicator, unit) →
earliest period pairs for the status engine, aggregated by the database.
"""

from __future__ import annotations

import json

from django.db import connection
from django.utils import timezone

from ..models import DataValue, ValueChange, ValueStatus
from .rows import Written
from .values import tiers_json

NULL = "\\N"


def _copy_text(v) -> str:
    if v is None:
        return NULL
    s = str(v)
    if "\\" not in s and "\t" not in s and "\n" not in s and "\r" not in s:
        return s
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _json(v) -> str:
    return _copy_text(json.dumps(v, ensure_ascii=False))


def _needs_escape(s: str) -> bool:
    # isprintable() is False for tab, newline and carriage return (and other control characters,
    # which `_copy_text` leaves as they are): one C call instead of four searches for most texts
    return "\\" in s or not s.isprintable()


def stage_lines(items, plan, chunk: int = 5000, *, deletes: bool = True):
    """The COPY text of the staging table (tab-separated, \\N for NULL), yielded as UTF-8 chunks of
    `chunk` rows, so that a 200,000-value import never holds the whole text (and a copy of it).
    `deletes` False: no item is recorded absent (every row is present)."""
    inds = {code: meta.id for code, meta in plan.indicators.items()}
    units = plan.unit_ids
    out: list[str] = []
    append = out.append
    for v in items:
        value = v.value
        raw = v.raw or ("" if value is None else str(value))
        if len(raw) > 500:
            raw = raw[:500]
        if raw and ("\\" in raw or not raw.isprintable()):  # `_needs_escape`, inline: 60,000 calls
            raw = _copy_text(raw)
        note = v.note or ""
        if note and _needs_escape(note):
            note = _copy_text(note)
        present = "f" if deletes and getattr(v, "absent", False) else "t"
        if v.tiers is None and v.numerator is None and v.denominator is None and not v.flags:
            # the common shape (long and wide files): no tiers, no ratio parts, no flags
            append(
                f"{inds[v.indicator]}\t{units[v.unit]}\t{v.period}\t{present}\t"
                f"{NULL if value is None else value!s}\t\\N\t\\N\t\\N\t{raw}\t{note}\t[]\n"
            )
        else:
            tiers = tiers_json(v.tiers)
            flags = [f for f in v.flags or () if f != "error"]
            append(
                f"{inds[v.indicator]}\t{units[v.unit]}\t{v.period}\t{present}\t"
                f"{NULL if value is None else value!s}\t"
                f"{NULL if v.numerator is None else v.numerator}\t"
                f"{NULL if v.denominator is None else v.denominator}\t"
                f"{_json(tiers) if tiers else NULL}\t"
                f"{raw}\t{note}\t"
                f"{_json(flags) if flags else '[]'}\n"
            )
        if len(out) >= chunk:
            yield "".join(out).encode()
            out.clear()
    if out:
        yield "".join(out).encode()


class ChunkReader:
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


def _statement(*, deletes: bool, want_keys: bool, fresh: bool = False) -> str:
    dv = DataValue._meta.db_table
    vc = ValueChange._meta.db_table
    vs = ValueStatus._meta.db_table
    present = "WHERE s.present" if deletes else ""
    gone = (
        f"""
        statuses AS (
          DELETE FROM {vs} v USING value_stage s, {dv} d
          WHERE NOT s.present AND d.indicator_id = s.indicator_id AND d.unit_id = s.unit_id
            AND d.period = s.period AND v.data_value_id = d.id
        ),
        gone AS (
          DELETE FROM {dv} d USING value_stage s
          WHERE NOT s.present AND d.indicator_id = s.indicator_id AND d.unit_id = s.unit_id AND d.period = s.period
          RETURNING d.indicator_id, d.unit_id, d.period, d.value, d.numerator, d.denominator, d.tiers, d.note
        ),"""
        if deletes
        else ""
    )
    logged_gone = (
        """
          UNION ALL
          SELECT %(batch)s::bigint, g.indicator_id, g.unit_id, g.period, 'deleted', g.value, NULL,
                 g.numerator, NULL, g.denominator, NULL, g.tiers, NULL, NULLIF(g.note, ''), NULL,
                 %(user)s::integer, %(source)s, %(at)s::timestamptz
          FROM gone g"""
        if deletes
        else ""
    )
    keys = (
        "\n        UNION ALL\n        SELECT 0, indicator_id, unit_id, period, NULL, 0, 0, 0 FROM logged"
        if want_keys
        else ""
    )
    # The per-pair rows only when some staged value did not change (or the keys are wanted): when every
    # one changed, which is what a new month's file does, the pairs are the staged ones (`write`).
    detail = "" if want_keys else "WHERE (SELECT count(*) FROM logged) <> %(staged)s"
    if fresh:  # no stored value in any staged (indicator, period): see `_fresh`
        return _fresh_statement(dv, vc, keys, detail)
    return f"""
        WITH known AS (
          -- (indicator, period) pairs that hold values, found through the (period, indicator) index:
          -- the rows of a month written for the first time skip the per-row lookup of a stored value.
          SELECT k.indicator_id, k.period FROM (SELECT DISTINCT indicator_id, period FROM value_stage) k
          WHERE EXISTS (SELECT 1 FROM {dv} x WHERE x.period = k.period AND x.indicator_id = k.indicator_id)
        ),
        old AS (
          SELECT d.indicator_id, d.unit_id, d.period, d.value, d.numerator, d.denominator, d.tiers, d.note
          FROM value_stage s
          JOIN known k ON k.indicator_id = s.indicator_id AND k.period = s.period
          JOIN {dv} d ON d.indicator_id = s.indicator_id AND d.unit_id = s.unit_id AND d.period = s.period
        ),
        up AS (
          INSERT INTO {dv} (indicator_id, unit_id, period, value, numerator, denominator, tiers, raw, source,
                            batch_id, updated_by_id, note, flags, created_at, updated_at)
          SELECT s.indicator_id, s.unit_id, s.period, s.value, s.numerator, s.denominator, s.tiers, s.raw,
                 %(source)s, %(batch)s, %(user)s, s.note, s.flags, %(at)s::timestamptz, %(at)s::timestamptz
          FROM value_stage s {present}
          ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET
            value = EXCLUDED.value, numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,
            tiers = EXCLUDED.tiers, raw = EXCLUDED.raw, source = EXCLUDED.source, batch_id = EXCLUDED.batch_id,
            updated_by_id = EXCLUDED.updated_by_id, note = EXCLUDED.note, flags = EXCLUDED.flags,
            updated_at = EXCLUDED.updated_at
          WHERE ({dv}.value, {dv}.numerator, {dv}.denominator, {dv}.tiers, {dv}.note)
                IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.tiers, EXCLUDED.note)
          RETURNING indicator_id, unit_id, period, value, numerator, denominator, tiers, note
        ),{gone}
        logged AS (
          INSERT INTO {vc} (batch_id, indicator_id, unit_id, period, action, value_before, value_after,
                            numerator_before, numerator_after, denominator_before, denominator_after,
                            tiers_before, tiers_after, note_before, note_after, user_id, source, created_at)
          SELECT %(batch)s::bigint, u.indicator_id, u.unit_id, u.period,
                 CASE WHEN o.indicator_id IS NULL THEN 'created' ELSE 'updated' END, o.value, u.value,
                 CASE WHEN o.numerator IS DISTINCT FROM u.numerator THEN o.numerator END,
                 CASE WHEN o.numerator IS DISTINCT FROM u.numerator THEN u.numerator END,
                 CASE WHEN o.denominator IS DISTINCT FROM u.denominator THEN o.denominator END,
                 CASE WHEN o.denominator IS DISTINCT FROM u.denominator THEN u.denominator END,
                 CASE WHEN o.tiers IS DISTINCT FROM u.tiers THEN o.tiers END,
                 CASE WHEN o.tiers IS DISTINCT FROM u.tiers THEN u.tiers END,
                 CASE WHEN o.note <> u.note THEN o.note END,
                 CASE WHEN COALESCE(o.note, '') <> u.note THEN u.note END,
                 %(user)s::integer, %(source)s, %(at)s::timestamptz
          FROM up u
          LEFT JOIN old o ON o.indicator_id = u.indicator_id AND o.unit_id = u.unit_id AND o.period = u.period{logged_gone}
          RETURNING indicator_id, unit_id, period, action
        )
        SELECT -1, NULL::bigint, NULL::bigint, NULL::varchar, NULL::varchar,
               count(*) FILTER (WHERE action = 'created'), count(*) FILTER (WHERE action = 'updated'),
               count(*) FILTER (WHERE action = 'deleted')
        FROM logged
        UNION ALL
        SELECT 4, NULL, unit_id, period, NULL, 0, 0, 0 FROM logged GROUP BY unit_id, period
        UNION ALL
        SELECT 1, indicator_id, unit_id, NULL, min(period), 0, 0, 0
        FROM logged {detail} GROUP BY indicator_id, unit_id{keys}
    """


def _fresh_statement(dv: str, vc: str, keys: str, detail: str) -> str:
    """The statement for values of (indicator, period) pairs that hold none yet: a new month's file.
    Every row is created, so nothing is looked up: a plain INSERT (no ON CONFLICT: its per-row probe of
    the unique index and speculative insertion cost ~0.15 s of 60,000 rows) and a change row per value
    with nothing before. The unique constraint still stands: a row that did exist would fail the write,
    never be overwritten silently."""
    return f"""
        WITH up AS (
          INSERT INTO {dv} (indicator_id, unit_id, period, value, numerator, denominator, tiers, raw, source,
                            batch_id, updated_by_id, note, flags, created_at, updated_at)
          SELECT s.indicator_id, s.unit_id, s.period, s.value, s.numerator, s.denominator, s.tiers, s.raw,
                 %(source)s, %(batch)s, %(user)s, s.note, s.flags, %(at)s::timestamptz, %(at)s::timestamptz
          FROM value_stage s
          RETURNING indicator_id, unit_id, period, value, numerator, denominator, tiers, note
        ),
        logged AS (
          INSERT INTO {vc} (batch_id, indicator_id, unit_id, period, action, value_before, value_after,
                            numerator_before, numerator_after, denominator_before, denominator_after,
                            tiers_before, tiers_after, note_before, note_after, user_id, source, created_at)
          SELECT %(batch)s::bigint, u.indicator_id, u.unit_id, u.period, 'created', NULL, u.value,
                 NULL, u.numerator, NULL, u.denominator, NULL, u.tiers, NULL, NULLIF(u.note, ''),
                 %(user)s::integer, %(source)s, %(at)s::timestamptz
          FROM up u
          RETURNING indicator_id, unit_id, period, action
        )
        SELECT -1, NULL::bigint, NULL::bigint, NULL::varchar, NULL::varchar,
               count(*) FILTER (WHERE action = 'created'), count(*) FILTER (WHERE action = 'updated'),
               count(*) FILTER (WHERE action = 'deleted')
        FROM logged
        UNION ALL
        SELECT 4, NULL, unit_id, period, NULL, 0, 0, 0 FROM logged GROUP BY unit_id, period
        UNION ALL
        SELECT 1, indicator_id, unit_id, NULL, min(period), 0, 0, 0
        FROM logged {detail} GROUP BY indicator_id, unit_id{keys}
    """


def _fresh(cursor) -> bool:
    """No staged (indicator, period) pair holds a stored value: one probe of the (period, indicator)
    index per pair. The door holds the periods' locks, so no other write adds one before the statement."""
    dv = DataValue._meta.db_table
    cursor.execute(
        f"""SELECT 1 FROM (SELECT DISTINCT indicator_id, period FROM value_stage) k
            WHERE EXISTS (SELECT 1 FROM {dv} x WHERE x.period = k.period AND x.indicator_id = k.indicator_id)
            LIMIT 1"""
    )
    return cursor.fetchone() is None


def write(items, plan, *, user_id, source: str, batch, want_keys: bool, at=None) -> Written:
    written = Written()
    deletes = any(getattr(v, "absent", False) for v in items)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE value_stage (indicator_id bigint, unit_id bigint, period varchar(7), "
            "present boolean, value numeric, numerator numeric, denominator numeric, tiers jsonb, "
            "raw varchar(500), note text, flags jsonb) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert(
            "COPY value_stage FROM STDIN",
            ChunkReader(stage_lines(items, plan, deletes=deletes)),
            size=1 << 20,
        )
        # Statistics for the planner: without them it guesses ~1,000 staged rows and may join the
        # unit table by a nested loop per row (4 s instead of 0.7 s for 60,000 values).
        cursor.execute("ANALYZE value_stage (indicator_id, unit_id, period)")
        # The statement's closing aggregate (one group per changed (indicator, unit)) spills to disk in
        # nine batches at the default 4 MB for 60,000 values; this transaction may use more.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        fresh = not deletes and _fresh(cursor)
        cursor.execute(
            _statement(deletes=deletes, want_keys=want_keys, fresh=fresh),
            {
                "user": user_id,
                "batch": batch,
                "source": source,
                "at": at or timezone.now(),
                "staged": len(items),
            },
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE value_stage")
    codes = {meta.id: code for code, meta in plan.indicators.items()}
    unit_codes = {pk: code for code, pk in plan.unit_ids.items()}
    result = written.result
    detailed = False
    for grouping, indicator_id, unit_id, period, first, created, updated, deleted in rows:
        if grouping == -1:  # the counts
            result.created, result.changed, result.deleted = created, updated, deleted
        elif grouping == 1:  # (indicator, unit)
            written.pairs[(indicator_id, unit_id)] = first
            detailed = True
        elif grouping == 4:  # (unit, period)
            written.touched.add((unit_id, period))
        else:  # (indicator, unit, period)
            result.keys.append(f"{codes[indicator_id]}/{unit_codes[unit_id]}/{period}")
    if not detailed and result.created + result.changed + result.deleted == len(items):
        # every staged value changed: the pairs are the staged ones, each from its earliest period
        inds, units, pairs = (
            {code: meta.id for code, meta in plan.indicators.items()},
            plan.unit_ids,
            written.pairs,
        )
        for v in items:
            key = (inds[v.indicator], units[v.unit])
            first = pairs.get(key)
            if first is None or v.period < first:
                pairs[key] = v.period
    result.keys.sort()
    return written
