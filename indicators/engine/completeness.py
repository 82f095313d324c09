"""Reporting completeness: which units must report a (period, group), and the day each first did."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from units.models import Unit

from ..deadlines import deadline_for
from ..models import Completeness, DataValue, Indicator
from .sql import DV


def write_completeness(cursor, periods_groups: Iterable[tuple[str, str]] | None) -> int:
    """Pin the expected units of each (period, group) the first time it is computed, then stamp the day
    each unit first reported (the earliest `created_at` of its values in that group and period)."""

    if periods_groups is None:
        periods_groups = set(
            DataValue.objects.values_list("period", "indicator__group").distinct().order_by()
        )
    periods_groups = set(periods_groups)
    if not periods_groups:
        return 0
    levels_by_group: dict[str, set[str]] = {}
    for group, reported_by in Indicator.objects.values_list("group", "reported_by"):
        levels_by_group.setdefault(group, set()).update(reported_by or [])
    pinned = set(
        Completeness.objects.filter(period__in={p for p, _ in periods_groups})
        .values_list("period", "group")
        .distinct()
        .order_by()
    )
    units_by_level: dict[str, list[int]] = {}
    for unit_id, level in Unit.objects.active().values_list("id", "level"):
        units_by_level.setdefault(level, []).append(unit_id)
    new_rows = []
    for period, group in sorted(periods_groups - pinned):
        due = _due_on(group, period)
        for level in sorted(levels_by_group.get(group, ())):
            new_rows.extend(
                Completeness(period=period, group=group, unit_id=u, due_on=due)
                for u in units_by_level.get(level, ())
            )
    Completeness.objects.bulk_create(new_rows, batch_size=2000, ignore_conflicts=True)
    # One set-based UPDATE: the first day each pinned unit reported, in the local time zone.
    if connection.vendor == "postgresql":
        first_day = "(MIN(dv.created_at) AT TIME ZONE %s)::date"
        tz_params = [timezone.get_current_timezone_name()]
    else:
        offset = timezone.localtime().utcoffset()
        first_day = "date(MIN(dv.created_at), %s)"
        tz_params = [f"{int(offset.total_seconds() // 60):+d} minutes"]
    periods = sorted({p for p, _ in periods_groups})
    cursor.execute(
        f"""UPDATE indicators_completeness SET reported_on = r.first_day
            FROM (SELECT dv.unit_id, dv.period, i."group" AS grp, {first_day} AS first_day
                  FROM {DV} dv JOIN indicators_indicator i ON i.id = dv.indicator_id
                  WHERE dv.period IN ({", ".join(["%s"] * len(periods))})
                  GROUP BY dv.unit_id, dv.period, i."group") r
            WHERE r.unit_id = indicators_completeness.unit_id AND r.period = indicators_completeness.period
              AND r.grp = indicators_completeness."group"
              AND (indicators_completeness.reported_on IS NULL OR indicators_completeness.reported_on <> r.first_day)""",
        tz_params + periods,
    )
    return len(new_rows)


def _due_on(group: str, period: str) -> datetime.date:
    """The last day a group's values for the period are on time: the workflow's deadline rule (per group,
    from settings), so completeness and reminders agree on who is late."""
    return deadline_for(group, period)
