"""Lines that feature apps add to the overview page, without the dashboards knowing those apps.

The dashboards may not import another feature app (docs/decisions/0001-layers.md), yet the overview
should say how, for instance, the Ban Chỉ đạo's plan is going. A feature app registers a provider in
its ``AppConfig.ready()``; the overview asks every provider for its line and places what it gets.

A provider is ``provider(user, period, today) -> OverviewLine | None``: ``period`` is the month the
overview shows (``YYYY-MM`` or None), ``today`` the local date. A line must not depend on who asks
beyond the user's visibility scope: the overview is cached per scope (indicators/cache.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OverviewLine:
    key: str  # a stable identifier (the element id on the page)
    title: str  # the link text
    url: str
    text: str  # what the line says, numbers already formatted


Provider = Callable[[object, "str | None", datetime.date], "OverviewLine | None"]
_providers: dict[str, Provider] = {}


def register_overview_line(key: str, provider: Provider) -> None:
    """Add (or replace: ``ready()`` may run twice in tests) the provider named ``key``."""
    _providers[key] = provider


def overview_lines(user, period: str | None, today: datetime.date) -> list[OverviewLine]:
    lines = (provider(user, period, today) for _key, provider in sorted(_providers.items()))
    return [line for line in lines if line is not None]
