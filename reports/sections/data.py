"""What one period's báo cáo reads: every published value with its status and the province aggregates,
loaded once (3 queries), plus the targets of the year. A unit's draft (entered by its reporter, not yet
approved) never reaches the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from core.periods import year_of
from indicators.choices import Aggregation
from indicators.coverage import Coverage
from indicators.models import DataValue, Indicator, ProvinceAggregate, Target
from indicators.status import TargetRule, choose_target
from units.models import Level, Unit


@dataclass
class Row:
    dv: DataValue

    @property
    def value(self) -> Decimal | None:
        return self.dv.value

    @property
    def status(self):
        try:
            return self.dv.status
        except DataValue.status.RelatedObjectDoesNotExist:
            return None

    @property
    def measure(self) -> str:
        return self.dv.indicator.measure


@dataclass(frozen=True)
class ProvinceFigure:
    """The province's figure of an indicator as the report prints it, and where it comes from: the
    total the source printed ("printed") or the engine's roll-up of the units ("computed"). A change
    is only stated between two figures of the same source."""

    value: Decimal
    source: str
    coverage: Coverage | None = None  # of a roll-up: how many of the units that must report are in it


class PeriodData:
    def __init__(self, period: str):
        self.period = period
        self.values: dict[tuple[str, str], Row] = {}
        self.indicators: dict[str, Indicator] = {i.code: i for i in Indicator.objects.all()}
        for dv in (
            DataValue.objects.published().filter(period=period).select_related("indicator", "unit", "status")
        ):
            self.values[(dv.indicator.code, dv.unit.code)] = Row(dv)
        self.aggregates = {
            a.indicator.code: a
            for a in ProvinceAggregate.objects.filter(period=period).select_related("indicator")
        }
        self._targets: dict[str, list[TargetRule]] | None = None
        self._target_texts: dict[str, list[str]] | None = None

    def measure(self, indicator: str) -> str:
        return self.indicators[indicator].measure

    def get(self, indicator: str, unit: str) -> Row | None:
        return self.values.get((indicator, unit))

    def has_any(self, indicators) -> bool:
        return any(key[0] in indicators and row.value is not None for key, row in self.values.items())

    def units(self, indicators) -> list[Unit]:
        seen = {}
        for (ind, _), row in self.values.items():
            if ind in indicators and row.dv.unit.level != Level.PROVINCE:
                seen[row.dv.unit.code] = row.dv.unit
        return list(seen.values())

    def province(self, indicator: str) -> Row | None:
        for (ind, _), row in self.values.items():
            if ind == indicator and row.dv.unit.level == Level.PROVINCE:
                return row
        return None

    def figure(self, indicator: str) -> ProvinceFigure | None:
        """The province figure: the printed total when one was stored, else the engine's roll-up."""
        row = self.province(indicator)
        if row is not None and row.value is not None:
            return ProvinceFigure(row.value, "printed")
        agg = self.aggregates.get(indicator)
        if agg is not None and agg.computed is not None:
            if self.withheld(indicator):
                return None  # a sum over part of the units is not the province total
            return ProvinceFigure(agg.computed, "computed", self.coverage(indicator))
        return None

    def coverage(self, indicator: str) -> Coverage | None:
        """The coverage of the province roll-up the report would print (None for a printed total or
        when unknown)."""
        row = self.province(indicator)
        if row is not None and row.value is not None:
            return None
        agg = self.aggregates.get(indicator)
        if agg is None or agg.computed is None or not agg.expected:
            return None
        return Coverage(agg.covered, agg.expected)

    def withheld(self, indicator: str) -> bool:
        """A partial sum of counts or amounts: never printed as the province total."""
        c = self.coverage(indicator)
        return bool(c and c.partial and self.indicators[indicator].aggregation == Aggregation.SUM)

    def total(self, indicator: str) -> Decimal | None:
        figure = self.figure(indicator)
        return figure.value if figure is not None else None

    def _load_targets(self):
        self._targets, self._target_texts = {}, {}
        for t in Target.objects.filter(year=year_of(self.period)).select_related("indicator"):
            self._targets.setdefault(t.indicator.code, []).append(t.as_rule())
            if t.source_text:
                self._target_texts.setdefault(t.indicator.code, []).append(t.source_text)

    def targets(self, indicator: str) -> list[TargetRule]:
        if self._targets is None:
            self._load_targets()
        return self._targets.get(indicator, [])

    def target_texts(self, indicator: str) -> list[str]:
        """The targets as the plan words them ("đạt 70%"), for the KH57 table."""
        if self._target_texts is None:
            self._load_targets()
        return sorted(set(self._target_texts.get(indicator, [])))

    def level_target(self, indicator: str, levels=(Level.AGENCY, Level.DISTRICT)) -> TargetRule | None:
        for level in levels:
            rule = choose_target(self.targets(indicator), period=self.period, level=level)
            if rule is not None:
                return rule
        return None

    def previous_period(self, indicators) -> str | None:
        """The period the table compares with: the most common previous period of its values."""
        counts = Counter(
            row.status.previous_period
            for (ind, _), row in self.values.items()
            if ind in indicators and row.status is not None and row.status.previous_period
        )
        return counts.most_common(1)[0][0] if counts else None
