"""What a request answers when something fails below the view: the database is busy (503) or an unexpected error
(500), as a Chinese page or, under /api/, as JSON carrying the request id. Never a traceback."""

from __future__ import annotations

import logging
import sqlite3
import sys
from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("chanye.errors")

BUSY_MESSAGE = "数据库正忙：另一个程序正在写入数据，请稍后重试。"
BUSY_RETRY_AFTER_SECONDS = 5
SERVER_ERROR_MESSAGE = "系统出错了：已记录此问题（请求编号 {rid}），请稍后重试；反复出现时请把请求编号告诉系统管理员。"

_BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy")
_PG_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout on PostgreSQL


def is_database_busy(exc: BaseException | None) -> bool:
    """True for SQLite's "database is locked" (and PostgreSQL's lock timeout), also when wrapped in another error."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | sqlite3.OperationalError):
            if any(t in str(exc).lower() for t in _BUSY_TEXTS):
                return True
            if getattr(getattr(exc, "__cause__", None), "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
                return True
            if getattr(exc, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the page (or JSON under /api/) says in words that the database is busy."""
    if is_api(request):
        body = {"detail": BUSY_MESSAGE, "request_id": request_id(request)}
        response: HttpResponse = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"message": BUSY_MESSAGE, "retry": BUSY_RETRY_AFTER_SECONDS, "path": request.get_full_path()}
        response = _page("errors/503.html", context, status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


def nul_response(request: HttpRequest, names: list[str]) -> HttpResponse:
    """A query parameter with a NUL character: 422 JSON under /api/, a 400 page elsewhere."""
    shown = "、".join(n.replace("\x00", "\\0") for n in names)
    message = f"查询参数 {shown} 含有空字符（%00），请检查链接或输入后重试。"
    if is_api(request):
        body = {"detail": message, "errors": [{"param": n, "in": "query", "message": "不能含有空字符"} for n in names]}
        return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
    return _page("errors/400.html", {"message": message}, status=400)


def server_error_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    if is_database_busy(exc):
        return busy_response(request)
    rid = request_id(request)
    if is_api(request):
        return JsonResponse(
            {"detail": SERVER_ERROR_MESSAGE.format(rid=rid), "request_id": rid},
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    return _page("errors/500.html", {"request_id": rid}, status=500)


def _page(template: str, context: dict[str, Any], status: int) -> HttpResponse:
    """Rendered without the request: no context processor may touch the database that just failed."""
    return HttpResponse(render_to_string(template, context), status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside the `except` that caught the error (also one raised by a middleware, e.g.
    the session save), so the error is still in sys.exc_info()."""
    return server_error_response(request, sys.exc_info()[1])
