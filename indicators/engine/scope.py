"""The touched pairs of an incremental recompute: the temp table `tmp_status_scope` and its bounds."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection

from core.periods import previous_month

from .sql import SCOPE


def normalise_pairs(pairs) -> dict[tuple[int, int], str]:
    """Accept {(indicator_id, unit_id): from_period} or an iterable of (indicator_id, unit_id,
    from_period) triples (tuples or lists, as a task's JSON arguments arrive); keep the earliest period
    per pair."""
    if isinstance(pairs, Mapping):
        items = pairs.items()
    else:
        triples = pairs if isinstance(pairs, list | tuple) else list(pairs)
        periods = {t[2] for t in triples}
        if len(periods) == 1:  # one month's write: nothing to compare
            (period,) = periods
            return {(int(i), int(u)): period for i, u, _ in triples}
        items = (((i, u), p) for i, u, p in triples)
    out: dict[tuple[int, int], str] = {}
    get = out.get
    for (indicator_id, unit_id), period in items:
        key = (int(indicator_id), int(unit_id))
        earlier = get(key)
        if earlier is None or period < earlier:
            out[key] = period
    return out


def _guess_window_from(period: str) -> str:
    """Where a pair's window starts: the month before the changed one, which holds the previous report
    of a monthly series (the statement probes further back for a row whose window holds none)."""
    return period if period[:4] == "0000" else previous_month(period)


@dataclass
class Scope:
    """The touched pairs, in the temp table `tmp_status_scope`, and the constant lower bounds of their
    periods (see `status_select_sql`): the first changed period and the first period a window reads."""

    floor: str
    window_floor: str


@contextlib.contextmanager
def incremental_plan(cursor, large: bool):
    """Planner settings for an incremental recompute, restored afterwards (also inside a caller's
    transaction). Always: no JIT compilation. The statements read a bounded set of rows, but their cost
    estimate grows with the stored history and passes `jit_above_cost`: after 100 months the roll-up and
    the status statement spent 100 and 66 ms compiling, more than the roll-up's own work. For a large
    scope (``large``, see `HASH_JOIN_PAIRS`) also hash joins (no nested loops, and no merge joins, which
    the planner's low estimate of the windowed rows made it pick for the targets: a 24-million-row join
    filter after 100 months), and enough memory for the window's sort of the touched rows (100,000 rows
    spilled 5 MB to disk with the default 4 MB)."""
    if connection.vendor != "postgresql":
        yield
        return
    settings = {"jit": "off"}
    if large:
        settings |= {"enable_nestloop": "off", "enable_mergejoin": "off", "work_mem": "64MB"}
    names = list(settings)
    cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
    before = cursor.fetchone()
    assign = "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names)
    cursor.execute(assign, [x for name in names for x in (name, settings[name])])
    try:
        yield
    finally:
        cursor.execute(assign, [x for name, value in zip(names, before, strict=True) for x in (name, value)])


def create_scope(cursor, pairs: dict[tuple[int, int], str]) -> Scope:
    vendor = connection.vendor
    on_commit = " ON COMMIT DROP" if vendor == "postgresql" else ""
    cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")
    cursor.execute(
        f"CREATE TEMP TABLE {SCOPE} (indicator_id bigint NOT NULL, unit_id bigint NOT NULL, "
        f"from_period varchar(7) NOT NULL, window_from varchar(7) NOT NULL, "
        f"PRIMARY KEY (indicator_id, unit_id)){on_commit}"
    )
    guesses = {p: _guess_window_from(p) for p in set(pairs.values())}
    if vendor == "postgresql":
        # COPY: 60,000 pairs in ~0.05 s where execute_values took ~0.2 s.
        tails = {p: f"\t{p}\t{w}\n" for p, w in guesses.items()}
        buffer = io.StringIO("".join([f"{i}\t{u}{tails[p]}" for (i, u), p in pairs.items()]))
        cursor.cursor.copy_expert(
            f"COPY {SCOPE} (indicator_id, unit_id, from_period, window_from) FROM STDIN", buffer
        )
        cursor.execute(f"ANALYZE {SCOPE}")
    else:
        cursor.executemany(
            f"INSERT INTO {SCOPE} (indicator_id, unit_id, from_period, window_from) VALUES (%s, %s, %s, %s)",
            [(i, u, p, guesses[p]) for (i, u), p in pairs.items()],
        )
    floor = min(guesses)
    return Scope(floor=floor, window_floor=min(guesses.values()))
