"""Fonts shipped with the product (issue 17): the PDF is set only in the Liberation Serif files of
static/fonts, loaded through @font-face, so a machine without fonts-liberation2 renders the same PDF.
Without them, Vietnamese letters fell back to DejaVu in the middle of words ("THƯỜNG TRỰC").

The "fresh machine" is a fontconfig that knows only DejaVu (what a bare Debian has): the renderer runs
in a subprocess under it, and every font in its PDF must still be the shipped family."""

import io
import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile

import pytest
from django.conf import settings
from docx import Document
from lxml import etree

from core.documents.assets import FONT_FAMILY, font_files
from core.documents.docx_fonts import obfuscate
from reports.document import compose_document
from reports.printing import render_bytes

pytestmark = pytest.mark.django_db
SHIPPED = FONT_FAMILY.replace(" ", "-")  # "CDS-Liberation-Serif" in the PDF's font names
SAMPLE = {
    "title": "BÁO CÁO CHUYÊN ĐỀ",
    "header": ["CƠ QUAN THƯỜNG TRỰC BAN CHỈ ĐẠO", "VỀ CHUYỂN ĐỔI SỐ TỈNH BÌNH PHƯỚC"],
    "edition": "Tháng 8/2023",
    "subtitle": "Tài liệu tham khảo phục vụ Ban Chỉ đạo về CĐS tỉnh",
    "meta": ["Số: 08/BC-STTTT", "Ngày 30/9/2023", "LƯU HÀNH NỘI BỘ"],
    "parts": [
        {
            "title": "CHUYỂN ĐỔI SỐ QUA CÁC CON SỐ",
            "blocks": [
                {"type": "paragraph", "text": "Tỷ lệ ≥ 80%; 12.906.957.546 đ; Ưu tiên ứng dụng, Đồng Xoài, Bù Đăng."},
                {"type": "html", "html": "<p><strong>Đậm</strong> <em>nghiêng</em> <strong><em>cả hai</em></strong></p>"},
            ],
        }
    ],
    "closing": "Sở Thông tin và Truyền thông kính báo cáo./.",
}


def fonts_of(pdf_path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:]]


def test_the_published_report_pdf_uses_only_the_shipped_fonts(august_report, tmp_path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_bytes(compose_document(august_report), "pdf"))
    fonts = fonts_of(pdf)
    assert fonts and [f for f in fonts if not f.startswith(SHIPPED)] == []
    assert {f"{SHIPPED}", f"{SHIPPED}-Bold", f"{SHIPPED}-Italic"} <= set(fonts)


def dejavu_only(tmp_path):
    """A fontconfig that knows only DejaVu: a bare Debian machine without fonts-liberation2."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>"
    )
    return conf


def test_a_machine_with_only_dejavu_renders_the_same_fonts(tmp_path):
    if not os.path.isdir("/usr/share/fonts/truetype/dejavu"):
        pytest.skip("DejaVu (fonts-dejavu-core) is not installed: no stand-in for a bare machine")
    conf = dejavu_only(tmp_path)
    out = tmp_path / "fresh.pdf"
    script = (
        "import json, sys, django; django.setup()\n"
        "from core.documents.pdf import render_pdf\n"
        "open(sys.argv[1], 'wb').write(render_pdf(json.loads(sys.argv[2])))\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "DJANGO_SETTINGS_MODULE": "cds_portal.settings"}
    subprocess.run(
        [sys.executable, "-c", script, str(out), json.dumps(SAMPLE)], cwd=settings.BASE_DIR, env=env, check=True
    )
    fonts = fonts_of(out)
    assert sorted(set(fonts)) == [SHIPPED, f"{SHIPPED}-Bold", f"{SHIPPED}-Bold-Italic", f"{SHIPPED}-Italic"]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "CƠ QUAN THƯỜNG TRỰC BAN CHỈ ĐẠO" in text and "Tỷ lệ ≥ 80%; 12.906.957.546 đ" in text


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"


def test_the_docx_names_times_new_roman_and_carries_the_shipped_fonts(august_report):
    data = render_bytes(compose_document(august_report), "docx")
    doc = Document(io.BytesIO(data))
    assert doc.styles["Normal"].font.name == "Times New Roman"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(n for n in z.namelist() if n.startswith("word/fonts/")) == [
            "word/fonts/font-bold-italic.odttf",
            "word/fonts/font-bold.odttf",
            "word/fonts/font-italic.odttf",
            "word/fonts/font-regular.odttf",
        ]
        assert b"<w:embedTrueTypeFonts/>" in z.read("word/settings.xml")
    table_part = doc.part.part_related_by(FONT_TABLE)
    table = etree.fromstring(table_part.blob)
    fonts = {f.get(f"{W}name"): f for f in table.findall(f"{W}font")}
    assert fonts["Times New Roman"][0].tag == f"{W}altName"
    assert fonts["Times New Roman"][0].get(f"{W}val") == "Liberation Serif"
    embedded = {el.tag[len(W) :]: el for el in fonts["Liberation Serif"] if el.tag.startswith(f"{W}embed")}
    assert sorted(embedded) == ["embedBold", "embedBoldItalic", "embedItalic", "embedRegular"]
    # Restored with the key the font table names, each embedded part is the shipped file.
    for tag, style in (("embedRegular", "regular"), ("embedBold", "bold"), ("embedItalic", "italic"),
                       ("embedBoldItalic", "bold_italic")):  # fmt: skip
        el = embedded[tag]
        part = table_part.related_parts[el.get(f"{R}id")]
        assert part.content_type == "application/vnd.openxmlformats-officedocument.obfuscatedFont"
        key = uuid.UUID(el.get(f"{W}fontKey").strip("{}"))
        assert part.blob != font_files()[style].read_bytes()
        assert obfuscate(part.blob, key) == font_files()[style].read_bytes()


def test_libreoffice_on_a_machine_with_only_dejavu_sets_the_docx_in_the_embedded_fonts(august_report, tmp_path):
    """The embedded fonts are the ones a reader without Times New Roman gets (LibreOffice, when present)."""
    soffice = shutil.which("soffice")
    writer = soffice and os.path.exists(os.path.join(os.path.dirname(os.path.realpath(soffice)), "libswlo.so"))
    if not writer or not os.path.isdir("/usr/share/fonts/truetype/dejavu"):
        pytest.skip("LibreOffice Writer (libreoffice-writer-nogui) or DejaVu is not installed")
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(compose_document(august_report), "docx"))
    env = {**os.environ, "FONTCONFIG_FILE": str(dejavu_only(tmp_path))}
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx)],
        env=env, check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    fonts = set(fonts_of(tmp_path / "r.pdf"))
    # Without the embedded files this machine would set Times New Roman text in DejaVu.
    assert [f for f in fonts if not f.startswith("LiberationSerif")] == []
    assert {"LiberationSerif", "LiberationSerif-Bold"} <= fonts
