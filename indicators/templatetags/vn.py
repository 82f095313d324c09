"""The one template library for Vietnamese number formats (loaded as a builtin everywhere)."""

from django import template

from indicators import formatting

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
