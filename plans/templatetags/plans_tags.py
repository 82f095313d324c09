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
