"""Render a report document (the JSON of `services.compose_document`) as HTML, PDF and DOCX.

The PDF is WeasyPrint on Debian's Pango with Liberation Serif (metric-compatible with Times New Roman)
embedded; it fetches nothing from the network: only files under MEDIA_ROOT (editorial images). The DOCX
is built with python-docx: A4, Times New Roman 13 pt, real Word tables with merged header cells.
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import html as lxml_html

from .sanitize import clean_html

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "reports-print.css"
FONT = "Times New Roman"
BLUE = RGBColor(0x0B, 0x3D, 0x91)


def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def render_html(document: dict) -> str:
    return render_to_string("reports/report_print.html", {"doc": document, "css": print_css()})


def _media_path(url: str) -> Path | None:
    """The file under MEDIA_ROOT that a /media/… URL names, or None (no traversal outside it)."""
    path = unquote(urlparse(url).path)
    prefix = settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else "/" + settings.MEDIA_URL
    if not path.startswith(prefix):
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    candidate = (root / path[len(prefix) :]).resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def _url_fetcher(url, *args, **kwargs):
    """Only editorial images stored under MEDIA_ROOT; any other URL (network, file:) is refused."""
    path = _media_path(url)
    if path is None:
        raise ValueError(f"URL not allowed in a report PDF: {url}")
    return {
        "string": path.read_bytes(),
        "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
    }


def render_pdf(document: dict, progress=None) -> bytes:
    from weasyprint import HTML

    html = render_html(document)
    if progress:
        progress(40)
    pdf = HTML(string=html, base_url="http://report.invalid/", url_fetcher=_url_fetcher).write_pdf()
    if progress:
        progress(90)
    return pdf


# ------------------------------------------------------------------------------------------------ DOCX
def _set_font(run, size=None, bold=None, italic=None, color=None):
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic
    if color is not None:
        run.font.color.rgb = color


def _para(
    doc_or_cell,
    text="",
    *,
    align=None,
    size=None,
    bold=None,
    italic=None,
    color=None,
    indent=False,
    space_after=6,
):
    p = doc_or_cell.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        _set_font(p.add_run(text), size=size, bold=bold, italic=italic, color=color)
    return p


def _cell_text(cell, text, *, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=11):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _set_font(p.add_run(text), size=size, bold=bold)


ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


def _table(doc, block, width_mm):
    n_cols = len(block["columns"])
    header, rows = block["header"], block["rows"]
    size = 9 if block.get("small") else 11
    table = doc.add_table(rows=len(header) + len(rows), cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Header rows: place each cell at the first free column, merging its colspan × rowspan block.
    taken = set()
    for r, hrow in enumerate(header):
        c = 0
        for h in hrow:
            while (r, c) in taken:
                c += 1
            top_left = table.cell(r, c)
            bottom_right = table.cell(r + h["rowspan"] - 1, c + h["colspan"] - 1)
            merged = top_left.merge(bottom_right) if (h["rowspan"] > 1 or h["colspan"] > 1) else top_left
            _cell_text(merged, h["text"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
            for rr in range(r, r + h["rowspan"]):
                for cc in range(c, c + h["colspan"]):
                    taken.add((rr, cc))
            c += h["colspan"]
    aligns = block.get("align") or ["left"] * n_cols
    for i, row in enumerate(rows):
        r = len(header) + i
        spans = row.get("spans") or [1] * len(row["cells"])
        if row.get("heading"):
            spans = [n_cols]
        c = 0
        bold = bool(row.get("total") or row.get("heading") or row.get("subheader"))
        for text, span in zip(row["cells"], spans, strict=False):
            target = table.cell(r, c)
            if span > 1:
                target = target.merge(table.cell(r, c + span - 1))
            align = "left" if row.get("heading") else aligns[c] if c < len(aligns) else "left"
            _cell_text(target, text, bold=bold, align=ALIGN[align], size=size)
            c += span
    for r in range(len(header)):
        _repeat_header(table.rows[r])
    widths = block.get("widths")
    if widths and len(widths) == n_cols:
        total = sum(widths)
        for row in table.rows:
            for idx, cell in enumerate(row.cells[:n_cols]):
                cell.width = Mm(width_mm * widths[idx] / total)
    return table


def _repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    el = trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    trpr.append(el)


def _inline_runs(paragraph, element, *, bold=False, italic=False, underline=False, size=13):
    """Text and inline formatting of an editorial element, as runs of one paragraph."""
    if element.text:
        run = paragraph.add_run(element.text)
        _set_font(run, size=size, bold=bold or None, italic=italic or None)
        run.font.underline = underline or None
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            paragraph.add_run().add_break()
        else:
            _inline_runs(
                paragraph,
                child,
                bold=bold or tag in ("strong", "b"),
                italic=italic or tag in ("em", "i"),
                underline=underline or tag == "u",
                size=size,
            )
        if child.tail:
            run = paragraph.add_run(child.tail)
            _set_font(run, size=size, bold=bold or None, italic=italic or None)


def _editorial(doc, html: str, width_mm: float):
    html = clean_html(html)
    if not html:
        return
    for element in lxml_html.fragments_fromstring(html):
        if isinstance(element, str):
            if element.strip():
                _para(doc, element.strip(), size=13, indent=True)
            continue
        tag = element.tag
        if tag in ("h2", "h3"):
            p = _para(doc, space_after=6)
            _inline_runs(p, element, bold=True)
        elif tag == "h4":
            p = _para(doc, space_after=4)
            _inline_runs(p, element, bold=True, italic=True)
        elif tag in ("ul", "ol"):
            for n, li in enumerate(element.iter("li"), start=1):
                p = _para(doc, space_after=3)
                p.paragraph_format.left_indent = Mm(6)
                marker = f"{n}. " if tag == "ol" else "- "
                _set_font(p.add_run(marker), size=13)
                _inline_runs(p, li)
        elif tag == "figure":
            for img in element.iter("img"):
                path = _media_path(img.get("src", ""))
                if path is not None:
                    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
                    try:
                        p.add_run().add_picture(str(path), width=Mm(min(width_mm, 150)))
                    except Exception:  # noqa: BLE001 - an unreadable image must not stop the report
                        _set_font(p.add_run(f"[Ảnh: {img.get('alt', '')}]"), size=12, italic=True)
            for cap in element.iter("figcaption"):
                p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
                _inline_runs(p, cap, italic=True, size=12)
        elif tag == "img":
            path = _media_path(element.get("src", ""))
            if path is not None:
                p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
                p.add_run().add_picture(str(path), width=Mm(min(width_mm, 150)))
        elif tag == "blockquote":
            p = _para(doc)
            p.paragraph_format.left_indent = Mm(10)
            _inline_runs(p, element, italic=True)
        else:
            p = _para(doc, indent=True)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _inline_runs(p, element)


def render_docx(document: dict, progress=None) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    width_mm = 210 - 28 - 18
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    center = WD_ALIGN_PARAGRAPH.CENTER
    for line in document["organisation"]:
        _para(doc, line, align=center, bold=True, space_after=0)
    _para(doc, document["title"], align=center, bold=True, size=24, color=BLUE, space_after=2)
    _para(doc, f"Tháng {document['month_label']}", align=center, bold=True, size=15)
    _para(doc, document["subtitle"], align=center, italic=True)
    meta = doc.add_table(rows=1, cols=3)
    for cell, text, align, bold in zip(
        meta.rows[0].cells,
        [f"Số: {document['number']}", document["issue_date_text"], document["circulation"]],
        [WD_ALIGN_PARAGRAPH.LEFT, center, WD_ALIGN_PARAGRAPH.RIGHT],
        [False, False, True],
        strict=True,
    ):
        _cell_text(cell, text, align=align, bold=bold, size=12)
    p = _para(doc, document["opening"], indent=True)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if progress:
        progress(30)

    for part in document["parts"]:
        _para(doc, part["title"].upper(), align=center, bold=True, size=15, color=BLUE)
        if part["kind"] == "editorial":
            _editorial(doc, part.get("html", ""), width_mm)
            continue
        for s in part["sections"]:
            _para(doc, f"{s['number']}. {s['title']}", bold=True)
            for block in s["blocks"]:
                if block["type"] == "paragraph":
                    p = _para(doc, block["text"], indent=True)
                    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                elif block["type"] == "narrative":
                    if block.get("intro"):
                        _para(doc, block["intro"], indent=True)
                    for item in block["items"]:
                        p = _para(doc, item, indent=True)
                        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                elif block["type"] == "table":
                    _table(doc, block, width_mm)
                    _para(doc, space_after=2)
    if progress:
        progress(80)
    _para(doc, document["closing"], italic=True)
    sig = document.get("signature") or {}
    for key, extra in (("organisation", 0), ("title", 0), ("name", 36)):
        if sig.get(key):
            p = _para(doc, sig[key], align=center, bold=True, space_after=0)
            p.paragraph_format.left_indent = Mm(80)
            p.paragraph_format.space_before = Pt(extra)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
