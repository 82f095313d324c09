"""Editorial HTML as staff write it in the editor, reduced to what the report prints.

nh3 (ammonia) parses the HTML and keeps only the tags and attributes below: scripts, styles, event
handlers (`onclick`, `onerror`…), `javascript:`/`data:` URLs and anything unknown are removed, not
escaped, so what is stored is safe to mark safe in templates and to convert to DOCX.
"""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "figure",
    "figcaption",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str | None) -> str:
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
