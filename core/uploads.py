"""Evidence uploads (PDF, PNG, JPEG): what a file is, judged by its first bytes, and the size limit.

The declared content type and the file name are the sender's word; the first bytes are the file's.
"""

from __future__ import annotations

from django.conf import settings

EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EVIDENCE_ACCEPT = "application/pdf,image/png,image/jpeg"


def sniff_type(head: bytes) -> str | None:
    """The content type from the first bytes, whatever the file's name or declared type says."""
    for content_type, signatures in EVIDENCE_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_MB", 5)) * 1024 * 1024


def evidence_problem(upload) -> tuple[str | None, str]:
    """``(content_type, "")`` for an acceptable evidence upload, ``(None, message)`` otherwise.

    Reads the first 16 bytes and rewinds the file."""
    name = upload_name(upload)
    size = upload.size
    limit = evidence_max_bytes()
    if size > limit:
        megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
        return None, f'Tệp "{name}" quá lớn ({megabytes} MB); tối đa {limit // (1024 * 1024)} MB.'
    if size == 0:
        return None, f'Tệp "{name}" rỗng.'
    upload.seek(0)
    content_type = sniff_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        return None, f'Tệp "{name}" không phải PDF, PNG hay JPEG; chỉ nhận minh chứng dạng PDF hoặc ảnh.'
    return content_type, ""


def upload_name(upload) -> str:
    """The file's own name (no folders), at most 200 characters."""
    return ((getattr(upload, "name", "") or "tep").replace("\\", "/").rsplit("/", 1)[-1] or "tep")[:200]
