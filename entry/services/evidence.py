"""Evidence files (PDF, PNG, JPEG) attached to a value as proof, and who may download them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from core.roles import Role, role_of
from indicators.models import AuditEntry, Indicator, Submission
from indicators.models.workflow import PENDING_STATES
from indicators.publication import locked_keys, values_written
from units.models import Unit

from ..models import EvidenceFile
from .transitions import WorkflowError

EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def sniff_type(head: bytes) -> str | None:
    """The content type from the first bytes, whatever the file's name or declared type says."""
    for content_type, signatures in EVIDENCE_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_MB", 5)) * 1024 * 1024


def add_evidence(indicator: Indicator, unit: Unit, period: str, upload, *, user) -> EvidenceFile:
    """Store a PDF/PNG/JPEG as evidence of one value. Checks the writer, the lock, size and content."""
    if not Unit.objects.writable_by(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"Bạn không có quyền nhập số liệu cho đơn vị '{unit.name}'.")
    reason = locked_keys([unit.code], [period], user).get((unit.code, period))
    if reason:
        raise WorkflowError(reason)
    name = (getattr(upload, "name", "") or "tep").rsplit("/", 1)[-1][:200]
    size = upload.size
    if size > evidence_max_bytes():
        raise ValidationError(
            f'Tệp "{name}" quá lớn ({size / 1024 / 1024:.1f} MB); tối đa {evidence_max_bytes() // (1024 * 1024)} MB.'.replace(
                ".", ",", 1
            )
        )
    upload.seek(0)
    content_type = sniff_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            f'Tệp "{name}" không phải PDF, PNG hay JPEG; chỉ nhận minh chứng dạng PDF hoặc ảnh.'
        )
    with transaction.atomic():
        evidence = EvidenceFile(
            indicator=indicator,
            unit=unit,
            period=period,
            filename=name,
            content_type=content_type,
            size=size,
            uploaded_by=user,
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()
        # Evidence is part of the month's report: a reporter's upload opens (or keeps) the draft, as a
        # value write does, so nothing of an unapproved month is published.
        values_written(user, {(unit.pk, period)}, source="form")
        AuditEntry.objects.create(
            action="indicators.evidence.added",
            user=user,
            object_type="datavalue",
            object_key=f"{indicator.code}/{unit.code}/{period}",
            after={"file": name, "content_type": content_type, "size": size},
            source="form",
        )
    return evidence


def evidence_visible_to(user):
    """EvidenceFile rows the user may download: those of values the user may see (same rule as
    `DataValue.visible_to`, one query)."""
    role = role_of(user)
    if role == Role.STAFF:
        return EvidenceFile.objects.all()
    pending = Submission.objects.filter(
        unit_id=OuterRef("unit_id"), period=OuterRef("period"), state__in=PENDING_STATES
    )
    if role == Role.REPORTER:
        own = Unit.objects.filter(members=user).values("pk")
        return EvidenceFile.objects.filter(Q(unit__in=own) | ~Exists(pending))
    if role == Role.VIEWER:
        return EvidenceFile.objects.filter(~Exists(pending))
    return EvidenceFile.objects.none()


