"""A document as HTML: the fragment web pages place inside their layout, and the standalone page the HTML
export writes and WeasyPrint reads. The templates are this package's own (a template engine of its own,
so no app has to list them)."""

from __future__ import annotations

from pathlib import Path

from django.template import Context, Engine
from django.utils.safestring import SafeString, mark_safe

from .assets import stylesheet
from .prepare import prepare

ENGINE = Engine(
    dirs=[str(Path(__file__).resolve().parent / "templates")],
    autoescape=True,
    libraries={"documents": "core.documents.typography"},
)


def render_fragment(document: dict) -> SafeString:
    """The <article> of the document, for a page that shows it (links css/document.css itself)."""
    return _fragment(prepare(document))


def _fragment(prepared: dict) -> SafeString:
    html = ENGINE.get_template("documents/document.html").render(Context({"doc": prepared}))
    return mark_safe(html)  # noqa: S308 - autoescaped template; rich text is nh3's output


def render_html(document: dict, *, css: str | None = None) -> str:
    """A standalone HTML page with the print stylesheet inlined."""
    prepared = prepare(document)
    return ENGINE.get_template("documents/page.html").render(
        Context({"doc": prepared, "body": _fragment(prepared), "css": mark_safe(css or stylesheet())})  # noqa: S308
    )
