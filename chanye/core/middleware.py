from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse

from chanye.core import context, errors, sessions
from chanye.core.clientip import client_ip

log = logging.getLogger("chanye.errors")


class RequestIdMiddleware:
    """Gives every request an id that audit rows carry and the response echoes (X-Request-ID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = uuid.uuid4().hex
        ip = client_ip(request)
        token = context.set_current(context.RequestContext(request_id=rid, ip=ip, path=request.path))
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = rid
        return response


_in_web_request: contextvars.ContextVar[bool] = contextvars.ContextVar("chanye_web_request", default=False)


def _web_busy_ms() -> int:
    return int(float(settings.CHANYE_WEB_DB_BUSY_TIMEOUT) * 1000)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite" and _in_web_request.get():
        connection.connection.execute(f"PRAGMA busy_timeout = {_web_busy_ms()}")


class NulQueryMiddleware:
    """A query parameter containing a NUL character (``%00``) is refused before any view runs: 422 JSON under /api/,
    a 400 page elsewhere. PostgreSQL cannot store or compare NUL in text and would answer a 500 from any filter."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = [k for k, values in request.GET.lists() if "\x00" in k or any("\x00" in v for v in values)]
        if bad:
            return errors.nul_response(request, bad)
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """A web request waits at most CHANYE_WEB_DB_BUSY_TIMEOUT seconds for SQLite's write lock (the CLI waits
    CHANYE_DB_BUSY_TIMEOUT), then answers 503 with Retry-After and says in words that the database is busy.

    Why shorter for the web: a person gets an answer in seconds instead of a spinner and a 500 after 30 s, and the
    server's few threads are not all tied up waiting behind one long import. Errors raised after the view (e.g. the
    session save) reach core.errors.server_error through handler500 and get the same answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        connection_created.connect(_on_connection_created, dispatch_uid="chanye-web-busy-timeout")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _in_web_request.set(True)
        restore = _shorten_open_connections(_web_busy_ms())
        try:
            return self.get_response(request)
        finally:
            restore()
            _in_web_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if errors.is_database_busy(exception):
            log.warning("database busy: %s %s (request %s)", request.method, request.path, errors.request_id(request))
            return errors.busy_response(request)
        return None


def _shorten_open_connections(ms: int) -> Callable[[], None]:
    """Connections opened before the request (kept across requests, as in tests) get the web timeout too."""
    changed = []
    for conn in connections.all(initialized_only=True):
        raw = getattr(conn, "connection", None)
        if conn.vendor == "sqlite" and raw is not None:
            before = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute(f"PRAGMA busy_timeout = {ms}")
            changed.append((conn, raw, before))

    def restore() -> None:
        for conn, raw, before in changed:
            if conn.connection is raw:
                raw.execute(f"PRAGMA busy_timeout = {before}")

    return restore


class SessionMiddleware(sessions.SessionMiddleware):
    """chanye.core.sessions' middleware, except that a page that only reads is still shown when the database is busy.

    SESSION_SAVE_EVERY_REQUEST saves the session on every request to run the idle timeout. While another program
    holds SQLite's write lock (WAL readers never wait), that save is the only write of a GET page: skipping it
    once costs the page nothing but one refresh of the idle timer, which the next request does."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except Exception as exc:
            if request.method in ("GET", "HEAD") and errors.is_database_busy(exc):
                log.warning(
                    "database busy: session not refreshed for %s (request %s)", request.path, errors.request_id(request)
                )
                return response
            raise


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every HTML page (settings.CHANYE_CONTENT_SECURITY_POLICY; decision 0008) and
    `Cache-Control: no-store` + `Pragma: no-cache` on everything Django answers: pages for signed-in users, exports
    and downloads, API answers. Nothing Django produces is meant to be kept by a browser or a proxy; static files never
    reach this middleware (WhiteNoise answers them first, with their long cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        if response.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CHANYE_CONTENT_SECURITY_POLICY
        return response
