"""The REST API (/api/v1/), django-ninja, bearer-token or session auth, same scoping as the pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from chanye.accounts.services import user_for_token
from chanye.core import apiparams, errors

log = logging.getLogger("chanye.api")


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def _docs_for_known_users(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and the docs page only for a signed-in session or a valid bearer token: anonymous gets
    401 JSON for the document and the login page for the docs."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        known = user is not None and user.is_authenticated
        header = request.headers.get("Authorization", "")
        if not known and header.lower().startswith("bearer "):
            known = user_for_token(header[7:].strip()) is not None
        if known:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(
                {"detail": "未认证：请先登录，或提供有效的 API 令牌（Authorization: Bearer …）"},
                status=401,
                json_dumps_params={"ensure_ascii": False},
            )
        return redirect_to_login(request.get_full_path())

    return wrapped


api = NinjaAPI(
    title="产业平台 API",
    version="1",
    description="chanye 产业集群政策运行平台接口。"
    "认证：`Authorization: Bearer <令牌>`（`chanye users token 用户名` 签发）。"
    "区县用户只能看到本单位的企业；范围外的对象返回 404。",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=_docs_for_known_users,
)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception):
    return api.create_response(
        request, {"detail": "未认证：请提供有效的 API 令牌（Authorization: Bearer …）"}, status=401
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    if exc.status_code == 404:
        return api.create_response(request, {"detail": str(exc) or "未找到"}, status=404)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError):
    """A malformed parameter: 422 saying in Chinese which one and what is expected."""
    return api.create_response(request, apiparams.describe(request, exc.errors), status=422)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception):
    """The database is busy: 503 with Retry-After. Anything else: logged, and JSON 500 with the request id."""
    if not errors.is_database_busy(exc):
        log.exception("API error %s (request %s)", request.path, errors.request_id(request), exc_info=exc)
    return errors.server_error_response(request, exc)


from chanye.analytics.api import router as specialisation_router  # noqa: E402
from chanye.enterprises.api import router as enterprises_router  # noqa: E402
from chanye.targets.api import indicators_router, targets_router  # noqa: E402

api.add_router("/enterprises", enterprises_router)
api.add_router("/specialisation", specialisation_router)
api.add_router("/indicators", indicators_router)
api.add_router("/targets", targets_router)

from chanye.cultivation.api import leaders_router  # noqa: E402
from chanye.cultivation.api import router as alerts_router  # noqa: E402

api.add_router("/alerts", alerts_router)
api.add_router("/chain-leaders", leaders_router)

from chanye.projects.api import router as projects_router  # noqa: E402

api.add_router("/projects", projects_router)

from chanye.chains.api import leads_router  # noqa: E402
from chanye.chains.api import router as chains_router  # noqa: E402

api.add_router("/chains", chains_router)
api.add_router("/leads", leads_router)

from chanye.rewards.api import router as rewards_router  # noqa: E402

api.add_router("/rewards", rewards_router)

from chanye.supply.api import router as supply_router  # noqa: E402

api.add_router("/supply", supply_router)
