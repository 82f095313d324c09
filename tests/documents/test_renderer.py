"""core/documents on its own: the shape any app (reports, plans) hands it, rendered as HTML, DOCX and PDF,
without a database."""

import io

import pytest
from docx import Document

from core.documents.assets import DocumentError
from core.documents.docx import render_docx
from core.documents.html import render_fragment, render_html
from core.documents.pdf import render_pdf
from core.documents.sanitize import clean_html
from core.documents.typography import keep_units, unbreakable

QUARTER = {
    "name": "Báo cáo tổng hợp quý III/2023",
    "header": ["BAN CHỈ ĐẠO VỀ CHUYỂN ĐỔI SỐ TỈNH BÌNH PHƯỚC"],
    "title": "BÁO CÁO TỔNG HỢP",
    "edition": "Quý III/2023",
    "meta": ["Số: 03/BC-BCĐ", "Ngày 10/10/2023"],
    "opening": "Kính gửi: Ban Chỉ đạo.\nTổng hợp tiến độ các nhiệm vụ như sau:",
    "parts": [
        {
            "title": "KẾT QUẢ THỰC HIỆN",
            "blocks": [
                {
                    "type": "section",
                    "id": "nhiem-vu",
                    "title": "1. Các nhiệm vụ",
                    "blocks": [
                        {"type": "list", "intro": "Trong quý:", "items": ["+ 12/15 nhiệm vụ hoàn thành.", "+ 3 đang làm."]},
                        {
                            "type": "table",
                            "key": "tasks",
                            "header": [[{"text": "STT", "colspan": 1, "rowspan": 1}, {"text": "Nhiệm vụ", "colspan": 1, "rowspan": 1}, {"text": "Kinh phí", "colspan": 1, "rowspan": 1}]],
                            "columns": ["STT", "Nhiệm vụ", "Kinh phí"],
                            "align": ["center", "left", "right"],
                            "rows": [
                                {"key": "1", "cells": ["1", "Nền tảng dữ liệu", "1.250.000.000 đ"]},
                                {"key": "total", "cells": ["Tổng", "1.250.000.000 đ"], "spans": [2, 1], "total": True},
                            ],
                        },
                    ],
                }
            ],
        }
    ],
    "closing": "Ban Chỉ đạo kính báo cáo./.",
}  # fmt: skip


def test_the_html_fragment_has_the_front_matter_sections_lists_and_tables():
    html = str(render_fragment(QUARTER))
    assert '<h1 class="doc-title">BÁO CÁO TỔNG HỢP</h1>' in html
    assert '<p class="doc-edition">Quý III/2023</p>' in html
    assert '<td class="doc-meta-left">Số: 03/BC-BCĐ</td><td class="doc-meta-centre">Ngày 10/10/2023</td>' in html
    assert '<p class="doc-opening">Kính gửi: Ban Chỉ đạo.</p><p class="doc-opening">Tổng hợp' in html
    assert '<section class="doc-section" id="nhiem-vu">' in html
    assert '<p class="doc-item">+ 12/15 nhiệm vụ hoàn thành.</p>' in html
    assert '<td class="al-center" colspan="2">Tổng</td>' in html
    assert '<td class="al-right">1.250.000.000 đ</td>' in html


def test_the_standalone_page_inlines_the_stylesheet_and_names_the_document():
    page = render_html(QUARTER)
    assert page.startswith("<!doctype html>")
    assert "<title>Báo cáo tổng hợp quý III/2023</title>" in page and ".doc-table" in page


def test_docx_and_pdf_render_the_same_document():
    doc = Document(io.BytesIO(render_docx(QUARTER)))
    assert doc.core_properties.title == "Báo cáo tổng hợp quý III/2023"
    table = doc.tables[1]
    assert [c.text for c in table.rows[2].cells] == ["Tổng", "Tổng", "1.250.000.000\u00a0đ"]
    assert render_pdf(QUARTER).startswith(b"%PDF")


def test_an_unknown_block_or_a_missing_title_is_refused_in_vietnamese():
    with pytest.raises(DocumentError, match="Khối nội dung “chart” không được hỗ trợ."):
        render_fragment({"title": "X", "parts": [{"title": "", "blocks": [{"type": "chart"}]}]})
    with pytest.raises(DocumentError, match="Tài liệu thiếu tiêu đề."):
        render_html({"parts": []})


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Dòng một<div>Dòng hai</div><div><br></div><div>Dòng ba</div>", "<p>Dòng một</p><p>Dòng hai</p><p>Dòng ba</p>"),
        ("<p>Một</p><p>Hai</p>", "<p>Một</p><p>Hai</p>"),
        ("chữ <b>đậm</b> &amp; thường<h3>Tiêu đề</h3>đuôi", "<p>chữ <b>đậm</b> &amp; thường</p><h3>Tiêu đề</h3><p>đuôi</p>"),
        ('<div onclick="x()"><script>alert(1)</script>An toàn</div>', "<p>An toàn</p>"),
        ("<div><br></div>", ""),
    ],
)
def test_rich_text_keeps_one_paragraph_per_line_and_nothing_unsafe(typed, stored):
    assert clean_html(typed) == stored


def test_a_figure_never_breaks_from_its_unit():
    assert unbreakable("tổng 13.147.681.648 đ; 5 đơn vị") == "tổng 13.147.681.648\u00a0đ; 5 đơn vị"
    assert keep_units("<b> 12 đ") == '&lt;b&gt; <span class="doc-figure">12 đ</span>'
