"""Deployment checks added to Django's own (`chanye check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def no_superusers_in_production(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """等保2.0: no all-powerful account; use the separate system/security/audit administrators."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    try:
        names = list(
            get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True)[:5]
        )
    except DatabaseError:
        return []
    if names:
        return [
            checks.Warning(
                f"存在超级用户：{', '.join(names)}。"
                "生产环境请停用超级用户，改用系统管理员、安全管理员和审计管理员三员分立。",
                id="chanye.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def audit_retention(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.CHANYE_AUDIT_RETENTION_DAYS < 184:
        return [checks.Error("审计日志保存期限不得少于 184 天。", id="chanye.E001")]
    return []
