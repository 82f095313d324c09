"""The synthesis as files, through the shared document renderer (`core.documents`, ADR 0006): HTML, DOCX
and PDF of `printing.printable(doc)`, the same dict the page shows. A published version's file never
changes, so it is rendered once and kept in the cache (keyed by the version); a draft is rendered on each
request."""

from __future__ import annotations

import logging

from django.core.cache import cache

from core.documents.docx import render_docx
from core.documents.html import render_html as document_html
from core.documents.pdf import render_pdf

from .printing import printable

logger = logging.getLogger(__name__)

FORMATS = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
KEEP_SECONDS = 7 * 24 * 3600


def render_html(document: dict) -> str:
    return document_html(printable(document))


def render_file(document: dict, fmt: str, *, version_id: int | None = None) -> bytes:
    """The document as ``fmt`` (html, docx, pdf). ``version_id``: a published version, cached."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    key = f"cds:plans:synthesis:{version_id}:{fmt}" if version_id else None
    if key:
        try:
            hit = cache.get(key)
        except Exception:  # noqa: BLE001 - the shared cache (Redis) is down: render instead
            logger.warning("Cache unavailable; rendering the synthesis again", exc_info=True)
            hit = None
        if hit is not None:
            return hit
    if fmt == "html":
        content = render_html(document).encode("utf-8")
    elif fmt == "docx":
        content = render_docx(printable(document))
    else:
        content = render_pdf(printable(document))
    if key:
        try:
            cache.set(key, content, KEEP_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("Cache unavailable; the synthesis file is not kept", exc_info=True)
    return content
