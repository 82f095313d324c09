"""The báo cáo chuyên đề as a document: composed from a Report (front matter, editorial sections, the data
part generated from the stored values), the snapshot a publication freezes, and the comparison of two
snapshots. Reads only.

- `build_monthly_report(period, report=None)`: the data part generated from the stored values.
- `compose_document(report)`: the whole document (front matter, editorial sections, data part) as JSON.
- `document_for_period(period)`: what `build_report` renders: the latest published snapshot, else a draft.
- `flatten()`, `diff_documents()`: every printed value under a readable path; what changed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from core.numbers import format_period
from core.periods import last_day, next_month, parse_period

from .models import DEFAULT_OPENING, Report, ReportSection, ReportVersion
from .narrative import vn_date
from .sections import BY_KEY, Context, build_data_sections

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
    return {"period": period, "sections": sections, "row_orders": ctx.row_orders_used, "warnings": ctx.warnings}


def sections_of(report: Report) -> list[ReportSection]:
    if report.pk:
        sections = list(report.sections.all())
        if sections:
            return sections
    return [ReportSection(kind=k, title=t, order=i) for i, (k, t) in enumerate(DEFAULT_SECTIONS)]


def compose_document(report: Report) -> dict:
    """The whole document as JSON: what a ReportVersion freezes and every renderer reads."""
    data = build_monthly_report(report.period, report)
    parts = []
    for section in sections_of(report):
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


# ------------------------------------------------------------------------------------------ comparing
def _snapshot_text(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html or "")).strip()


def expanded_cells(row: dict) -> list[str]:
    """A table row with one entry per column (a merged cell repeated over the columns it spans)."""
    spans = row.get("spans") or [1] * len(row["cells"])
    return [text for text, span in zip(row["cells"], spans, strict=False) for _ in range(span)]


def _narrative_where(section: dict, block: dict) -> str:
    declared = BY_KEY.get(section["key"])
    what = declared.narratives.get(block["key"]) if declared is not None else None
    return f"nhận xét — {what}" if what else "nhận xét"


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
                    out[f"{where} › {_narrative_where(section, block)}"] = "\n".join(block["items"])
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
