"""Workflows of the báo cáo chuyên đề. Views, tasks and the management command call these; nothing here
sees a request. Composing the document is `reports.document`, printing it `reports.printing`.

- `create_report()`, `publish_report()`: the draft → published workflow, each publication a frozen,
  numbered ReportVersion listing what changed since the previous one.
- `request_file()`: a DOCX/PDF rendered by a Celery task, enqueued on commit.
"""

from __future__ import annotations

import re

from django.db import transaction

from core.numbers import format_period
from core.periods import parse_period
from core.queue import enqueue

from .document import (
    DEFAULT_SECTIONS,
    Rendered,
    ReportError,
    build_monthly_report,
    compose_document,
    diff_documents,
    document_for_period,
    unsaved_report,
)
from .models import Report, ReportFile, ReportSection, ReportVersion
from .printing import render_bytes
from .tasks import render_report_file

__all__ = [
    "ReportError",
    "Rendered",
    "build_monthly_report",
    "compose_document",
    "create_report",
    "document_for_period",
    "parse_row_order",
    "pending_changes",
    "publish_report",
    "render_bytes",
    "request_file",
    "unsaved_report",
]


def previous_report(period: str) -> Report | None:
    return Report.objects.filter(period__lt=period).order_by("-period").first()


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
        report.opening, report.signer_title, report.signer_name = prev.opening, prev.signer_title, prev.signer_name
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
    transaction.on_commit(lambda: enqueue(render_report_file, rf.pk))
    return rf
