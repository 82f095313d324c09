"""The whole catalogue in one go: units, indicators, targets and DTI pillars (`indicators.catalogue`) and
the Ban Chỉ đạo's plan (`plans.catalogue`), read from one directory (fixtures/ by default).

Both loaders validate first and collect every problem (file, line, field); only when neither found
any is anything written, both in one transaction. This composition lives in the wiring layer because
`indicators` may not know `plans` (docs/decisions/0010-catalogue-loader-in-the-wiring-layer.md).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from indicators.catalogue import CatalogueError, LoadResult, default_dir, read_catalogue, write_catalogue
from plans import catalogue as plan_catalogue
from plans.catalogue import known_codes

__all__ = ["CatalogueError", "load_catalogue"]


def load_catalogue(directory: Path | None = None) -> LoadResult:
    directory = Path(directory or default_dir())
    errors: list[str] = []
    parsed = read_catalogue(directory, errors)
    stored_units, stored_indicators = known_codes()
    units, indicators = parsed[0], parsed[1]
    plan = plan_catalogue.read_catalogue_file(
        directory / plan_catalogue.FILE,
        units=stored_units | set(units),
        indicators=stored_indicators | set(indicators),
        errors=errors,
    )
    if errors:
        raise CatalogueError(errors)
    with transaction.atomic():
        result = write_catalogue(parsed)
        result.counts.update(plan_catalogue.write(plan).counts)
    return result
