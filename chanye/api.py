"""The REST API (/api/v1/), django-ninja, bearer-token or session auth, same scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer

from chanye.accounts.services import user_for_token


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


from chanye.enterprises.api import router as enterprises_router  # noqa: E402
from chanye.targets.api import indicators_router, targets_router  # noqa: E402

api.add_router("/enterprises", enterprises_router)
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
