"""One way to hand a generated file to the browser: an attachment with a Chinese file name (RFC 5987)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(data: bytes | str, filename: str, content_type: str = XLSX) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def audited_export(actor: object, data: bytes | str, stem: str, message: str, *, ext: str = "xlsx") -> HttpResponse:
    """An export handed to the browser as `<stem>_<YYYYMMDD>.<ext>`, with one audit row saying what was taken away."""
    from django.utils import timezone

    from chanye.core import audit
    from chanye.core.models import AuditAction

    audit.record(actor=actor, action=AuditAction.EXPORT, message=message)
    content_type = DOCX if ext == "docx" else XLSX
    return attachment(data, f"{stem}_{timezone.localdate():%Y%m%d}.{ext}", content_type)
