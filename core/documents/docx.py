"""A document as DOCX (python-docx): A4, Times New Roman 13 pt (the font of Vietnamese administrative
documents; the shipped Liberation Serif, metric-compatible, is embedded as its stand-in), real Word
tables with merged header cells, rich text as Word paragraphs."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import html as lxml_html

from .assets import DOCX_FONT, ImageRoots
from .docx_fonts import embed_fonts
from .prepare import prepare
from .typography import unbreakable

BLUE = RGBColor(0x0B, 0x3D, 0x91)
PAGE_WIDTH, LEFT, RIGHT = 210, 28, 18
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
CENTER = WD_ALIGN_PARAGRAPH.CENTER
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": CENTER}


def _set_font(run, size=None, bold=None, italic=None, color=None, underline=None):
    run.font.name = DOCX_FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), DOCX_FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic
    if underline is not None:
        run.font.underline = underline
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(container, text="", *, align=None, size=None, bold=None, italic=None, color=None, indent=False,
          space_after=6):  # fmt: skip
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        _set_font(p.add_run(unbreakable(text)), size=size, bold=bold, italic=italic, color=color)
    return p


def _text(doc, text, **kwargs):
    p = _para(doc, text, indent=True, **kwargs)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def _cell_text(cell, text, *, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=11):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _set_font(p.add_run(unbreakable(text)), size=size, bold=bold)


def header_positions(header):
    """(row, column, cell) of each header cell: at the first column its row has free (cells of earlier
    rows span down into it)."""
    taken = set()
    for r, hrow in enumerate(header):
        c = 0
        for h in hrow:
            while (r, c) in taken:
                c += 1
            yield r, c, h
            taken.update((rr, cc) for rr in range(r, r + h["rowspan"]) for cc in range(c, c + h["colspan"]))
            c += h["colspan"]


def _repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _table(doc, block):
    n_cols = len(block["columns"])
    header, rows = block["header"], block["body"]
    size = 9 if block.get("small") else 11
    table = doc.add_table(rows=len(header) + len(rows), cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Header rows: each cell at the first free column, merged over its colspan × rowspan block.
    for r, c, h in header_positions(header):
        top_left = table.cell(r, c)
        bottom_right = table.cell(r + h["rowspan"] - 1, c + h["colspan"] - 1)
        merged = top_left.merge(bottom_right) if (h["rowspan"] > 1 or h["colspan"] > 1) else top_left
        _cell_text(merged, h["text"], bold=True, align=CENTER, size=size)
    for i, row in enumerate(rows):
        r, c = len(header) + i, 0
        bold = bool(row["class"])
        for cell in row["cells"]:
            target = table.cell(r, c)
            if cell["colspan"] > 1:
                target = target.merge(table.cell(r, c + cell["colspan"] - 1))
            _cell_text(target, cell["text"], bold=bold, align=ALIGN[cell["align"]], size=size)
            c += cell["colspan"]
    for r in range(len(header)):
        _repeat_header(table.rows[r])
    margin = 0.8 if block.get("small") else 1.9
    if block.get("small"):
        _cell_margins(table, margin)
    widths = column_widths(block, size, 2 * margin)
    table.autofit = False
    for idx, column in enumerate(table.columns):
        column.width = Mm(widths[idx])  # the grid (LibreOffice reads it) and each cell (Word reads these)
    for row in table.rows:
        for idx, cell in enumerate(row.cells[:n_cols]):
            cell.width = Mm(widths[idx])
    _para(doc, space_after=2)


EM_MM = 0.3528  # one point in millimetres
NARROW = {".", ",", " ", "\u00a0", ":", ";", "-", "(", ")", "/"}
TEXT_COLUMN_FLOOR_MM = 14


def advance_mm(text: str, size: float) -> float:
    """The printed width of `text` in Liberation Serif / Times New Roman: digits and most letters half
    an em, punctuation and spaces a quarter."""
    return sum(0.25 if ch in NARROW else 0.5 for ch in text) * size * EM_MM


def column_widths(block: dict, size: float, padding: float) -> list[float]:
    """Column widths (mm) from the block's hints, widened so that no figure is split: Word breaks a cell's
    text where it must, so a figure column ("163.788.841.373 đ") gets at least its longest figure's width;
    the text columns (left-aligned, they wrap) give up what that takes, down to a floor."""
    n = len(block["columns"])
    hints = block.get("widths") if block.get("widths") and len(block["widths"]) == n else [1] * n
    aligns = block.get("align") or ["left"] * n
    widths = [TEXT_WIDTH * h / sum(hints) for h in hints]
    need = [0.0] * n
    for _, col, h in header_positions(block["header"]):
        if h["colspan"] == 1:  # its longest word, in bold capitals at worst, must not be split
            longest = max((w for w in h["text"].split()), key=len, default="")
            need[col] = max(need[col], len(longest) * 0.72 * size * EM_MM + padding + 0.5)
    for row in block["body"]:
        col = 0
        for cell in row["cells"]:
            if cell["colspan"] == 1 and cell["align"] != "left":
                need[col] = max(need[col], advance_mm(cell["text"], size) + padding + 0.5)
            col += cell["colspan"]
    figures = [i for i in range(n) if aligns[i] != "left"]
    texts = [i for i in range(n) if aligns[i] == "left"]
    for i in figures:
        widths[i] = max(widths[i], need[i])
    excess = sum(widths) - TEXT_WIDTH
    room = sum(max(0.0, widths[i] - TEXT_COLUMN_FLOOR_MM) for i in texts)
    if excess > 0 and room > 0:
        taken = min(excess, room)
        widths = [
            w - taken * max(0.0, w - TEXT_COLUMN_FLOOR_MM) / room if i in texts else w for i, w in enumerate(widths)
        ]
    elif excess < 0 and texts:
        spare = -excess
        total_text = sum(widths[i] for i in texts)
        widths = [w + spare * w / total_text if i in texts else w for i, w in enumerate(widths)]
    scale = TEXT_WIDTH / sum(widths)
    return [w * scale for w in widths] if scale < 1 else widths


def _cell_margins(table, mm: float):
    """Left and right margins of every cell of the table (Word's default is 1.9 mm)."""
    tbl_pr = table._tbl.tblPr
    margins = tbl_pr.makeelement(qn("w:tblCellMar"), {})
    for side in ("w:left", "w:right"):
        margins.append(margins.makeelement(qn(side), {qn("w:w"): str(round(mm * 56.7)), qn("w:type"): "dxa"}))
    tbl_pr.append(margins)


def _inline_runs(paragraph, element, *, bold=False, italic=False, underline=False, size=13):
    """Text and inline formatting of a rich-text element, as runs of one paragraph."""

    def add(text):
        if text:
            _set_font(paragraph.add_run(text), size=size, bold=bold or None, italic=italic or None,
                      underline=underline or None)  # fmt: skip

    add(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            paragraph.add_run().add_break()
        elif tag != "img":
            _inline_runs(
                paragraph,
                child,
                bold=bold or tag in ("strong", "b"),
                italic=italic or tag in ("em", "i"),
                underline=underline or tag == "u",
                size=size,
            )
        add(child.tail)


def _picture(doc, img, images: ImageRoots):
    path = images.resolve(img.get("src", ""))
    p = _para(doc, align=CENTER, space_after=2)
    if path is None:
        return
    try:
        p.add_run().add_picture(str(path), width=Mm(min(TEXT_WIDTH, 150)))
    except Exception:  # noqa: BLE001 - an unreadable image must not stop the document
        _set_font(p.add_run(f"[Ảnh: {img.get('alt', '')}]"), size=12, italic=True)


def _rich(doc, html: str, images: ImageRoots):
    if not html:
        return
    for element in lxml_html.fragments_fromstring(html):
        if isinstance(element, str):
            if element.strip():
                _text(doc, element.strip(), size=13)
            continue
        tag = element.tag
        if tag in ("h2", "h3"):
            _inline_runs(_para(doc, space_after=6), element, bold=True)
        elif tag == "h4":
            _inline_runs(_para(doc, space_after=4), element, bold=True, italic=True)
        elif tag in ("ul", "ol"):
            for n, li in enumerate(element.iter("li"), start=1):
                p = _para(doc, space_after=3)
                p.paragraph_format.left_indent = Mm(6)
                _set_font(p.add_run(f"{n}. " if tag == "ol" else "- "), size=13)
                _inline_runs(p, li)
        elif tag == "figure":
            for img in element.iter("img"):
                _picture(doc, img, images)
            for cap in element.iter("figcaption"):
                _inline_runs(_para(doc, align=CENTER), cap, italic=True, size=12)
        elif tag == "img":
            _picture(doc, element, images)
        elif tag == "blockquote":
            p = _para(doc)
            p.paragraph_format.left_indent = Mm(10)
            _inline_runs(p, element, italic=True)
        else:
            p = _para(doc, indent=True)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _inline_runs(p, element)
            for img in element.iter("img"):
                _picture(doc, img, images)


def _blocks(doc, blocks, images: ImageRoots):
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            _para(doc, block["title"], bold=True)
            _blocks(doc, block["blocks"], images)
        elif kind == "paragraph":
            for line in block["lines"]:
                _text(doc, line)
        elif kind == "list":
            for line in block["intro_lines"]:
                _para(doc, line, indent=True)
            for item in block["items"]:
                _text(doc, item)
        elif kind == "html":
            _rich(doc, block["html"], images)
        elif kind == "table":
            _table(doc, block)


def _front(doc, d):
    for line in d.get("header") or []:
        _para(doc, line, align=CENTER, bold=True, space_after=0)
    _para(doc, d["title"], align=CENTER, bold=True, size=24, color=BLUE, space_after=2)
    if d.get("edition"):
        _para(doc, d["edition"], align=CENTER, bold=True, size=15)
    if d.get("subtitle"):
        _para(doc, d["subtitle"], align=CENTER, italic=True)
    if d["meta"]:
        meta = doc.add_table(rows=1, cols=3)
        aligns = (WD_ALIGN_PARAGRAPH.LEFT, CENTER, WD_ALIGN_PARAGRAPH.RIGHT)
        for cell, text, align, bold in zip(meta.rows[0].cells, d["meta"], aligns, (False, False, True),
                                           strict=True):  # fmt: skip
            _cell_text(cell, text, align=align, bold=bold, size=12)
    for line in d["opening_lines"]:
        _text(doc, line)


def render_docx(document: dict, *, images: dict | None = None, progress=None) -> bytes:
    d = prepare(document)
    roots = ImageRoots.of(images)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(297)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = DOCX_FONT, Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONT)
    doc.core_properties.title = d["name"]
    _front(doc, d)
    if progress:
        progress(30)
    for part in d["parts"]:
        if part.get("title"):
            _para(doc, part["title"], align=CENTER, bold=True, size=15, color=BLUE)
        _blocks(doc, part["blocks"], roots)
    if progress:
        progress(80)
    for line in d["closing_lines"]:
        _para(doc, line, italic=True)
    sig = d["signature"]
    for key, extra in (("organisation", 0), ("title", 0), ("name", 36)):
        if sig.get(key):
            p = _para(doc, sig[key], align=CENTER, bold=True, space_after=0)
            p.paragraph_format.left_indent = Mm(80)
            p.paragraph_format.space_before = Pt(extra)
    embed_fonts(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
