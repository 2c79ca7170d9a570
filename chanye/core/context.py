"""Per-request context (request id, acting user, client ip) for audit rows written outside views."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    path: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("chanye_request", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext(request_id="cli-" + uuid.uuid4().hex[:12])
        _current.set(ctx)
    return ctx


def set_current(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
