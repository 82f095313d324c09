"""Typography shared by the HTML and DOCX outputs: a figure never breaks between its digits and its unit
("163.788.841.373 đ" is not split over two lines), as Vietnamese offices print amounts."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

NBSP = "\u00a0"
# A number (digits with "." groups and "," decimals) followed by a space and "đ" standing alone.
FIGURE_WITH_UNIT = re.compile(r"(\d[\d.,]*) (đ)(?=$|[\s,;.:)])")

register = template.Library()


def unbreakable(text: str) -> str:
    """For DOCX: the space before the unit becomes a no-break space."""
    return FIGURE_WITH_UNIT.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text or "")


@register.filter
def keep_units(text) -> str:
    """For HTML: the escaped text with each figure and its unit in an unbreakable span."""
    escaped = escape(text or "")
    return mark_safe(  # noqa: S308 - escaped above; only our span is added
        FIGURE_WITH_UNIT.sub(lambda m: f'<span class="doc-figure">{m.group(1)} {m.group(2)}</span>', escaped)
    )
