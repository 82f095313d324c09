"""DOCX and PDF: opened with python-docx and poppler, as a reader would; the build_report command."""

import io
import os
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from docx import Document
from docx.shared import Pt
from lxml import html as lxml_html

from reports.services import compose_document, render_bytes

from . import printed as P

pytestmark = pytest.mark.django_db
ARTIFACTS = os.path.join(settings.BASE_DIR, "test-artifacts")


def dvc_docx_table(doc):
    return next(t for t in doc.tables if t.cell(0, 2).text.startswith("Tỷ lệ DVCTT phát sinh"))


def test_the_docx_is_a4_times_new_roman_with_the_dvc_table_as_a_real_word_table(august_report):
    doc = Document(io.BytesIO(render_bytes(compose_document(august_report), "docx")))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (doc.styles["Normal"].font.name, doc.styles["Normal"].font.size) == ("Times New Roman", Pt(13))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:6] == [
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "CƠ QUAN THƯỜNG TRỰC BAN CHỈ ĐẠO",
        "VỀ CHUYỂN ĐỔI SỐ TỈNH BÌNH PHƯỚC",
        "BÁO CÁO CHUYÊN ĐỀ",
        "Tháng 8/2023",
        "Tài liệu tham khảo phục vụ Ban Chỉ đạo về CĐS tỉnh",
    ]
    assert [c.text for c in doc.tables[0].rows[0].cells] == [
        "Số: 08/BC-STTTT",
        "Ngày 30/9/2023",
        "LƯU HÀNH NỘI BỘ",
    ]
    assert "Sở Thông tin và Truyền thông kính báo cáo./." in texts
    table = dvc_docx_table(doc)
    # 2 header rows (merged group headers), 27 units, the TỔNG row.
    assert len(table.rows) == 2 + 27 + 1
    assert [c.text for c in table.rows[1].cells][2:5] == [
        "Kết quả thực hiện của đơn vị",
        "So với báo cáo chuyên đề tháng 7/2023",
        "So với chỉ tiêu Ủy ban quốc gia về CĐS đề ra (≥ 80%)",
    ]
    units = [[c.text for c in r.cells] for r in table.rows[2:29]]
    assert [u[0] for u in units] == [str(n) for n in range(1, 28)]
    assert units[16] == ["17", "Thành phố Đồng Xoài", "100%", "Bằng", "Đạt", "82,1%", "Giảm 11,2%", "Đạt"]
    assert units[18][2:5] == ["95,2%", "Giảm 4,8%", "Đạt"]
    assert [u[2] for u in units] == [P.as_generated(r[1]) for r in P.AUGUST_DVC]
    assert [c.text for c in table.rows[29].cells][:3] == ["TỔNG", "TỔNG", "99%"]  # STT and Đơn vị merged
    run = table.rows[2].cells[1].paragraphs[0].runs[0]
    assert run.font.name == "Times New Roman"


def test_the_pdf_has_the_heading_number_and_vietnamese_text_and_embeds_its_fonts(august_report, tmp_path):
    pdf = tmp_path / "bao-cao-2023-08.pdf"
    pdf.write_bytes(render_bytes(compose_document(august_report), "pdf"))
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = layout + "\n" + " ".join(raw.split())  # table cells wrap: also read the words in sequence
    assert "BÁO CÁO CHUYÊN ĐỀ" in text
    assert "Số: 08/BC-STTTT" in text
    assert "LƯU HÀNH NỘI BỘ" in text
    assert "VỀ CHUYỂN ĐỔI SỐ TỈNH BÌNH PHƯỚC" in text
    assert "Thành phố Đồng Xoài" in text and "Giảm 11,2%" in text and "Huyện Hớn Quản" in text
    assert "Sở Thông tin và Truyền thông kính báo cáo./." in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    font_lines = fonts.splitlines()[2:]
    assert font_lines and all(" yes " in line for line in font_lines)  # every font embedded
    assert "LiberationSerif" in fonts.replace("-", "")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    # One page as an image, kept for a person to look at (test-artifacts/report-2023-08-page-1.png).
    os.makedirs(ARTIFACTS, exist_ok=True)
    prefix = os.path.join(ARTIFACTS, "report-2023-08-page")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), prefix], check=True)
    assert os.path.getsize(prefix + "-1.png") > 10_000


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_build_report_renders_a_draft_from_the_data_when_nothing_was_published(august_data, tmp_path, fmt):
    out, target = io.StringIO(), tmp_path / f"report.{fmt}"
    call_command("build_report", "2023-08", "--format", fmt, "--output", str(target), stdout=out)
    data = target.read_bytes()
    assert out.getvalue().startswith(
        "Báo cáo chuyên đề tháng 8/2023 (bản nháp từ số liệu hiện có, số 08/BC-STTTT, 5 mục số liệu)"
    )
    if fmt == "html":
        html = data.decode()
        assert '<h1 class="doc-title">BÁO CÁO CHUYÊN ĐỀ</h1>' in html
        assert "<script" not in html
    elif fmt == "docx":
        assert len(dvc_docx_table(Document(io.BytesIO(data))).rows) == 30
    else:
        assert data.startswith(b"%PDF")


def test_build_report_renders_the_published_snapshot(august_report, staff, tmp_path):
    from reports.services import publish_report

    publish_report(august_report, user=staff)
    out = io.StringIO()
    call_command(
        "build_report", "2023-08", "--format", "html", "--output", str(tmp_path / "r.html"), stdout=out
    )
    assert "(bản phát hành phiên bản 1, số 08/BC-STTTT, 5 mục số liệu)" in out.getvalue()


def test_the_same_figures_in_html_docx_and_pdf(august_report, tmp_path):
    """One formatter (core.numbers) for every output: amounts with " đ", targets as "≥ 80%", and the
    province's DVC figure printed once, as its TỔNG row prints it (not "99%" in the table beside
    "99,45%" in the commentary)."""
    document = compose_document(august_report)
    html = render_bytes(document, "html").decode()
    assert '<span class="doc-figure">13.147.681.648 đ</span>' in html  # never split over two lines
    html = " ".join(lxml_html.fromstring(html).text_content().split())
    docx = Document(io.BytesIO(render_bytes(document, "docx")))
    docx_text = "\n".join(  # a figure and its unit are joined by a no-break space in Word
        [p.text for p in docx.paragraphs] + [c.text for t in docx.tables for r in t.rows for c in r.cells]
    )
    assert "12.906.957.546\u00a0đ" in docx_text
    docx_text = docx_text.replace("\u00a0", " ")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_bytes(document, "pdf"))
    pdf_text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    figures = [
        "13.147.681.648 đ",
        "12.906.957.546 đ",
        "(≥ 80%)",
        "(≥ 50%)",
        "toàn tỉnh đạt 99% (đến ngày 30/9/2023)",
        "với tổng số tiền 13.147.681.648 đ; từ đầu năm 2023: 37.895 giao dịch, 163.788.841.373 đ",
    ]
    for name, text in (("html", html), ("docx", docx_text), ("pdf", pdf_text)):
        assert (name, [f for f in figures if f not in text]) == (name, [])
        assert (name, "99,45%" in text, ">=" in text) == (name, False, False)
