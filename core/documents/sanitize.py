"""Rich text (an `html` block of a document) reduced to what a printed document can hold.

nh3 (ammonia) parses the HTML and keeps only the tags and attributes below: scripts, styles, event
handlers (`onclick`, `onerror`…), `javascript:`/`data:` URLs and anything unknown are removed, not
escaped, so what comes out is safe to mark safe in templates and to convert to DOCX.

Paragraphs survive the trip. A browser's editor (contentEditable) writes a new line as `<div>` (Chrome,
Edge) or leaves the first line as loose text before it; `<div>` is not a printable block, so nh3
alone would drop the tag and run "…92,9%.Đã triển khai…" together. Here every `<div>` becomes a `<p>`
and loose top-level text or inline markup is wrapped in a `<p>` of its own, so each line the writer
ended with Enter stays a paragraph in HTML, DOCX and PDF.
"""

from __future__ import annotations

import re

import nh3
from lxml import etree
from lxml import html as lxml_html

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
BLOCK_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "figure"}

_DIV_OPEN = re.compile(r"<div\b", re.IGNORECASE)
_DIV_CLOSE = re.compile(r"</div\s*>", re.IGNORECASE)
_EMPTY_P = re.compile(r"<p>(?:\s|&nbsp;|\u00a0|<br>)*</p>")


def _nh3(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _serialise(node) -> str:
    return lxml_html.tostring(node, encoding="unicode")


def _paragraphs(html: str) -> str:
    """Wrap loose top-level text and inline elements into paragraphs (blocks are left as they are)."""
    try:
        fragments = lxml_html.fragments_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    out, loose = [], []

    def flush():
        text = "".join(loose).strip()
        loose.clear()
        if text:
            out.append(f"<p>{text}</p>")

    for fragment in fragments:
        if isinstance(fragment, str):
            loose.append(_escape(fragment))
            continue
        tail, fragment.tail = fragment.tail, None
        if fragment.tag in BLOCK_TAGS:
            flush()
            out.append(_serialise(fragment))
        else:
            loose.append(_serialise(fragment))
        if tail:
            loose.append(_escape(tail))
    flush()
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean_html(html: str | None) -> str:
    if not html or not html.strip():
        return ""
    html = _DIV_CLOSE.sub("</p>", _DIV_OPEN.sub("<p", html))
    cleaned = _nh3(html)
    if not cleaned.strip():
        return ""
    # The structural pass runs on nh3's output and nh3 runs again on its result: what is stored is
    # always what nh3 allows.
    return _EMPTY_P.sub("", _nh3(_paragraphs(cleaned))).strip()
