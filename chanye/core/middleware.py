from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from chanye.core import context
from chanye.core.clientip import client_ip


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
