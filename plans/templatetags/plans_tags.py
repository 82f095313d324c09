"""Template filters of the plan's pages: quarter labels and state badges (words, not colours only)."""

from django import template
from django.utils.html import format_html

from core.periods import quarter_label as _quarter_label

from ..choices import ReportState, TaskState

register = template.Library()


@register.filter
def quarter_label(quarter):
    """``"2023-Q3"`` → ``"quý III/2023"``."""
    return _quarter_label(quarter) if quarter else ""


@register.filter
def quarter_title(quarter):
    """``"2023-Q3"`` → ``"Quý III/2023"``."""
    label = _quarter_label(quarter) if quarter else ""
    return label[:1].upper() + label[1:]


@register.filter
def task_state_badge(state):
    if not state:
        return format_html('<span class="badge task-none" data-state="">{}</span>', "Chưa có báo cáo được duyệt")
    return format_html(
        '<span class="badge task-{}" data-state="{}">{}</span>', state, state, TaskState(state).label
    )


@register.filter
def report_state_badge(state):
    if not state:
        return format_html('<span class="badge report-none" data-state="">{}</span>', "Chưa có báo cáo")
    return format_html(
        '<span class="badge report-{}" data-state="{}">{}</span>', state, state, ReportState(state).label
    )


LEAD_COLUMNS = {"Cơ quan", "Nhiệm vụ"}
WIDE_COLUMNS = {"Kết quả thực hiện", "Khó khăn, vướng mắc, đề xuất", "Chỉ tiêu KH57 phục vụ"}


@register.filter
def with_columns(cells, block):
    """A document table row's cells as (column name, text, css class): the names label the cells of a
    table stacked on a phone; the lead cell (the agency or the task) opens the row, long texts get a
    line of their own, empty ones are left out."""
    out = []
    aligns = block.get("align") or []
    for i, (label, cell) in enumerate(zip(block.get("columns", []), cells, strict=False)):
        css = "lead-cell" if label in LEAD_COLUMNS else "wide-cell" if label in WIDE_COLUMNS else ""
        if i < len(aligns) and aligns[i] == "right":
            css += " al-right"
        if cell in ("", "–"):
            css += " blank"
        out.append((label, cell, css.strip()))
    return out
