"""The one template library for Vietnamese number formats (loaded as a builtin everywhere)."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from core import numbers as formatting
from indicators.choices import QualityFlag, Status

register = template.Library()


@register.filter
def vn_number(value, decimals=None):
    return formatting.format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def vn_percent(value, decimals=None):
    return formatting.format_percent(value, None if decimals in (None, "") else int(decimals))


@register.filter
def vn_vnd(value):
    return formatting.format_vnd(value)


@register.filter
def vn_measure(value, measure):
    return formatting.format_measure(value, measure)


@register.filter
def vn_period(period):
    return formatting.format_period(period)


# --- Dashboard helpers: status badges, change arrows and quality flags, always in words -------------
_STATUS_ICONS = {
    "met": "✓",
    "not_met": "✗",
    "in_progress": "◔",
    "no_target": "–",
    "no_data": "?",
}


@register.filter
def vn_month(period):
    """ "2023-08" → "Tháng 8/2023"."""
    if not period:
        return formatting.EMPTY
    return f"Tháng {formatting.format_period(period)}"


@register.filter
def status_label(status):
    if not status:
        return "Đang cập nhật"
    return _status_label(status, get_language())


@functools.lru_cache(maxsize=64)
def _status_label(status, language):
    """Labels are lazy translations; resolving one per table cell costs more than the cell itself."""
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.filter
def status_badge(status):
    """A badge with an icon, a colour and the status in words (never colour alone)."""
    key = status or "pending"
    return format_html(
        '<span class="badge badge-{}"><span aria-hidden="true">{}</span> {}</span>',
        key,
        _STATUS_ICONS.get(key, "…"),
        status_label(status),
    )


@register.filter
def change_badge(text, direction="up"):
    """ "Tăng 0,9%" → ▲ Tăng 0,9%, marked good or bad by the indicator's direction."""
    if not text:
        return ""
    if text.startswith("Tăng"):
        arrow, good = "▲", direction != "down"
    elif text.startswith("Giảm"):
        arrow, good = "▼", direction == "down"
    else:
        return format_html(
            '<span class="change change-same"><span aria-hidden="true">=</span> {}</span>', text
        )
    return format_html(
        '<span class="change change-{}"><span aria-hidden="true">{}</span> {}</span>',
        "good" if good else "bad",
        arrow,
        text,
    )


@register.filter
def flag_labels(flags):
    """Quality flag codes → their Vietnamese labels."""
    return [str(QualityFlag(f).label) for f in flags or ()]


@register.filter
def progress_width(progress):
    """Progress in % of target → a bar width between 0 and 100."""
    d = formatting._to_decimal(progress)
    if d is None:
        return 0
    return int(max(0, min(100, d)))


TIER_ORDER = {"province": (0, "Tỉnh"), "district": (1, "Huyện"), "commune": (2, "Xã")}


@register.filter
def tier_items(tiers):
    """A tiered value's levels in the order the reports print them (tỉnh, huyện, xã), whatever order
    the database returns the JSON keys in (PostgreSQL's jsonb sorts them)."""
    if not tiers:
        return []
    keys = sorted(tiers, key=lambda k: (TIER_ORDER.get(k, (9, k))[0], k))
    return [(TIER_ORDER.get(k, (9, k))[1], tiers[k]) for k in keys]


@register.filter
def period_note(period, notes):
    """The note a period selector shows beside a month ("(chưa đủ: 1/37 đơn vị đã báo cáo)")."""
    return notes.get(period, "") if notes else ""
