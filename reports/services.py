"""Workflows of the báo cáo chuyên đề. Views, tasks and the management command call these; nothing here
sees a request.

- `build_monthly_report(period, report=None)`: the data part generated from the stored values.
- `compose_document(report)`: the whole document (front matter, editorial sections, data part) as JSON.
- `document_for_period(period)`: what `build_report` renders: the latest published snapshot, else a draft.
- `create_report()`, `update_report()`, `publish_report()`: the draft → published workflow, each
  publication a frozen, numbered ReportVersion listing what changed since the previous one.
- `request_file()`: a DOCX/PDF rendered by a Celery task, enqueued on commit.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from core.numbers import format_period
from core.periods import last_day, next_month, parse_period

from .builders import Context, build_data_sections
from .models import DEFAULT_OPENING, Report, ReportFile, ReportSection, ReportVersion
from .narrative import vn_date

DOCUMENT_SCHEMA = 1
DEFAULT_SECTIONS = [
    (ReportSection.Kind.EDITORIAL, "Góc chia sẻ kinh nghiệm, giải pháp"),
    (ReportSection.Kind.EDITORIAL, "Tin tức - sự kiện"),
    (ReportSection.Kind.EDITORIAL, "Văn bản chỉ đạo, điều hành"),
    (ReportSection.Kind.DATA, "Chuyển đổi số qua các con số"),
]
ORGANISATION = [
    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    "CƠ QUAN THƯỜNG TRỰC BAN CHỈ ĐẠO",
    "VỀ CHUYỂN ĐỔI SỐ TỈNH BÌNH PHƯỚC",
]


class ReportError(Exception):
    """A workflow step that cannot be done, with the Vietnamese message users see."""


# ------------------------------------------------------------------------------------------ defaults
def default_number(period: str) -> str:
    return f"{int(period[5:]):02d}/BC-STTTT"


def default_data_date(period: str) -> datetime.date:
    """The report of month M is written at the end of month M+1 with data as of then (the August 2023
    report: data to 30/9/2023)."""
    return last_day(next_month(period))


def unsaved_report(period: str) -> Report:
    data_date = default_data_date(period)
    return Report(
        period=period,
        number=default_number(period),
        issue_date=data_date,
        data_date=data_date,
        opening=DEFAULT_OPENING,
    )


def previous_report(period: str) -> Report | None:
    return Report.objects.filter(period__lt=period).order_by("-period").first()


# ------------------------------------------------------------------------------------------ building
def build_monthly_report(period: str, report: Report | None = None, *, warnings: list | None = None) -> dict:
    """The data part of the month's report from the stored values and the status engine's results.

    Uses the report's dates, row orders and edited narrative when given; otherwise the defaults (data as
    of the end of the following month, catalogue order, generated narrative)."""
    period = parse_period(period)
    report = report or unsaved_report(period)
    ctx = Context(
        period=period,
        data_date=report.data_date,
        apps_date=report.effective_apps_date(),
        row_orders=report.row_orders or {},
        narrative=report.narrative or {},
    )
    sections = build_data_sections(ctx)
    if warnings is not None:
        warnings.extend(ctx.warnings)
    return {
        "period": period,
        "sections": sections,
        "row_orders": ctx.row_orders_used,
        "warnings": ctx.warnings,
    }


def _sections_of(report: Report) -> list[ReportSection]:
    if report.pk:
        sections = list(report.sections.all())
        if sections:
            return sections
    return [ReportSection(kind=k, title=t, order=i) for i, (k, t) in enumerate(DEFAULT_SECTIONS)]


def compose_document(report: Report) -> dict:
    """The whole document as JSON: what a ReportVersion freezes and every renderer reads."""
    data = build_monthly_report(report.period, report)
    parts = []
    for section in _sections_of(report):
        if section.kind == ReportSection.Kind.DATA:
            parts.append({"kind": "data", "title": section.title, "sections": data["sections"]})
        elif section.body.strip():
            # An editorial section left empty is not printed (its title stays in the report's structure).
            parts.append({"kind": "editorial", "title": section.title, "html": section.body})
    return {
        "schema": DOCUMENT_SCHEMA,
        "period": report.period,
        "month_label": format_period(report.period),
        "organisation": ORGANISATION,
        "title": "BÁO CÁO CHUYÊN ĐỀ",
        "subtitle": "Tài liệu tham khảo phục vụ Ban Chỉ đạo về CĐS tỉnh",
        "number": report.number,
        "issue_date": report.issue_date.isoformat(),
        "issue_date_text": f"Ngày {vn_date(report.issue_date)}",
        "data_date": report.data_date.isoformat(),
        "circulation": "LƯU HÀNH NỘI BỘ",
        "opening": report.opening,
        "parts": parts,
        "closing": "Sở Thông tin và Truyền thông kính báo cáo./.",
        "signature": {
            "organisation": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "title": report.signer_title,
            "name": report.signer_name,
        },
        "warnings": data["warnings"],
        "row_orders": data["row_orders"],
    }


@dataclass
class Rendered:
    document: dict
    version: ReportVersion | None
    report: Report | None

    @property
    def label(self) -> str:
        if self.version is not None:
            return f"bản phát hành phiên bản {self.version.number}"
        return "bản nháp từ số liệu hiện có"


def document_for_period(period: str) -> Rendered:
    """The published snapshot when one exists, otherwise a draft generated from the stored data (with
    the draft report's editorial sections when a report was started)."""
    period = parse_period(period)
    report = Report.objects.filter(period=period).first()
    if report is not None:
        version = report.latest_version
        if report.is_published and version is not None:
            return Rendered(version.snapshot, version, report)
        return Rendered(compose_document(report), None, report)
    return Rendered(compose_document(unsaved_report(period)), None, None)


# ------------------------------------------------------------------------------------------ workflow
@transaction.atomic
def create_report(period: str, *, user=None, **fields) -> Report:
    """A draft for the month, starting from the previous report's structure: its section titles and
    order (bodies empty), its opening, signer and the order of units in each table."""
    period = parse_period(period)
    if Report.objects.filter(period=period).exists():
        raise ReportError(f"Đã có báo cáo chuyên đề tháng {format_period(period)}.")
    report = unsaved_report(period)
    prev = previous_report(period)
    if prev is not None:
        report.opening, report.signer_title, report.signer_name = (
            prev.opening,
            prev.signer_title,
            prev.signer_name,
        )
        latest = prev.latest_version
        report.row_orders = (latest.snapshot.get("row_orders") if latest else None) or prev.row_orders
    for name, value in fields.items():
        setattr(report, name, value)
    report.full_clean()
    report.save()
    template = list(prev.sections.all()) if prev is not None else []
    if template:
        for s in template:
            ReportSection.objects.create(report=report, kind=s.kind, title=s.title, order=s.order)
    else:
        for i, (kind, title) in enumerate(DEFAULT_SECTIONS):
            ReportSection.objects.create(report=report, kind=kind, title=title, order=i)
    return report


def parse_row_order(text: str, units_by_label: dict[str, str]) -> tuple[list[str], list[str]]:
    """Unit codes from a textarea with one unit per line (code, name or short name); unknown lines are
    returned as errors."""
    codes, errors = [], []
    for line in (text or "").splitlines():
        label = re.sub(r"^\s*\d+[.)]?\s+", "", line).strip()
        if not label:
            continue
        code = units_by_label.get(label.casefold())
        if code is None:
            errors.append(label)
        elif code not in codes:
            codes.append(code)
    return codes, errors


def _snapshot_text(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html or "")).strip()


def expanded_cells(row: dict) -> list[str]:
    """A table row with one entry per column (a merged cell repeated over the columns it spans)."""
    spans = row.get("spans") or [1] * len(row["cells"])
    return [text for text, span in zip(row["cells"], spans, strict=False) for _ in range(span)]


def flatten(document: dict) -> dict[str, str]:
    """Every printed value of a document under a readable path, for comparing two versions."""
    out: dict[str, str] = {}
    for key, label in (
        ("number", "Số báo cáo"),
        ("issue_date_text", "Ngày ban hành"),
        ("data_date", "Ngày số liệu"),
        ("opening", "Đoạn mở đầu"),
    ):
        out[label] = str(document.get(key) or "")
    for part in document.get("parts", []):
        if part["kind"] == "editorial":
            out[f"Mục “{part['title']}”"] = _snapshot_text(part.get("html", ""))
            continue
        for section in part["sections"]:
            for i, block in enumerate(section["blocks"]):
                where = f"{section['number']}. {section['title']}"
                if block["type"] == "paragraph":
                    out[f"{where} › đoạn {i + 1}"] = block["text"]
                elif block["type"] == "narrative":
                    out[f"{where} › nhận xét"] = "\n".join(block["items"])
                elif block["type"] == "table":
                    columns = block["columns"]
                    for row in block["rows"]:
                        if row.get("heading") or row.get("subheader"):
                            continue
                        cells = expanded_cells(row)
                        name = cells[1] if len(cells) > 1 else row["key"]
                        for col, text in list(zip(columns, cells, strict=False))[2:]:
                            out[f"{where} › {name} › {col}"] = text
    return out


def diff_documents(before: dict | None, after: dict) -> list[dict]:
    if before is None:
        return []
    a, b = flatten(before), flatten(after)
    changes = []
    for path in list(a) + [p for p in b if p not in a]:
        old, new = a.get(path), b.get(path)
        if old != new:
            changes.append({"where": path, "before": old, "after": new})
    return changes


@transaction.atomic
def publish_report(report: Report, *, user=None, note: str = "") -> ReportVersion:
    """Freeze the document as it is now into a new numbered version. The first publication is version
    1; a later one (data corrected, sections edited) lists what changed since the previous version."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    previous = report.latest_version
    document = compose_document(report)
    changes = diff_documents(previous.snapshot if previous else None, document)
    if previous is not None and not changes:
        raise ReportError("Không có thay đổi nào so với phiên bản đã phát hành.")
    version = ReportVersion.objects.create(
        report=report,
        number=(previous.number + 1) if previous else 1,
        snapshot=document,
        changes=changes,
        note=note,
        published_by=user if user is not None and user.pk else None,
    )
    report.status = Report.Status.PUBLISHED
    report.row_orders = document["row_orders"]
    report.save(update_fields=["status", "row_orders", "updated_at"])
    for fmt in ReportFile.Format.values:
        request_file(report, fmt, version=version, user=user)
    return version


def pending_changes(report: Report) -> list[dict]:
    """What a new version would change compared with the latest published one (empty for drafts)."""
    version = report.latest_version
    if version is None:
        return []
    return diff_documents(version.snapshot, compose_document(report))


def request_file(report: Report, fmt: str, *, version: ReportVersion | None = None, user=None) -> ReportFile:
    """Queue the rendering of a DOCX or PDF; the task runs after the commit (eagerly without a broker)."""
    if fmt not in ReportFile.Format.values:
        raise ReportError(f"Định dạng “{fmt}” không được hỗ trợ.")
    rf = ReportFile.objects.create(
        report=report,
        version=version,
        format=fmt,
        requested_by=user if user is not None and user.pk else None,
    )
    from core.queue import enqueue

    from .tasks import render_report_file

    transaction.on_commit(lambda: enqueue(render_report_file, rf.pk))
    return rf


def render_bytes(document: dict, fmt: str, progress=None) -> bytes:
    from . import render

    if fmt == "html":
        return render.render_html(document).encode("utf-8")
    if fmt == "docx":
        return render.render_docx(document, progress=progress)
    if fmt == "pdf":
        return render.render_pdf(document, progress=progress)
    raise ReportError(f"Định dạng “{fmt}” không được hỗ trợ.")


def generate_file(report_file: ReportFile, progress=None) -> ReportFile:
    """Render one ReportFile (called by the task): the version's snapshot, or the current draft."""
    from django.core.files.base import ContentFile

    document = (
        report_file.version.snapshot if report_file.version_id else compose_document(report_file.report)
    )
    data = render_bytes(document, report_file.format, progress=progress)
    report_file.file.save(report_file.download_name, ContentFile(data), save=False)
    report_file.size = len(data)
    report_file.state = ReportFile.State.DONE
    report_file.progress = 100
    report_file.finished_at = timezone.now()
    report_file.message = ""
    report_file.save()
    return report_file
