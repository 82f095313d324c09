"""The reads behind the Ban Chỉ đạo dashboards: a fixed number of queries per page whatever the data size.

Every function reads the status engine's tables (ValueStatus, ProvinceAggregate, Completeness) and never
recomputes a status; values come from `DataValue.objects.visible_to(user)` only. Rows are plain dicts
from `.values()`: pages are rendered from them and the charts are built from them, so no model instance
is created for the thousands of values a page may read.

Province figures: the total the report printed (the province unit's own value) when there is one, else
the engine's roll-up of the units (`ProvinceAggregate.computed`). Roll-ups are province-wide numbers, so
every signed-in persona sees them, like the province unit's values (see `DataValue.visible_to`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from core.periods import add_months, parse_period
from indicators import coverage
from indicators.choices import GROUP_LABELS, Pillar, Status
from indicators.dti import rank_units
from indicators.models import Completeness, DataValue, DTIPillar, DTIScore, Indicator
from indicators.status import flags_from_bits
from units.models import Level, Unit

TREND_MONTHS = 24  # how far back trend charts and unit histories reach
FLAG_LIST_LIMIT = 30
# The unit levels that report monthly figures and are compared with each other.
COMPARED_LEVELS = (Level.AGENCY, Level.DISTRICT)
JUDGED = (Status.MET, Status.NOT_MET, Status.IN_PROGRESS)

INDICATOR_FIELDS = (
    "id",
    "code",
    "name",
    "pillar",
    "group",
    "measure",
    "direction",
    "aggregation",
    "reported_by",
    "order",
)

# A value with the engine's results, as one row of `.values()`: its own columns, then joined ones.
VALUE_COLUMNS = ("id", "indicator_id", "unit_id", "period", "value", "tiers")
VALUE_JOINED = {
    "unit_code": F("unit__code"),
    "unit_name": F("unit__name"),
    "unit_short": F("unit__short_name"),
    "unit_level": F("unit__level"),
    "unit_order": F("unit__order"),
    "status_": F("status__status"),
    "target": F("status__target_value"),
    "progress": F("status__progress"),
    "previous_period": F("status__previous_period"),
    "previous_value": F("status__previous_value"),
    "change": F("status__change"),
    "change_text": F("status__change_text"),
    "increment": F("status__increment"),
    "flags_": F("status__flags"),
    "tier_status": F("status__tiers"),
}


def _clean(row: dict) -> dict:
    """Plain keys for templates (`.values()` aliases may not shadow the model's own fields)."""
    row["status"] = row.pop("status_")
    row["flags"] = flags_from_bits(row.pop("flags_"))
    row["unit_display"] = row["unit_short"] or row["unit_name"]
    return row


def value_rows(qs) -> list[dict]:
    return [_clean(r) for r in qs.values(*VALUE_COLUMNS, **VALUE_JOINED)]


# --------------------------------------------------------------------------------------------- periods
def available_periods(qs) -> list[str]:
    """Periods that have at least one visible value, newest first (one query on the period index)."""
    return list(qs.order_by("-period").values_list("period", flat=True).distinct())


def choose_period(requested: str | None, periods: list[str]) -> str | None:
    """The requested period when it is a valid month, else the latest with data (None when empty)."""
    if requested:
        try:
            return parse_period(requested)
        except (ValueError, TypeError):
            pass
    return periods[0] if periods else None


# ------------------------------------------------------------------------------------ province figures
# The province figures and their coverage live in indicators/coverage.py (the API and the báo cáo use
# them too); the names stay importable from here for the views.
province_series = coverage.province_series
figure = coverage.figure
figures = coverage.figures
change_in = coverage.change_in


# ------------------------------------------------------------------------------------------- overview
def _indicators(**filters) -> list[dict]:
    return list(Indicator.objects.filter(**filters).order_by("order", "code").values(*INDICATOR_FIELDS))


def completeness_for(period: str, today: datetime.date, unit_id: int | None = None) -> list[dict]:
    """Per indicator group: expected, reported, on time, late, and the units still missing."""
    qs = Completeness.objects.filter(period=period)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    groups: dict[str, dict] = {}
    for row in qs.order_by("group", "unit__order", "unit__code").values(
        "group", "due_on", "reported_on", "unit__code", "unit__name", "unit__short_name"
    ):
        g = groups.setdefault(
            row["group"],
            {
                "code": row["group"],
                "label": GROUP_LABELS.get(row["group"], row["group"]),
                "due_on": row["due_on"],
                "expected": 0,
                "reported": 0,
                "late": 0,
                "missing": [],
                "overdue": row["due_on"] < today,
            },
        )
        g["expected"] += 1
        if row["reported_on"] is None:
            g["missing"].append(
                {"code": row["unit__code"], "name": row["unit__short_name"] or row["unit__name"]}
            )
        else:
            g["reported"] += 1
            if row["reported_on"] > row["due_on"]:
                g["late"] += 1
    order = list(GROUP_LABELS)
    out = sorted(groups.values(), key=lambda g: order.index(g["code"]) if g["code"] in order else 99)
    for g in out:
        g["on_time"] = g["reported"] - g["late"]
        g["rate"] = (Decimal(g["reported"]) * 100 / g["expected"]) if g["expected"] else None
    return out


def overview(user, period: str, today: datetime.date) -> dict:
    """Everything the overview shows for ``period`` (7 queries, 8 when a partial month's changes are
    rolled up again over the units that reported in both months)."""
    visible = DataValue.objects.visible_to(user)
    indicators = _indicators()  # 1
    by_id = {i["id"]: i for i in indicators}

    # KH57 cards: the province's latest value at or before the period (annual indicators are reported
    # once or twice a year, so "this month" means "the latest report so far").
    kh57_rows = value_rows(  # 2
        visible.filter(indicator__group="KH57", unit__level=Level.PROVINCE, period__lte=period).order_by(
            "indicator_id", "-period"
        )
    )
    latest_kh57: dict[int, dict] = {}
    for row in kh57_rows:
        latest_kh57.setdefault(row["indicator_id"], row)
    pillars = []
    for pillar in Pillar:
        cards = []
        for ind in indicators:
            if ind["pillar"] == pillar.value and ind["group"] == "KH57":
                cards.append({"indicator": ind, "row": latest_kh57.get(ind["id"])})
        met = sum(1 for c in cards if c["row"] and c["row"]["status"] == Status.MET)
        missing = [c for c in cards if c["row"] is None]
        pillars.append(
            {"code": pillar.value, "label": pillar.label, "cards": cards, "met": met, "missing": missing}
        )

    # Monthly groups: province figure and change, and how many units met each target.
    monthly = [i for i in indicators if i["group"] != "KH57"]
    series = province_series(user, [i["id"] for i in monthly], add_months(period, -12), period)  # 3, 4
    counts = {
        row["indicator_id"]: row
        for row in visible.filter(period=period, unit__level__in=COMPARED_LEVELS)  # 5
        .values("indicator_id")
        .annotate(
            reported=Count("id"),
            met=Count("id", filter=Q(status__status=Status.MET)),
            not_met=Count("id", filter=Q(status__status=Status.NOT_MET)),
            in_progress=Count("id", filter=Q(status__status=Status.IN_PROGRESS)),
        )
        .order_by()
    }
    changes = coverage.province_changes(series, period, {i["id"]: i for i in monthly})  # (6)
    groups = []
    for code, label in GROUP_LABELS.items():
        if code == "KH57":
            continue
        items = []
        for ind in monthly:
            if ind["group"] != code:
                continue
            c = counts.get(ind["id"], {})
            items.append(
                {
                    "indicator": ind,
                    "province": changes[ind["id"]],
                    "reported": c.get("reported", 0),
                    "met": c.get("met", 0),
                    "judged": c.get("met", 0) + c.get("not_met", 0) + c.get("in_progress", 0),
                    "not_met": c.get("not_met", 0),
                    "in_progress": c.get("in_progress", 0),
                }
            )
        if items:
            groups.append({"code": code, "label": label, "items": items})

    completeness = completeness_for(period, today)  # 6

    flagged_qs = visible.filter(period=period, status__flags__gt=0)
    flagged = value_rows(  # 7
        flagged_qs.order_by("indicator__order", "indicator__code", "unit__order", "unit__code")[
            : FLAG_LIST_LIMIT + 1
        ]
    )
    for row in flagged:
        row["indicator"] = by_id[row["indicator_id"]]
    return {
        "pillars": pillars,
        "groups": groups,
        "completeness": completeness,
        "flagged": flagged[:FLAG_LIST_LIMIT],
        "flagged_more": len(flagged) > FLAG_LIST_LIMIT,
        "indicator_count": len(indicators),
    }


# ------------------------------------------------------------------------------------- indicator page
SORTS = {
    "unit": lambda r: (r["unit_level"] != Level.AGENCY, r["unit_order"], r["unit_code"]),
    "value": lambda r: (r["value"] is None, r["value"] if r["value"] is not None else 0),
    "status": lambda r: (_STATUS_ORDER.get(r["status"], 9), r["unit_order"]),
    "change": lambda r: (r["change"] is None, r["change"] if r["change"] is not None else 0),
}
_STATUS_ORDER = {
    Status.NOT_MET: 0,
    Status.IN_PROGRESS: 1,
    Status.MET: 2,
    Status.NO_TARGET: 3,
    Status.NO_DATA: 4,
}


def sort_rows(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    """Sort by ``unit``, ``value``, ``status`` or ``change``; a leading ``-`` reverses. Unknown → unit.
    Rows without a number stay last in both directions."""
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "unit", "unit"
    reverse = sort.startswith("-")
    with_number = [r for r in rows if key not in ("value", "change") or r[key] is not None]
    without = [r for r in rows if r not in with_number]
    with_number.sort(key=SORTS[key], reverse=reverse)
    return with_number + without, sort


# The first click on a number column shows the largest first; on a name, A to Z.
DEFAULT_DESCENDING = ("value", "change")


def sort_links(sort: str) -> tuple[dict, dict]:
    """For each sortable column: the ``sort`` value its header links to, and the mark shown beside it."""
    next_sort, marks = {}, {}
    for key in SORTS:
        if sort == key:
            next_sort[key], marks[key] = "-" + key, " ▲"
        elif sort == "-" + key:
            next_sort[key], marks[key] = key, " ▼"
        else:
            next_sort[key] = ("-" + key) if key in DEFAULT_DESCENDING else key
            marks[key] = ""
    return next_sort, marks


def indicator_rows(user, indicator_id: int, period: str, levels=None) -> list[dict]:
    """Every visible unit's value of one indicator in one period, with its status (one query)."""
    qs = DataValue.objects.visible_to(user).filter(indicator_id=indicator_id, period=period)
    if levels:
        qs = qs.filter(unit__level__in=levels)
    return value_rows(qs.order_by("unit__order", "unit__code"))


def unit_series(user, indicator_id: int, unit_codes, start: str, end: str) -> dict[str, dict[str, Decimal]]:
    """{unit code: {period: value}} of the chosen units (one query), for the trend chart."""
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    if not unit_codes:
        return out
    for code, period, value in (
        DataValue.objects.visible_to(user)
        .filter(
            indicator_id=indicator_id, unit__code__in=list(unit_codes), period__gte=start, period__lte=end
        )
        .values_list("unit__code", "period", "value")
    ):
        out[code][period] = value
    return out


def rank_rows(rows: list[dict], direction: str) -> list[dict]:
    """Rows with a value, best first by the indicator's direction, with competition ranks (1, 2, 2, 4)."""
    ranked = sorted(
        (r for r in rows if r["value"] is not None),
        key=lambda r: (r["value"] if direction == "down" else -r["value"], r["unit_order"], r["unit_code"]),
    )
    previous, rank = None, 0
    for i, row in enumerate(ranked, start=1):
        if row["value"] != previous:
            rank, previous = i, row["value"]
        row["rank"] = rank
    return ranked


# ------------------------------------------------------------------------------------------ unit page
def unit_overview(user, unit: Unit, period: str, today: datetime.date) -> dict:
    """All indicators of one unit with history, province and peer comparison (8 queries)."""
    visible = DataValue.objects.visible_to(user)
    start = add_months(period, -(TREND_MONTHS - 1))
    history = value_rows(  # 1
        visible.filter(unit=unit, period__gte=start, period__lte=period).order_by("indicator_id", "period")
    )
    by_indicator: dict[int, list[dict]] = defaultdict(list)
    for row in history:
        by_indicator[row["indicator_id"]].append(row)
    indicator_ids = list(by_indicator)
    indicators = {i["id"]: i for i in _indicators(id__in=indicator_ids)}  # 2
    series = province_series(user, indicator_ids, start, period)  # 3, 4

    # Peers: the same level's values of the same indicators in the period (the unit's own included).
    peers: dict[int, list[dict]] = defaultdict(list)
    if unit.level in COMPARED_LEVELS:
        for row in (  # 5
            visible.filter(indicator_id__in=indicator_ids, period=period, unit__level=unit.level)
            .values(
                "indicator_id", "unit_id", "value", unit_order=F("unit__order"), unit_code=F("unit__code")
            )
            .order_by()
        ):
            peers[row["indicator_id"]].append(row)

    # How many units of the same level must report each group that month: the rank says "among the
    # units that reported", and how many that is of those that must.
    peer_expected = dict(  # 6
        Completeness.objects.filter(period=period, unit__level=unit.level)
        .values("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
        .order_by()
    )
    rows = []
    for ind_id, values in by_indicator.items():
        ind = indicators[ind_id]
        latest = values[-1]
        peer_rows = peers.get(ind_id, [])
        ranked = rank_rows(peer_rows, ind["direction"])
        peer_values = [r["value"] for r in peer_rows if r["value"] is not None]
        own_rank = next((r["rank"] for r in ranked if r["unit_id"] == unit.id), None)
        rows.append(
            {
                "indicator": ind,
                "latest": latest,
                "current": latest["period"] == period,
                "history": values,
                "province": figure(series.get(ind_id, {}).get(period)),
                "province_coverage": coverage.entry_coverage(series.get(ind_id, {}).get(period)),
                "province_withheld": coverage.withheld(series.get(ind_id, {}).get(period)),
                "peer_mean": (sum(peer_values) / len(peer_values)) if peer_values else None,
                "peer_count": len(ranked),
                "peer_expected": peer_expected.get(ind["group"], 0),
                "rank": own_rank,
            }
        )
    rows.sort(key=lambda r: (r["indicator"]["order"], r["indicator"]["code"]))

    record = reporting_record(unit, today)  # 7
    dti = list(  # 8
        DTIScore.objects.filter(unit=unit).values("year").annotate(total=Sum("score")).order_by("-year")
    )
    return {"rows": rows, "record": record, "dti": dti, "start": start}


def reporting_record(unit: Unit, today: datetime.date, limit: int = 60) -> list[dict]:
    """The unit's reporting record, newest first: on time, late, missing or not yet due (one query)."""
    record = list(
        Completeness.objects.filter(unit=unit)
        .order_by("-period", "group")
        .values("period", "group", "due_on", "reported_on")[:limit]
    )
    for r in record:
        r["group_label"] = GROUP_LABELS.get(r["group"], r["group"])
        if r["reported_on"] is None:
            r["state"] = "missing" if r["due_on"] < today else "pending"
        else:
            r["state"] = "late" if r["reported_on"] > r["due_on"] else "on_time"
    return record


def unit_record_only(unit: Unit, today: datetime.date) -> dict:
    """The unit page when the user sees none of its values: only its reporting record."""
    return {"rows": [], "record": reporting_record(unit, today), "dti": []}


def overview_empty() -> dict:
    """The overview before any value is visible: the catalogue's pillars and groups, without figures."""
    indicators = _indicators()
    pillars = [
        {
            "code": p.value,
            "label": p.label,
            "cards": (
                cards := [
                    {"indicator": i, "row": None}
                    for i in indicators
                    if i["pillar"] == p.value and i["group"] == "KH57"
                ]
            ),
            "missing": cards,
            "met": 0,
        }
        for p in Pillar
    ]
    groups = [
        {
            "code": code,
            "label": label,
            "items": [
                {"indicator": i, "province": {}, "reported": 0, "met": 0, "judged": 0}
                for i in indicators
                if i["group"] == code
            ],
        }
        for code, label in GROUP_LABELS.items()
        if code != "KH57"
    ]
    return {
        "pillars": pillars,
        "groups": groups,
        "completeness": [],
        "flagged": [],
        "indicator_count": len(indicators),
    }


# ----------------------------------------------------------------------------------------- rankings
def group_ranking(user, group: str, period: str) -> list[dict]:
    """Units ranked per indicator of one group in one period (two queries)."""
    indicators = _indicators(group=group)
    rows = value_rows(
        DataValue.objects.visible_to(user)
        .filter(indicator__group=group, period=period, unit__level__in=(*COMPARED_LEVELS, Level.UNASSIGNED))
        .order_by("unit__order", "unit__code")
    )
    by_indicator: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_indicator[row["indicator_id"]].append(row)
    out = []
    for ind in indicators:
        # The unassigned bucket ("Không xác định") is shown but never ranked: it is not a unit.
        ind_rows = by_indicator.get(ind["id"], [])
        ranked = rank_rows([r for r in ind_rows if r["unit_level"] != Level.UNASSIGNED], ind["direction"])
        unranked = [r for r in ind_rows if r["unit_level"] == Level.UNASSIGNED or r["value"] is None]
        out.append({"indicator": ind, "ranked": ranked, "unranked": unranked})
    return out


def dti_years() -> list[int]:
    return list(DTIScore.objects.order_by("-year").values_list("year", flat=True).distinct())


def dti_ranking(year: int) -> list[dict]:
    """Per level (agency, district): pillars, ranked units with the what-if (two queries)."""
    pillars = list(DTIPillar.objects.order_by("level", "order").values("id", "level", "name", "max_points"))
    scores: dict[tuple[str, int], dict[int, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    units: dict[int, dict] = {}
    for row in DTIScore.objects.filter(year__in=(year, year - 1)).values(
        "year", "unit_id", "pillar_id", "score", "unit__code", "unit__name", "unit__short_name", "unit__level"
    ):
        scores[(row["unit__level"], row["year"])][row["unit_id"]][row["pillar_id"]] = row["score"]
        units[row["unit_id"]] = {
            "code": row["unit__code"],
            "name": row["unit__short_name"] or row["unit__name"],
            "full_name": row["unit__name"],
        }
    out = []
    for level in COMPARED_LEVELS:
        level_pillars = [p for p in pillars if p["level"] == level]
        maxima = {p["id"]: p["max_points"] for p in level_pillars}
        names = {p["id"]: p["name"] for p in level_pillars}
        current = scores.get((level, year), {})
        previous = {u: sum(s.values(), Decimal(0)) for u, s in scores.get((level, year - 1), {}).items()}
        ranked = rank_units(current, maxima, names, previous)
        for r in ranked:
            r.extra = units[r.unit_id]
            r.extra["cells"] = [r.scores.get(p["id"]) for p in level_pillars]
        out.append(
            {
                "level": level,
                "label": Level(level).label,
                "pillars": level_pillars,
                "maximum": sum(maxima.values(), Decimal(0)),
                "units": ranked,
            }
        )
    return out
