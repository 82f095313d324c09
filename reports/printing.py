"""The báo cáo's document printed: its JSON (a draft or a frozen ReportVersion snapshot, schema 1) laid out
in the shared document shape of `core.documents`, and rendered as HTML, DOCX or PDF. The ReportFile task
calls `generate_file`; pages call `page_fragment`; `build_report` calls `render_bytes`."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from core.documents.docx import render_docx
from core.documents.html import render_fragment, render_html
from core.documents.pdf import render_pdf

from .document import ReportError, compose_document
from .models import IMAGE_FOLDER, ReportFile

FORMATS = ("html", "docx", "pdf")


def image_roots() -> dict[str, Path]:
    """The only images a report may print: the editorial images under MEDIA_ROOT/reports/images."""
    media_url = settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else "/" + settings.MEDIA_URL
    return {f"{media_url}{IMAGE_FOLDER}/": Path(settings.MEDIA_ROOT) / IMAGE_FOLDER}


def _block(block: dict) -> dict:
    if block["type"] == "narrative":
        return {"type": "list", "intro": block.get("intro"), "items": block["items"]}
    return block


def printable(document: dict) -> dict:
    """A report document (schema 1) in the shape `core.documents` renders."""
    parts = []
    for part in document["parts"]:
        if part["kind"] == "editorial":
            blocks = [{"type": "html", "html": part.get("html", "")}]
        else:
            blocks = [
                {
                    "type": "section",
                    "id": f"muc-{s['key']}",
                    "title": f"{s['number']}. {s['title']}",
                    "blocks": [_block(b) for b in s["blocks"]],
                }
                for s in part["sections"]
            ]
        parts.append({"title": part["title"].upper(), "blocks": blocks})
    return {
        "name": f"Báo cáo chuyên đề tháng {document['month_label']} — Số: {document['number']}",
        "header": document["organisation"],
        "title": document["title"],
        "edition": f"Tháng {document['month_label']}",
        "subtitle": document["subtitle"],
        "meta": [f"Số: {document['number']}", document["issue_date_text"], document["circulation"]],
        "opening": document["opening"],
        "parts": parts,
        "closing": document["closing"],
        "signature": document.get("signature") or {},
    }


def page_fragment(document: dict):
    """The document as the report page shows it (the same HTML as the export and the PDF)."""
    return render_fragment(printable(document))


def render_bytes(document: dict, fmt: str, progress=None) -> bytes:
    if fmt == "html":
        return render_html(printable(document)).encode("utf-8")
    if fmt == "docx":
        return render_docx(printable(document), images=image_roots(), progress=progress)
    if fmt == "pdf":
        return render_pdf(printable(document), images=image_roots(), progress=progress)
    raise ReportError(f"Định dạng “{fmt}” không được hỗ trợ.")


def generate_file(report_file: ReportFile, progress=None) -> ReportFile:
    """Render one ReportFile (called by the task): the version's snapshot, or the current draft."""
    document = report_file.version.snapshot if report_file.version_id else compose_document(report_file.report)
    data = render_bytes(document, report_file.format, progress=progress)
    report_file.file.save(report_file.download_name, ContentFile(data), save=False)
    report_file.size = len(data)
    report_file.state = ReportFile.State.DONE
    report_file.progress = 100
    report_file.finished_at = timezone.now()
    report_file.message = ""
    report_file.save()
    return report_file
