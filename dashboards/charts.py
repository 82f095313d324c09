"""Plotly figures of the dashboards, built server-side; templates only place them (`json_script`) and
static/js/dashboard.js hands them to the plotly.js we serve ourselves.

Figures are plain dicts in plotly's JSON figure schema rather than `plotly.graph_objects.Figure`s:
building a validated Figure costs tens of milliseconds per chart, more than the page's queries, and
the tests validate every figure we build with `plotly.graph_objects.Figure(figure)` instead.

Conventions: Vietnamese labels; numbers formatted by `indicators.formatting` (the same text as the
tables) and `separators=",."` for the axes (`1.234,5`); months as the reports print them (`8/2023`);
Okabe–Ito colours, which stay distinct for colour-blind readers, and the status always also in words
(one trace per status, so the legend names it, and in the hover text).
"""

from __future__ import annotations

import math
from decimal import Decimal

from core.numbers import format_measure, format_number, format_period
from indicators.choices import Status

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
STATUS_COLOURS = {
    Status.MET: OKABE_ITO["blue"],
    Status.NOT_MET: OKABE_ITO["vermillion"],
    Status.IN_PROGRESS: OKABE_ITO["orange"],
    Status.NO_TARGET: OKABE_ITO["grey"],
    Status.NO_DATA: "#CCCCCC",
}
STATUS_ORDER = (Status.MET, Status.IN_PROGRESS, Status.NOT_MET, Status.NO_TARGET, Status.NO_DATA)
SERIES_COLOURS = [
    OKABE_ITO[c] for c in ("black", "blue", "vermillion", "green", "orange", "purple", "sky", "yellow")
]
PILLAR_COLOURS = [
    OKABE_ITO[c]
    for c in ("blue", "orange", "sky", "green", "vermillion", "purple", "yellow", "black", "grey")
]
BAR_HEIGHT = 26


def _num(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def base_layout(title: str, *, height: int = 360, **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "separators": ",.",
        "font": {"family": "Liberation Sans, Arial, sans-serif", "size": 12, "color": "#1f2933"},
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 60, "b": 10},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 12}},
        "hoverlabel": {"font": {"family": "Liberation Sans, Arial, sans-serif"}},
    }
    layout.update(extra)
    return layout


def _axis(**extra) -> dict:
    axis = {"automargin": True, "gridcolor": "#e4e7eb", "zerolinecolor": "#cbd2d9"}
    axis.update(extra)
    return axis


def nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-5 step that divides ``span`` into about ``ticks`` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def value_axis(measure: str, values=(), *, headroom: float = 0.0, **extra) -> dict:
    """The axis of an indicator's values. Counts and amounts get whole-number ticks (a 0–1 range of
    counts would otherwise read "0 0 0 1 1 1"), amounts end in " đ", percents in "%". With ``values``
    the range is set from zero to the largest value plus ``headroom`` (room for the bars' labels),
    which also gives a single value or equal values a readable axis instead of repeated ticks."""
    numbers = [float(v) for v in values if v is not None]
    axis = _axis(tickformat=",.0f" if measure != "percent" else ",.4~f", **extra)
    if measure == "percent":
        axis["ticksuffix"] = "%"
    elif measure == "amount_vnd":
        axis["ticksuffix"] = " đ"
    if numbers:
        low = min(0.0, min(numbers))
        high = max(numbers)
        if high <= low:
            high = low + (100.0 if measure == "percent" else 1.0)
        top = high * (1 + headroom) if high > 0 else high
        step = nice_step(top - low)
        if measure != "percent":
            step = max(1.0, math.ceil(step))
        axis["range"] = [low, top]
        if measure == "amount_vnd" and top >= 1_000_000:
            # "2 tỷ đ", not "2.000.000.000 đ" (which a phone prints slanted over its neighbours)
            ticks = [low + k * step for k in range(int((top - low) // step) + 1)]
            axis.update(tickmode="array", tickvals=ticks, ticktext=[_short_amount(t) for t in ticks])
            axis.pop("ticksuffix", None)
        elif measure == "percent" and 50 < high <= 100:
            axis["tickvals"] = [0, 20, 40, 60, 80, 100]  # no "120%" tick in the labels' headroom
        else:
            axis["dtick"] = step
            axis["tick0"] = 0
    elif measure != "percent":
        axis["tickformat"] = ",d"
    return axis


def _short_amount(value: float) -> str:
    """An axis tick of money: 2.5e9 → "2,5 tỷ đ", 750e6 → "750 triệu đ", 0 → "0 đ"."""
    for size, word in ((1_000_000_000, " tỷ đ"), (1_000_000, " triệu đ")):
        if abs(value) >= size:
            return format_number(Decimal(str(round(value / size, 2))).normalize()) + word
    return format_number(Decimal(round(value)), 0) + " đ"


def bars_by_unit(indicator: dict, rows: list[dict]) -> dict:
    """One horizontal bar per unit with a value, coloured and named by status, the target as a marker."""
    measure = indicator["measure"]
    rows = [r for r in rows if r["value"] is not None]
    names = [r["unit_display"] for r in rows]
    traces = []
    for status in STATUS_ORDER:
        members = [r for r in rows if (r["status"] or Status.NO_DATA) == status]
        if not members:
            continue
        label = str(Status(status).label)
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "x": [_num(r["value"]) for r in members],
                "y": [r["unit_display"] for r in members],
                "marker": {"color": STATUS_COLOURS[status]},
                "text": [format_measure(r["value"], measure) for r in members],
                "textposition": "outside",
                "cliponaxis": False,
                "constraintext": "none",
                "customdata": [[format_measure(r["value"], measure), label] for r in members],
                "hovertemplate": "%{y}: %{customdata[0]} (%{customdata[1]})<extra></extra>",
            }
        )
    targeted = [r for r in rows if r.get("target") is not None]
    if targeted:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Chỉ tiêu",
                "x": [_num(r["target"]) for r in targeted],
                "y": [r["unit_display"] for r in targeted],
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 18,
                    "line": {"width": 3, "color": OKABE_ITO["black"]},
                    "color": OKABE_ITO["black"],
                },
                "customdata": [format_measure(r["target"], measure) for r in targeted],
                "hovertemplate": "%{y}: chỉ tiêu %{customdata}<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": base_layout(
            "Số liệu theo đơn vị",
            height=max(220, 90 + BAR_HEIGHT * len(rows)),
            barmode="relative",
            # room right of the longest bar for its outside label (and the target marks)
            xaxis=value_axis(
                measure,
                [r["value"] for r in rows] + [r["target"] for r in targeted],
                headroom=0.22 if measure != "amount_vnd" else 0.45,
            ),
            yaxis=_axis(type="category", categoryorder="array", categoryarray=names, autorange="reversed"),
        ),
    }


def trend(indicator: dict, periods: list[str], series: list[tuple[str, dict]], target=None) -> dict:
    """Lines over the months: ``series`` is [(name, {period: value})], the province first."""
    measure = indicator["measure"]
    with_data = [p for p in periods if any(values.get(p) is not None for _, values in series)]
    if with_data:  # the axis starts at the first month with data
        periods = periods[periods.index(with_data[0]) :]
    labels = [format_period(p) for p in periods]
    traces = []
    for i, (name, values) in enumerate(series):
        points = [p for p in periods if values.get(p) is not None]
        if not points:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [format_period(p) for p in points],
                "y": [_num(values[p]) for p in points],
                "line": {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "width": 3 if i == 0 else 2},
                "marker": {"size": 7, "symbol": ["circle", "square", "diamond", "triangle-up"][i % 4]},
                "customdata": [format_measure(values[p], measure) for p in points],
                "hovertemplate": name + " %{x}: %{customdata}<extra></extra>",
            }
        )
    layout = base_layout(
        "Diễn biến theo tháng",
        xaxis=_axis(type="category", categoryorder="array", categoryarray=labels, title={"text": "Tháng"}),
        yaxis=_trend_axis(
            measure, [v for _, values in series for p, v in values.items() if p in periods], target
        ),
    )
    if target is not None and labels:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": _num(target),
                "y1": _num(target),
                "line": {"color": OKABE_ITO["black"], "dash": "dash", "width": 1.5},
            }
        ]
        layout["annotations"] = [
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "y": _num(target),
                "yanchor": "bottom",
                "text": "Chỉ tiêu " + format_measure(target, measure),
                "showarrow": False,
            }
        ]
    return {"data": traces, "layout": layout}


def _trend_axis(measure: str, values: list, target) -> dict:
    """A trend's y axis: plotly's own range while the values vary; from zero when they are one value
    (a single month, or equal values), where plotly would repeat one tick ("3.512 3.512 3.513")."""
    numbers = {float(v) for v in values if v is not None}
    if len(numbers) <= 1:
        return value_axis(measure, [*numbers, _num(target)], headroom=0.15)
    axis = value_axis(measure)
    if measure != "percent":
        low, high = min(numbers), max(numbers)
        axis["tickformat"] = ",.0f"
        axis.pop("dtick", None)
        if high - low < 5:  # few whole numbers apart: one tick per whole number
            axis["dtick"] = 1
    return axis


def units_meeting_targets(items: list[dict]) -> dict:
    """Overview: per indicator with a target, how many units met it (stacked bars, status in words)."""
    items = [i for i in items if i["judged"]]
    names = [i["indicator"]["name"] for i in items]
    traces = []
    for status, key in (
        (Status.MET, "met"),
        (Status.IN_PROGRESS, "in_progress"),
        (Status.NOT_MET, "not_met"),
    ):
        counts = [i[key] for i in items]
        if not any(counts):
            continue
        label = str(Status(status).label)
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "x": counts,
                "y": names,
                "marker": {"color": STATUS_COLOURS[status]},
                "text": [str(c) if c else "" for c in counts],
                "textposition": "inside",
                "hovertemplate": "%{y}: %{x} đơn vị " + label.lower() + "<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": base_layout(
            "Số đơn vị đạt chỉ tiêu",
            height=max(200, 110 + 44 * len(items)),
            barmode="stack",
            xaxis=value_axis(
                "count",
                [sum(i[k] for k in ("met", "in_progress", "not_met")) for i in items],
                title={"text": "Số đơn vị"},
            ),
            yaxis=_axis(
                type="category",
                categoryorder="array",
                categoryarray=names,
                autorange="reversed",
                tickmode="array",
                tickvals=names,
                ticktext=[_wrap(n) for n in names],
            ),
        ),
    }


def _wrap(text: str, width: int = 28) -> str:
    """Break a long label into lines for the axis (plotly does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def unit_comparison(unit_name: str, peer_label: str, rows: list[dict]) -> dict:
    """Unit page: the unit's percent indicators beside the province figure and the peers' mean."""
    rows = [r for r in rows if r["indicator"]["measure"] == "percent" and r["current"]]
    names = [_wrap(r["indicator"]["name"], 34) for r in rows]
    series = (
        (unit_name, [r["latest"]["value"] for r in rows], OKABE_ITO["blue"]),
        ("Toàn tỉnh", [r["province"] for r in rows], OKABE_ITO["orange"]),
        (peer_label, [r["peer_mean"] for r in rows], OKABE_ITO["green"]),
    )
    traces = []
    for name, values, colour in series:
        if all(v is None for v in values):
            continue
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "x": [_num(v) for v in values],
                "y": names,
                "marker": {"color": colour},
                "customdata": [format_measure(v, "percent") for v in values],
                "hovertemplate": name + ": %{customdata}<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": base_layout(
            "So sánh với toàn tỉnh và đơn vị cùng cấp",
            height=max(260, 150 + 64 * len(rows)),
            barmode="group",
            legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
            xaxis=value_axis("percent", range=[0, 105]),
            yaxis=_axis(type="category", categoryorder="array", categoryarray=names, autorange="reversed"),
        ),
    }


def unit_history(rows: list[dict], periods: list[str]) -> dict:
    """Unit page: the unit's percent indicators over the months, one line each."""
    series = [
        (r["indicator"]["name"], {h["period"]: h["value"] for h in r["history"]})
        for r in rows
        if r["indicator"]["measure"] == "percent" and len(r["history"]) > 0
    ]
    figure = trend({"measure": "percent"}, periods, series)
    figure["layout"]["title"]["text"] = "Diễn biến các chỉ tiêu tỷ lệ"
    figure["layout"]["legend"] = {"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top"}
    figure["layout"]["height"] = 380 + 22 * len(series)
    for trace in figure["data"]:
        trace["name"] = _wrap(trace["name"], 60)
    return figure


def dti_stacked(section: dict) -> dict:
    """DTI: one stacked bar per unit, one segment per pillar, best unit on top."""
    units = section["units"]
    names = [u.extra["name"] for u in units]
    traces = []
    for i, pillar in enumerate(section["pillars"]):
        values = [_num(u.scores.get(pillar["id"])) for u in units]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": pillar["name"],
                "x": values,
                "y": names,
                "marker": {"color": PILLAR_COLOURS[i % len(PILLAR_COLOURS)]},
                "customdata": [format_measure(v, "count") for v in values],
                "hovertemplate": "%{y} · " + pillar["name"] + ": %{customdata} điểm<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": base_layout(
            "Điểm DTI theo trụ cột — " + str(section["label"]),
            height=max(240, 130 + BAR_HEIGHT * len(units)) + 24 * len(section["pillars"]),
            barmode="stack",
            legend={"orientation": "h", "x": 0, "y": -0.06, "yanchor": "top", "traceorder": "normal"},
            xaxis=_axis(tickformat=",d", ticksuffix=" điểm"),
            yaxis=_axis(type="category", categoryorder="array", categoryarray=names, autorange="reversed"),
        ),
    }
