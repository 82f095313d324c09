"""Pure rules of the DTI ranking: totals, percent of the maximum, the group, ranks, change of rank and
the what-if ("how many points in which pillar lift a unit to the next group"). No database access: the
dashboard reads `DTIScore` rows and hands them here.

Groups as the DTI tables print them: Tốt ≥ 80 % of the maximum, Khá ≥ 65 %, Trung bình ≥ 50 %, Yếu below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)

# (label, lower bound in percent of the maximum), best first.
GROUPS = (("Tốt", Decimal(80)), ("Khá", Decimal(65)), ("Trung bình", Decimal(50)), ("Yếu", Decimal(0)))


def group_of(percent: Decimal) -> str:
    for label, lower in GROUPS:
        if percent >= lower:
            return label
    return GROUPS[-1][0]


def next_group(label: str) -> tuple[str, Decimal] | None:
    """The group above ``label`` and its lower bound, or None for the best group."""
    labels = [g for g, _ in GROUPS]
    i = labels.index(label)
    return GROUPS[i - 1] if i > 0 else None


def percent_of(total: Decimal, maximum: Decimal) -> Decimal:
    if not maximum:
        return Decimal(0)
    return (total / maximum * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def competition_ranks(scores: Iterable[Decimal]) -> list[int]:
    """Ranks as sports tables print them: equal scores share a rank and the next rank skips (1, 2, 2, 4).
    ``scores`` must already be sorted best first."""
    ranks, previous, rank = [], None, 0
    for i, score in enumerate(scores, start=1):
        if score != previous:
            rank, previous = i, score
        ranks.append(rank)
    return ranks


@dataclass(frozen=True)
class Lift:
    """What it takes to reach the next group: ``points`` in total, and the pillars with enough headroom
    (points still available) to give them alone, most headroom first."""

    group: str
    points: Decimal
    pillars: tuple[tuple[str, Decimal], ...]  # (pillar name, headroom)


@dataclass
class RankedUnit:
    unit_id: int
    scores: dict  # pillar_id -> Decimal
    total: Decimal
    percent: Decimal
    group: str
    rank: int = 0
    previous_rank: int | None = None
    lift: Lift | None = None
    extra: dict = field(default_factory=dict)

    @property
    def rank_change(self) -> int | None:
        """Positive when the unit climbed (rank 5 last year, 3 this year → +2)."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def lift_to_next_group(
    total: Decimal, maximum: Decimal, group: str, headroom: Mapping[str, Decimal]
) -> Lift | None:
    """Points needed to reach the next group's lower bound, and which single pillars could give them."""
    above = next_group(group)
    if above is None or not maximum:
        return None
    label, lower = above
    needed = (lower * maximum / HUNDRED - total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if needed <= 0:
        needed = Decimal("0.01")
    pillars = tuple(
        sorted(((name, room) for name, room in headroom.items() if room >= needed), key=lambda p: -p[1])
    )
    return Lift(label, needed, pillars)


def rank_units(
    scores: Mapping[int, Mapping[int, Decimal]],
    maxima: Mapping[int, Decimal],
    pillar_names: Mapping[int, str],
    previous_totals: Mapping[int, Decimal] | None = None,
) -> list[RankedUnit]:
    """Rank units by total (best first) with percent of max, group, rank change and the what-if.

    ``scores`` is {unit_id: {pillar_id: points}} for one year and level; ``maxima`` {pillar_id: max};
    ``previous_totals`` {unit_id: total} of the previous year (ranked among themselves).
    """
    maximum = sum(maxima.values(), Decimal(0))
    rows = []
    for unit_id, by_pillar in scores.items():
        total = sum(by_pillar.values(), Decimal(0))
        percent = percent_of(total, maximum)
        group = group_of(percent)
        headroom = {
            pillar_names[p]: maxima[p] - by_pillar.get(p, Decimal(0)) for p in maxima if p in pillar_names
        }
        rows.append(
            RankedUnit(
                unit_id=unit_id,
                scores=dict(by_pillar),
                total=total,
                percent=percent,
                group=group,
                lift=lift_to_next_group(total, maximum, group, headroom),
            )
        )
    rows.sort(key=lambda r: (-r.total, r.unit_id))
    for row, rank in zip(rows, competition_ranks(r.total for r in rows), strict=True):
        row.rank = rank
    if previous_totals:
        ordered = sorted(previous_totals.items(), key=lambda kv: (-kv[1], kv[0]))
        previous_rank = dict(
            zip([u for u, _ in ordered], competition_ranks(t for _, t in ordered), strict=True)
        )
        for row in rows:
            row.previous_rank = previous_rank.get(row.unit_id)
    return rows
