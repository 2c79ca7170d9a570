from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from chanye.accounts import throttle
from chanye.accounts.models import ThrottleKind
from chanye.core import audit
from chanye.core.clientip import client_ip
from chanye.core.models import AuditAction


class LockoutModelBackend(ModelBackend):
    """Username/password login with failure counters per account + address, per account and per address.

    The failure path is the same for an unknown username and a wrong password: the same password-hash work, the
    same statements (counters keyed by the username as typed, one audit row) and the same answer, so neither the
    time nor the text tells whether a username exists. A refused attempt (a running lock) checks no password and
    counts nothing; it is audited. The lock that refused or started is left on `request.chanye_lock` for the form.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        from chanye.accounts.models import User

        if not username or password is None:
            return None
        ip = client_ip(request)
        now = timezone.now()
        lock = throttle.current_lock(username=username, ip=ip, now=now)
        if lock is not None:
            audit.record(
                actor=None, action=AuditAction.LOGIN_FAILED, username=username, message=_refused_message(lock, ip)
            )
            _tell(request, lock)
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # the same hashing work as checking a real password
            ok = False
        else:
            ok = user.check_password(password) and self.user_can_authenticate(user)
        if ok:
            throttle.record_success(username=username, ip=ip)
            return user
        with transaction.atomic():
            started = throttle.record_failure(username=username, ip=ip, now=now)
            audit.record(
                actor=user,
                action=AuditAction.LOGIN_FAILED,
                obj=user,
                username=username,
                message="用户名不存在" if user is None else ("密码错误" if user.is_active else "账户已停用"),
            )
            for new in started:
                if new.kind == ThrottleKind.ACCOUNT:
                    # the same UPDATE whether or not the user exists (it changes no row for an unknown name)
                    User.objects.filter(username=username).update(locked_until=new.until)
                audit.record(
                    actor=user, action=AuditAction.LOCKED, obj=user, username=username, message=_lock_message(new, ip)
                )
        if started:
            _tell(request, min(started, key=lambda lock: throttle._PRIORITY[lock.kind]))
        return None


def _tell(request: HttpRequest | None, lock: throttle.Lock) -> None:
    if request is not None:
        request.chanye_lock = lock  # type: ignore[attr-defined]


def _until(lock: throttle.Lock) -> str:
    return f"{timezone.localtime(lock.until):%Y-%m-%d %H:%M}"


def _lock_message(lock: throttle.Lock, ip: str | None) -> str:
    if lock.kind == ThrottleKind.ADDRESS:
        return f"来源地址 {ip} 连续{lock.failures}次登录失败（不限用户名），暂停该地址登录至{_until(lock)}"
    if lock.kind == ThrottleKind.ACCOUNT:
        return f"所有地址合计连续{lock.failures}次登录失败，整个账户锁定至{_until(lock)}（安全管理员可解锁）"
    return f"从地址 {ip or '未知'} 连续{lock.failures}次登录失败，该账户在此地址锁定至{_until(lock)}"


def _refused_message(lock: throttle.Lock, ip: str | None) -> str:
    if lock.kind == ThrottleKind.ADDRESS:
        return f"来源地址 {ip} 已暂停登录（至{_until(lock)}），拒绝登录"
    return f"账户已锁定（至{_until(lock)}），拒绝登录"
