from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from chanye.core import audit
from chanye.core.models import AuditAction


class AccountLocked(Exception):
    pass


class LockoutModelBackend(ModelBackend):
    """Username/password login with lockout after CHANYE_LOGIN_MAX_FAILURES consecutive failures.

    While locked, even the right password is refused. Successes reset the counter. Every outcome
    is audited (login, login_failed, locked).
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        from chanye.accounts.models import User

        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            audit.record(actor=None, action=AuditAction.LOGIN_FAILED, username=username, message="用户名不存在")
            return None
        if user.is_locked:
            audit.record(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, message="账户已锁定，拒绝登录")
            if request is not None:
                request.chanye_locked = True  # type: ignore[attr-defined]
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
                user.failed_logins = 0
            return user
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        audit.record(
            actor=user, action=AuditAction.LOGIN_FAILED, obj=user, message=f"密码错误（连续第{user.failed_logins}次）"
        )
        if user.failed_logins >= settings.CHANYE_LOGIN_MAX_FAILURES:
            until = timezone.now() + timedelta(minutes=settings.CHANYE_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until)
            audit.record(
                actor=user,
                action=AuditAction.LOCKED,
                obj=user,
                message=f"连续{user.failed_logins}次登录失败，锁定至{timezone.localtime(until):%Y-%m-%d %H:%M}",
            )
            if request is not None:
                request.chanye_locked = True  # type: ignore[attr-defined]
        return None
