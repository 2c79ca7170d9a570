"""One way to hand a generated file to the browser: an attachment with a Chinese file name (RFC 5987)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

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


def evidence_download(actor: object, obj: Any, file: Any, message: str) -> FileResponse:
    """An uploaded evidence file (佐证材料) of `obj` as a download, audited; 404 in words when there is none or the
    file is gone. Sent as octet-stream so the browser never renders it (uploads are never public media)."""
    from pathlib import Path

    from django.http import Http404

    from chanye.core import audit
    from chanye.core.models import AuditAction

    if not file:
        raise Http404("没有佐证材料")
    try:
        fh = file.open("rb")
    except FileNotFoundError as e:
        raise Http404("佐证材料文件不存在") from e
    audit.record(actor=actor, action=AuditAction.EXPORT, obj=obj, message=message)
    resp = FileResponse(fh, as_attachment=True, filename=Path(file.name).name)
    resp["Content-Type"] = "application/octet-stream"
    return resp
