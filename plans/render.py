"""The synthesis document (`services.synthesis.compose_document` or a published version) as a standalone
HTML file. DOCX and PDF come from the shared document renderer once it lives below the feature apps
(`core/documents/`, being moved out of `reports/`); until then only HTML is offered."""

from __future__ import annotations

from django.template.loader import render_to_string


def render_html(document: dict) -> str:
    return render_to_string("plans/synthesis_print.html", {"doc": document})
