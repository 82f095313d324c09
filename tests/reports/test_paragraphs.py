"""Enter keeps paragraphs (issue 17): a browser's editor writes a new line as <div> (or leaves the first
line as loose text); HTML, DOCX and PDF used to run "…92,9%.Đã triển khai…" together. Each line the
writer ended with Enter is a paragraph in all three outputs, in editorial sections and in the opening."""

import io
import subprocess

import pytest
from docx import Document

from reports.document import compose_document
from reports.printing import render_bytes

pytestmark = pytest.mark.django_db

FIRST = "Tỷ lệ hồ sơ xử lý trực tuyến toàn tỉnh đạt 92,9%."
SECOND = "Đã triển khai Tổ công nghệ số cộng đồng tại 111/111 xã, phường, thị trấn."
THIRD = "Các địa phương tiếp tục rà soát, cập nhật số liệu."
# What Chrome's contentEditable produces when the writer types three lines with Enter in an empty box.
AS_TYPED = f"{FIRST}<div>{SECOND}</div><div><br></div><div>{THIRD}</div>"


@pytest.fixture
def typed(august_report):
    section = august_report.sections.filter(kind="editorial").order_by("order").first()
    section.body = AS_TYPED
    section.save()
    august_report.opening = "Kính gửi Ban Chỉ đạo.\nSở TT&TT báo cáo như sau:"
    august_report.save()
    return compose_document(august_report)


def test_the_stored_text_has_one_paragraph_per_line(typed, august_report):
    body = august_report.sections.filter(kind="editorial").order_by("order").first().body
    assert body == f"<p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>"


def test_html_keeps_the_paragraphs(typed):
    html = render_bytes(typed, "html").decode()
    assert f'<div class="doc-rich"><p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p></div>' in html
    assert '<p class="doc-opening">Kính gửi Ban Chỉ đạo.</p><p class="doc-opening">Sở TT&amp;TT báo cáo như sau:</p>' in html


def test_docx_keeps_the_paragraphs(typed):
    texts = [p.text for p in Document(io.BytesIO(render_bytes(typed, "docx"))).paragraphs]
    start = texts.index(FIRST)
    assert texts[start : start + 3] == [FIRST, SECOND, THIRD]
    assert "Kính gửi Ban Chỉ đạo." in texts and "Sở TT&TT báo cáo như sau:" in texts
    assert not any("92,9%.Đã" in t for t in texts)


def test_pdf_keeps_the_paragraphs(typed, tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_bytes(typed, "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert lines[lines.index(FIRST) + 1].startswith("Đã triển khai Tổ công nghệ số cộng đồng")
    assert "Kính gửi Ban Chỉ đạo." in lines
