"""Explicit audit: services call `record` inside their transaction (STYLE.md §4)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import models

from chanye.core import context
from chanye.core.models import AuditAction, AuditLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of the concrete fields of `obj` (foreign keys by id)."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"password"}:
            continue
        out[f.attname] = _jsonable(getattr(obj, f.attname))
    return out


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, for compact update rows."""
    before = before or {}
    after = after or {}
    keys = [k for k in after.keys() | before.keys() if before.get(k) != after.get(k) and k != "updated_at"]
    return {k: before.get(k) for k in sorted(keys)}, {k: after.get(k) for k in sorted(keys)}


def record(
    *,
    actor: Any,
    action: str | AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
    username: str = "",
) -> AuditLog:
    ctx = context.current()
    user = actor if getattr(actor, "pk", None) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditLog.objects.create(
        user=user,
        username=username or (getattr(actor, "username", "") or ("system" if actor is None else "")),
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        message=message,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


def record_many(
    *,
    actor: Any,
    action: str | AuditAction,
    items: Sequence[tuple[Any, ...]],
    message: str = "",
) -> int:
    """One audit row per (object, before, after[, message]), written with one bulk insert: the audit of bulk actions
    (an import of 20,000 projects writes 20,000 rows in a few statements, not 20,000)."""
    ctx = context.current()
    user = actor if getattr(actor, "pk", None) else None
    username = getattr(actor, "username", "") or ("system" if actor is None else "")
    rows = [
        AuditLog(
            user=user,
            username=username,
            action=str(action),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            message=rest[0] if rest else message,
            request_id=ctx.request_id,
            ip=ctx.ip,
        )
        for obj, before, after, *rest in items
    ]
    AuditLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def query_words(querystring: str) -> str:
    """A list's filters as an audit row shows them: decoded, "county=421202，q=咸宁" (not "q=%E5%92%B8…"); 全部
    without filters."""
    from urllib.parse import parse_qsl

    pairs = parse_qsl(querystring or "")
    return "，".join(f"{k}={v}" for k, v in pairs) or "全部"
