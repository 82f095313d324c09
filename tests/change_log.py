"""Checks on the values' change log shared by the tests of the write door, the importer and undo."""

from __future__ import annotations

from itertools import groupby

from indicators.models import DataValue, ValueChange


def chain_breaks() -> list[str]:
    """Every place where the change log does not follow the values: a row whose "before" is not the
    previous row's "after" (or a first row that does not start from nothing), a created row over a
    value or an update of nothing, and a last "after" that is not what the table holds now."""
    stored = {
        (i, u, p): v
        for i, u, p, v in DataValue.objects.values_list("indicator_id", "unit_id", "period", "value")
    }
    rows = ValueChange.objects.order_by("indicator_id", "unit_id", "period", "id").values_list(
        "indicator_id", "unit_id", "period", "id", "action", "value_before", "value_after"
    )
    problems = []
    seen = set()
    for key, group in groupby(rows, key=lambda r: r[:3]):
        seen.add(key)
        exists, after = False, None
        for *_k, pk, action, before, new in group:
            if action == "created" and exists:
                problems.append(f"{key} #{pk}: created over an existing value")
            if action != "created" and not exists:
                problems.append(f"{key} #{pk}: {action} of a value that did not exist")
            if before != after:
                problems.append(f"{key} #{pk}: before {before} is not the previous after {after}")
            exists, after = action != "deleted", new
        if exists != (key in stored) or (exists and stored[key] != after):
            problems.append(
                f"{key}: the log ends at {after if exists else 'nothing'}, the table holds {stored.get(key)}"
            )
    return problems


def keyed(qs=None):
    """Change rows as (indicator code, unit code, period, action, before, after, source), in id order."""
    qs = ValueChange.objects.all() if qs is None else qs
    return list(
        qs.order_by("id").values_list(
            "indicator__code", "unit__code", "period", "action", "value_before", "value_after", "source"
        )
    )
