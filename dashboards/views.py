"""The Ban Chỉ đạo dashboards: overview, indicator, unit, rankings and DTI pages, and the indicator table
downloads. Views only parse the request and place what `dashboards.queries` reads and
`dashboards.charts` draws; every value comes from `DataValue.objects.visible_to(request.user)`.

The unit page lives here (routed at /units/<CODE>/) rather than in `units/views.py`: it reads
indicators, values and statuses, and `units` depends on no other app. So does the home page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from core.numbers import format_measure
from core.overview import overview_lines
from core.periods import add_months, period_range
from indicators import cache as page_cache
from indicators import coverage
from indicators.choices import GROUP_LABELS
from indicators.models import DataValue, Indicator
from indicators.templatetags.vn import change_badge, flag_labels, status_badge
from units.models import Level, Unit

from . import charts, tables
from . import queries as dashboards

CACHED_PARAMETERS = {"period", "level", "sort"}
PART = "<!--cds:part-->"  # between the title and the content in dashboards/_parts.html
LEVEL_FILTERS = {"agency": (Level.AGENCY,), "district": (Level.DISTRICT,)}


def _today():
    return timezone.localdate()


ROW_HTML = (
    '<tr data-unit="{}" data-level="{}"><td class="num hide-phone">{}</td><td><a href="{}">{}</a></td>'
    '<td class="num">{}</td><td class="num hide-phone">{}</td><td>{}</td><td>{}</td>'
    '<td class="hide-phone">{}</td></tr>\n'
)


def _table_html(rows: list[dict], indicator: dict, period: str):
    """The indicator table's body, one `format_html` per row (escaped like the template would).

    A 150-unit table rendered cell by cell through the template engine cost more than the page's
    queries (B6); the cells use the same formatting functions and badges as the templates.
    """
    url = reverse("dashboards:unit_detail", args=["UNIT"])
    measure, direction = indicator["measure"], indicator["direction"]
    no_flag = mark_safe('<span class="muted">–</span>')
    return format_html_join(
        "",
        ROW_HTML,
        (
            (
                r["unit_code"],
                r["unit_level"],
                i,
                f"{url.replace('UNIT', r['unit_code'])}?period={period}",
                r["unit_display"],
                format_measure(r["value"], measure),
                format_measure(r["target"], measure),
                status_badge(r["status"]),
                change_badge(r["change_text"], direction),
                format_html_join("", '<span class="flag">{}</span>', ((f,) for f in flag_labels(r["flags"])))
                if r["flags"]
                else no_flag,
            )
            for i, r in enumerate(rows, start=1)
        ),
    )


def _period_choices(periods: list[str], selected: str | None) -> list[str]:
    """The periods offered in the selector: those with data, plus a requested one without data."""
    if selected and selected not in periods:
        return sorted([*periods, selected], reverse=True)
    return periods


def _period_context(period, periods, months) -> dict:
    """The period selector (partial months labelled) and the shown month's coverage note."""
    choices = _period_choices(periods, period)
    return {
        "period": period,
        "periods": choices,
        "period_labels": coverage.period_labels(choices, months),
        "month": coverage.month_note(period, periods, months),
    }


def cached_page(request, template: str, build) -> HttpResponse:
    """``template`` (extending dashboards/_parts.html) rendered with ``build()``'s context once per
    visibility scope, data version and address (`indicators.cache`), inside the site frame rendered
    for this request (user menu, CSRF token, messages)."""

    def render_parts() -> dict:
        title, content = render_to_string(template, build(), request).split(PART, 1)
        return {"title": title.strip(), "content": content}

    # Addresses with other parameters (a chart's chosen units, anything unknown) are rendered each time:
    # made-up query strings must not fill the shared cache.
    scope = page_cache.scope_of(request.user) if set(request.GET) <= CACHED_PARAMETERS else None
    parts = page_cache.get_or_build(scope, (template, request.get_full_path()), render_parts)
    return render(
        request,
        "dashboards/_page.html",
        {"page_title": mark_safe(parts["title"]), "page_content": mark_safe(parts["content"])},  # noqa: S308
    )


@login_required
def home(request):
    """The province overview for one period (the latest with data by default)."""
    return cached_page(request, "dashboards/overview.html", lambda: _overview_context(request))


def _overview_context(request) -> dict:
    visible = DataValue.objects.visible_to(request.user)
    periods = dashboards.available_periods(visible)
    months = coverage.month_coverage()
    period = coverage.choose_period(request.GET.get("period"), periods, months)
    context = _period_context(period, periods, months)
    context["overview_lines"] = overview_lines(request.user, period, _today())  # e.g. the plan's progress
    if period:
        data = dashboards.overview(request.user, period, _today())
        monthly_items = [item for g in data["groups"] for item in g["items"]]
        context.update(data, met_chart=charts.units_meeting_targets(monthly_items))
    else:
        context.update(dashboards.overview_empty())
    return context


@login_required
def indicator_detail(request, code):
    return cached_page(request, "dashboards/indicator_detail.html", lambda: _indicator_context(request, code))


def _indicator_context(request, code) -> dict:
    indicator = get_object_or_404(Indicator.objects.values(*dashboards.INDICATOR_FIELDS), code=code)
    visible = DataValue.objects.visible_to(request.user).filter(indicator_id=indicator["id"])
    periods = dashboards.available_periods(visible)
    covered = coverage.indicator_coverage(indicator["id"])
    period = coverage.choose_period(request.GET.get("period"), periods, covered)
    level = request.GET.get("level", "")
    levels = LEVEL_FILTERS.get(level)
    if levels is None:
        level = ""
    # The province's own (printed) row stays whatever the level filter: it is the table's total line.
    with_province = (*levels, Level.PROVINCE) if levels else None
    rows = dashboards.indicator_rows(request.user, indicator["id"], period, with_province) if period else []
    province_rows = [r for r in rows if r["unit_level"] == Level.PROVINCE]
    rows = [r for r in rows if r["unit_level"] != Level.PROVINCE]
    rows, sort = dashboards.sort_rows(rows, request.GET.get("sort", "unit"))
    chosen = [c for c in request.GET.getlist("unit") if c][:6]
    next_sort, sort_marks = dashboards.sort_links(sort)
    context = {
        "next_sort": next_sort,
        "sort_marks": sort_marks,
        "indicator": indicator,
        "group_label": GROUP_LABELS.get(indicator["group"], indicator["group"]),
        **_period_context(period, periods, covered),
        "level": level,
        "sort": sort,
        "rows": rows,
        "rows_html": _table_html(rows, indicator, period),
        "province_row": province_rows[0] if province_rows else None,
        "chosen": chosen,
        "query": request.GET.urlencode(),
    }
    if period:
        start = add_months(period, -(dashboards.TREND_MONTHS - 1))
        months = period_range(start, period)
        province = dashboards.province_series(request.user, [indicator["id"]], start, period)
        by_unit = dashboards.unit_series(request.user, indicator["id"], chosen, start, period)
        names = {r["unit_code"]: r["unit_display"] for r in rows}
        series = [("Toàn tỉnh", dashboards.figures(province.get(indicator["id"], {})))] + [
            (names.get(c, c), by_unit[c]) for c in chosen if c in by_unit
        ]
        targets = {r["target"] for r in rows if r["target"] is not None}
        context.update(
            bar_chart=charts.bars_by_unit(indicator, rows),
            trend_chart=charts.trend(
                indicator, months, series, target=targets.pop() if len(targets) == 1 else None
            ),
            met=sum(1 for r in rows if r["status"] == "met"),
            judged=sum(1 for r in rows if r["status"] in dashboards.JUDGED),
            unit_options=[(r["unit_code"], r["unit_display"]) for r in rows],
            province=coverage.province_changes(province, period, {indicator["id"]: indicator})[
                indicator["id"]
            ],
        )
    return context


@login_required
def indicator_download(request, code, fmt):
    """The indicator table of one period as XLSX or CSV (same filters as the page)."""
    indicator = get_object_or_404(Indicator.objects.values(*dashboards.INDICATOR_FIELDS), code=code)
    visible = DataValue.objects.visible_to(request.user).filter(indicator_id=indicator["id"])
    period = coverage.choose_period(
        request.GET.get("period"),
        dashboards.available_periods(visible),
        coverage.indicator_coverage(indicator["id"]),
    )
    levels = LEVEL_FILTERS.get(request.GET.get("level", ""))
    rows = dashboards.indicator_rows(request.user, indicator["id"], period, levels) if period else []
    rows, _ = dashboards.sort_rows(rows, request.GET.get("sort", "unit"))
    content, content_type = tables.indicator_table_file(indicator, rows, fmt)
    response = HttpResponse(content, content_type=content_type)
    filename = f"{indicator['code']}_{period or 'trong'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def unit_detail(request, code):
    return cached_page(request, "dashboards/unit_detail.html", lambda: _unit_context(request, code))


def _unit_context(request, code) -> dict:
    unit = get_object_or_404(Unit, code=code)
    visible = DataValue.objects.visible_to(request.user).filter(unit=unit)
    periods = dashboards.available_periods(visible)
    # The unit's own latest month by default (its own figures do not depend on the others'); the
    # selector still marks the months whose province figures are partial.
    period = dashboards.choose_period(request.GET.get("period"), periods)
    context = {"unit": unit, **_period_context(period, periods, coverage.month_coverage())}
    if period:
        data = dashboards.unit_overview(request.user, unit, period, _today())
        months = period_range(data["start"], period)
        peer_label = "Bình quân " + ("sở, ban, ngành" if unit.level == Level.AGENCY else "cấp huyện")
        context.update(
            data,
            peer_label=peer_label,
            comparison_chart=charts.unit_comparison(unit.short_name or unit.name, peer_label, data["rows"]),
            history_chart=charts.unit_history(data["rows"], months),
        )
    else:
        context.update(dashboards.unit_record_only(unit, _today()))
    return context


@login_required
def group_ranking(request, group):
    return cached_page(request, "dashboards/group_ranking.html", lambda: _group_context(request, group))


def _group_context(request, group) -> dict:
    if group not in GROUP_LABELS or group == "KH57":
        raise Http404
    visible = DataValue.objects.visible_to(request.user).filter(indicator__group=group)
    periods = dashboards.available_periods(visible)
    months = coverage.month_coverage()
    period = coverage.choose_period(request.GET.get("period"), periods, months)
    tables = dashboards.group_ranking(request.user, group, period) if period else []
    for table in tables:
        table["chart"] = charts.bars_by_unit(table["indicator"], table["ranked"]) if table["ranked"] else None
    return {
        "group": group,
        "group_label": GROUP_LABELS[group],
        "groups": [(c, label) for c, label in GROUP_LABELS.items() if c != "KH57"],
        **_period_context(period, periods, months),
        "tables": tables,
    }


@login_required
def dti_ranking(request, year):
    return cached_page(request, "dashboards/dti_ranking.html", lambda: _dti_context(year))


def _dti_context(year) -> dict:
    years = dashboards.dti_years()
    if year is None:  # no scores at all: say so, without offering a year that has none
        return {"year": None, "years": [], "sections": [], "has_previous": False}
    sections = dashboards.dti_ranking(year)
    for section in sections:
        section["chart"] = charts.dti_stacked(section) if section["units"] else None
    return {
        "year": year,
        "years": years,
        "sections": sections,
        "has_previous": year - 1 in years,
    }


@login_required
def dti_latest(request):
    years = dashboards.dti_years()
    return dti_ranking(request, years[0] if years else None)
