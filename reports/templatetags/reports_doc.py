"""Template helpers of the report document: table cells with their spans, sanitised editorial HTML."""

from django import template
from django.utils.safestring import mark_safe

from reports.sanitize import clean_html

register = template.Library()


@register.simple_tag
def row_cells(table, row):
    """[(text, colspan, align)] for one row of a document table; a heading row spans the table."""
    aligns = table.get("align") or []
    spans = row.get("spans") or [1] * len(row["cells"])
    out, col = [], 0
    for text, span in zip(row["cells"], spans, strict=False):
        out.append({"text": text, "colspan": span, "align": aligns[col] if col < len(aligns) else "left"})
        col += span
    if row.get("heading") and out:
        out[0]["colspan"] = len(table["columns"])
        out[0]["align"] = "left"
    return out


@register.filter
def sanitized(html):
    """Editorial HTML is cleaned when saved; snapshots are cleaned again when shown (defence in depth)."""
    return mark_safe(clean_html(html))  # noqa: S308 - nh3 output
