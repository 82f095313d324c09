"""The figure dicts of dashboards/charts.py (issue 17): whole-number axes for counts, no repeated ticks
on a single-point trend, the trend's axis from the first month with data, room for the bars' labels,
amounts in "đ". Tick labels are computed as plotly draws them from the axis we send (range, tick0,
dtick or tickvals, tickformat), so "0 0 0 1 1 1" is caught without a browser; every figure is also
validated by plotly's own schema."""

from decimal import Decimal

import plotly.graph_objects as go

from core.numbers import format_number
from dashboards import charts

COUNT = {"measure": "count"}
AMOUNT = {"measure": "amount_vnd"}
PERCENT = {"measure": "percent"}


def tick_labels(axis: dict) -> list[str]:
    """The labels plotly prints for an axis with an explicit range (",.0f"/",d" → whole numbers)."""
    low, high = axis["range"]
    if "ticktext" in axis:
        return [t for v, t in zip(axis["tickvals"], axis["ticktext"], strict=True) if low <= v <= high]
    if "tickvals" in axis:
        values = [v for v in axis["tickvals"] if low <= v <= high]
    else:
        step, v, values = axis["dtick"], axis.get("tick0", 0), []
        while v <= high + 1e-9:
            if v >= low - 1e-9:
                values.append(v)
            v += step
    if axis["tickformat"] in (",.0f", ",d"):
        texts = [format_number(Decimal(round(v)), 0) for v in values]
    else:  # ",.4~f": up to 4 decimals, trailing zeros trimmed
        texts = [format_number(Decimal(str(round(v, 4))).normalize()) for v in values]
    return [t + axis.get("ticksuffix", "") for t in texts]


def unit_row(name, value, target=None, status="met"):
    return {"unit_display": name, "value": Decimal(value), "target": target, "status": status}


def test_a_count_of_one_unit_has_whole_ticks_not_0_0_0_1_1_1():
    figure = charts.units_meeting_targets(
        [{"indicator": {"name": "Tỷ lệ DVCTT"}, "judged": 1, "met": 1, "in_progress": 0, "not_met": 0}]
    )
    go.Figure(figure)
    assert tick_labels(figure["layout"]["xaxis"]) == ["0", "1"]


def test_bars_of_small_counts_have_whole_ticks_and_room_for_their_labels():
    rows = [unit_row("Đồng Xoài", "3"), unit_row("Bù Đốp", "1", status="no_target")]
    figure = charts.bars_by_unit(COUNT, rows)
    go.Figure(figure)
    axis = figure["layout"]["xaxis"]
    assert tick_labels(axis) == ["0", "1", "2", "3"]
    assert axis["range"] == [0.0, 3 * 1.22]  # the outside label "3" fits right of the longest bar
    assert [t["text"] for t in figure["data"]] == [["3"], ["1"]]
    assert figure["data"][0]["cliponaxis"] is False


def test_percent_bars_keep_their_labels_in_view_and_stop_their_ticks_at_100():
    figure = charts.bars_by_unit(
        PERCENT, [unit_row("Đồng Xoài", "100", target=Decimal(80)), unit_row("Bù Đốp", "92.9")]
    )
    go.Figure(figure)
    axis = figure["layout"]["xaxis"]
    assert axis["range"][1] > 100 * 1.2
    assert tick_labels(axis) == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_amounts_are_in_dong_on_the_axis_and_on_the_bars():
    figure = charts.bars_by_unit(
        AMOUNT, [unit_row("Đồng Xoài", "5144126233"), unit_row("Bù Đốp", "304534653")]
    )
    go.Figure(figure)
    assert [t["text"] for t in figure["data"]] == [["5.144.126.233 đ", "304.534.653 đ"]]
    assert tick_labels(figure["layout"]["xaxis"]) == ["0 đ", "2 tỷ đ", "4 tỷ đ", "6 tỷ đ"]


def test_small_amounts_keep_whole_dong_ticks():
    figure = charts.bars_by_unit(AMOUNT, [unit_row("Đồng Xoài", "350000")])
    axis = figure["layout"]["xaxis"]
    assert axis["ticksuffix"] == " đ" and axis["tickformat"] == ",.0f"
    labels = tick_labels(axis)
    assert labels[0] == "0 đ" and len(labels) == len(set(labels))


def test_a_single_point_trend_has_distinct_ticks_from_zero():
    figure = charts.trend(COUNT, ["2023-08"], [("Toàn tỉnh", {"2023-08": Decimal(3512)})])
    go.Figure(figure)
    axis = figure["layout"]["yaxis"]
    labels = tick_labels(axis)
    assert labels[0] == "0" and len(labels) == len(set(labels)) and 3 <= len(labels) <= 8
    assert axis["range"][1] >= 3512


def test_a_single_small_count_trend_counts_in_whole_numbers():
    figure = charts.trend(COUNT, ["2023-08"], [("Đồng Xoài", {"2023-08": Decimal(1)})])
    assert tick_labels(figure["layout"]["yaxis"]) == ["0", "1"]


def test_a_trend_of_close_counts_ticks_once_per_whole_number():
    figure = charts.trend(
        COUNT, ["2023-07", "2023-08"], [("Toàn tỉnh", {"2023-07": Decimal(3511), "2023-08": Decimal(3512)})]
    )
    assert figure["layout"]["yaxis"]["dtick"] == 1
    assert figure["layout"]["yaxis"]["tickformat"] == ",.0f"


def test_the_trend_starts_at_the_first_month_with_data():
    periods = ["2023-03", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08"]
    figure = charts.trend(
        PERCENT,
        periods,
        [
            ("Toàn tỉnh", {"2023-07": Decimal("91.5"), "2023-08": Decimal("92.9")}),
            ("Đồng Xoài", {"2023-08": Decimal(95)}),
        ],
    )
    go.Figure(figure)
    assert figure["layout"]["xaxis"]["categoryarray"] == ["7/2023", "8/2023"]
    assert [t["x"] for t in figure["data"]] == [["7/2023", "8/2023"], ["8/2023"]]
