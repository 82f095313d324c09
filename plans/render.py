"""The synthesis as files. HTML: `templates/plans/synthesis_print.html` over `printing.printable(doc)`.

DOCX and PDF come from the shared document renderer (`core/documents/`, being moved out of `reports/`
by another change, docs/decisions/0006); it is not on main yet, so they are not offered. Wiring them is
`core.documents.render_docx(printable(doc))` / `render_pdf(printable(doc))` here and two formats more in
`views/synthesis.py` (FORMATS): the document is already in the shared shape.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from .printing import printable

FORMATS = {"html": "text/html; charset=utf-8"}


def render_file(document: dict, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(document).encode("utf-8")
    raise ValueError(fmt)


def render_html(document: dict) -> str:
    return render_to_string("plans/synthesis_print.html", {"doc": printable(document)})
