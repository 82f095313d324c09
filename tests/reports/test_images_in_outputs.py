"""A published report with an editorial image, in HTML, DOCX and PDF (issue 16 #9): the PDF used to fail
("URL fetcher must return either a dict or a URLFetcherResponse instance"; an AttributeError for an
external image) because the fetcher did not follow WeasyPrint 70's API. External and `file:` URLs are
refused by the fetcher: the image is left out, the report is still rendered."""

import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from PIL import Image

from core.documents.assets import INTERNAL_ORIGIN, ImageRoots
from core.documents.fetcher import allowed_file, document_fetcher
from reports.document import compose_document
from reports.models import ReportFile
from reports.printing import image_roots, render_bytes
from reports.services import publish_report

pytestmark = pytest.mark.django_db


def photo_png() -> bytes:
    image = Image.new("RGB", (120, 80), (11, 83, 148))
    for x in range(60):
        image.putpixel((x, 10), (250, 250, 0))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def with_image(august_report, client, staff):
    client.force_login(staff)
    url = client.post("/bao-cao/anh/", {"image": SimpleUploadedFile("toa-dam.png", photo_png(), "image/png")}).json()[
        "url"
    ]
    section = august_report.sections.filter(kind="editorial").order_by("order").first()
    section.body = (
        f'<h3>1. Tọa đàm chuyển đổi số</h3><p>Toàn cảnh buổi tọa đàm.</p><figure><img src="{url}" alt="Tọa đàm">'
        "<figcaption>Ảnh: Sở TT&amp;TT</figcaption></figure>"
        '<figure><img src="https://evil.example/theo-doi.png" alt="ngoài"></figure>'
    )
    section.save()
    return august_report, url


def pdf_images(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_a_published_report_with_an_image_renders_in_html_docx_and_pdf(
    with_image, staff, tmp_path, django_capture_on_commit_callbacks
):
    report, url = with_image
    with django_capture_on_commit_callbacks(execute=True):
        version = publish_report(report, user=staff)
    files = {f.format: f for f in ReportFile.objects.filter(version=version)}
    assert {k: (f.state, f.message) for k, f in files.items()} == {"docx": ("done", ""), "pdf": ("done", "")}

    html = render_bytes(version.snapshot, "html").decode()
    assert f'<img src="{url}" alt="Tọa đàm">' in html
    assert "<figcaption>Ảnh: Sở TT&amp;TT</figcaption>" in html

    with files["docx"].file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    assert len(doc.inline_shapes) == 1  # the uploaded image; the external one is left out
    blob = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    with Image.open(io.BytesIO(doc.part.related_parts[blob].blob)) as image:
        assert image.size == (120, 80)
    assert "Ảnh: Sở TT&TT" in [p.text for p in doc.paragraphs]

    with files["pdf"].file.open("rb") as fh:
        images = pdf_images(fh.read(), tmp_path)
    assert [(row[3], row[4], row[5]) for row in images] == [("120", "80", "rgb")]


def test_the_fetcher_answers_only_for_allowed_images_and_the_shipped_fonts(with_image, media_root):
    _, url = with_image
    roots = ImageRoots.of(image_roots())
    assert allowed_file(f"{INTERNAL_ORIGIN}{url}", roots)[1] == "image/png"
    assert allowed_file(f"{INTERNAL_ORIGIN}/static/fonts/LiberationSerif-Bold.ttf", roots)[1] == "font/ttf"
    refused = [
        f"https://evil.example{url}",
        "https://evil.example/theo-doi.png",
        "file:///etc/passwd",
        f"{INTERNAL_ORIGIN}/media/imports/bao-cao.xlsx",
        f"{INTERNAL_ORIGIN}/media/reports/images/../../../etc/passwd",
        f"{INTERNAL_ORIGIN}/static/css/app.css",
    ]
    assert [u for u in refused if allowed_file(u, roots) is not None] == []
    fetcher = document_fetcher(roots)
    with pytest.raises(ValueError, match="URL not allowed in a document: https://evil.example/theo-doi.png"):
        fetcher.fetch("https://evil.example/theo-doi.png")
    assert fetcher.fetch(f"{INTERNAL_ORIGIN}{url}").read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_image_whose_file_is_gone_does_not_stop_the_pdf_or_the_docx(with_image, tmp_path):
    report, _ = with_image
    for folder in image_roots().values():
        for f in folder.iterdir():
            f.unlink()
    document = compose_document(report)
    pdf = render_bytes(document, "pdf")
    assert pdf.startswith(b"%PDF") and pdf_images(pdf, tmp_path) == []
    doc = Document(io.BytesIO(render_bytes(document, "docx")))
    assert len(doc.inline_shapes) == 0 and "Toàn cảnh buổi tọa đàm." in [p.text for p in doc.paragraphs]
