"""A document as PDF: WeasyPrint on the standalone HTML, set in the fonts shipped in `static/fonts`
(declared by `css/document-fonts.css` and loaded through the document fetcher, so no system font is
needed or used), fetching nothing but those fonts and the images the calling app allows."""

from __future__ import annotations

from .assets import FONT_STYLESHEET, INTERNAL_ORIGIN, ImageRoots, font_stylesheet, stylesheet
from .fetcher import document_fetcher
from .html import render_html


def render_pdf(document: dict, *, images: dict | None = None, progress=None) -> bytes:
    """`images` maps URL prefixes to folders ({"/media/reports/images/": MEDIA_ROOT / "reports/images"});
    an image elsewhere, or on the network, is left out of the PDF."""
    # WeasyPrint is slow to import: only processes that render a PDF pay for it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = document_fetcher(ImageRoots.of(images))
    fonts = FontConfiguration()
    font_css = CSS(
        string=font_stylesheet(),
        base_url=f"{INTERNAL_ORIGIN}/static/{FONT_STYLESHEET}",
        url_fetcher=fetcher,
        font_config=fonts,
    )
    html = render_html(document, css=stylesheet())
    if progress:
        progress(40)
    pdf = HTML(string=html, base_url=f"{INTERNAL_ORIGIN}/", url_fetcher=fetcher).write_pdf(
        stylesheets=[font_css], font_config=fonts
    )
    if progress:
        progress(90)
    return pdf
