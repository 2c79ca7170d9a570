from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.accounts.models import ApiToken, Role, User, hash_token
from chanye.core import audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction


def do_create_user(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    region: Any = None,
    enterprise: Any = None,
    full_name: str = "",
    check_password: bool = True,
) -> User:
    """Create a user with a validated, hashed password.

    A county officer needs a unit (region), an enterprise user an enterprise.
    """
    _check_scope(role, region, enterprise)
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名“{username}”已存在。")
    user = User(
        username=username,
        role=role,
        region=region if role == Role.COUNTY_OFFICER else None,
        enterprise=enterprise if role == Role.ENTERPRISE else None,
        full_name=full_name,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    with transaction.atomic():
        user.save()
        audit.record(actor=actor, action=AuditAction.CREATE, obj=user, after=audit.snapshot(user))
    return user


def _check_scope(role: str, region: Any, enterprise: Any) -> None:
    """A role and its unit: a county officer needs a county or park, an enterprise user a firm."""
    if role not in Role.values:
        raise ValidationError(f"未知角色：{role}（可选：{'、'.join(Role.labels)}）")
    if role == Role.COUNTY_OFFICER and region is None:
        raise ValidationError("区县/园区工作人员必须指定所属单位。")
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationError("企业用户必须指定所属企业（统一社会信用代码）。")


def _store_password(user: User, raw: str, *, temporary: bool) -> None:
    """The one password writer: hashed, dated, and whether it must be replaced at the next sign-in."""
    user.set_password(raw)
    user.password_changed_at = timezone.now()
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


def do_set_password(*, actor: Actor, user: User, password: str) -> None:
    validate_password(password, user)
    with transaction.atomic():
        _store_password(user, password, temporary=False)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=user, message="修改密码")


def _require_system_admin(actor: Actor) -> None:
    from django.core.exceptions import PermissionDenied

    if getattr(actor, "role", None) != Role.SYS_ADMIN and not getattr(actor, "is_system", False):
        raise PermissionDenied("只有系统管理员可以管理用户账号。")


def temporary_password() -> str:
    """A one-time password meeting the password rules (10+ characters, upper, lower, digit, symbol)."""
    return f"Cy{secrets.token_hex(5)}#{secrets.randbelow(90) + 10}"


def do_reset_password(*, actor: Actor, user: User) -> str:
    """The system administrator resets a forgotten password: a temporary one, returned once (never stored or logged in
    clear), to be replaced at the next sign-in. Audited."""
    _require_system_admin(actor)
    raw = temporary_password()
    with transaction.atomic():
        _store_password(user, raw, temporary=True)
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=user, message="重置密码（临时密码，须在登录后修改）")
    return raw


def do_set_active(*, actor: Actor, user: User, active: bool) -> None:
    """Disable (停用) or enable an account; nobody disables their own. Audited."""
    _require_system_admin(actor)
    if getattr(actor, "pk", None) == user.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before={"is_active": not active},
            after={"is_active": active},
            message="启用账号" if active else "停用账号",
        )


def do_set_scope(*, actor: Actor, user: User, role: str, region: Any = None, enterprise: Any = None) -> None:
    """Change an account's role and unit (assign a county officer to a county or park, an enterprise user to a firm),
    by the rules of `do_create_user`. Audited."""
    _require_system_admin(actor)
    _check_scope(role, region, enterprise)
    fields = ["role", "region", "enterprise"]
    before = audit.snapshot(user, fields)
    user.role = role
    user.region = region if role == Role.COUNTY_OFFICER else None
    user.enterprise = enterprise if role == Role.ENTERPRISE else None
    with transaction.atomic():
        user.save(update_fields=fields)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before=before,
            after=audit.snapshot(user, fields),
            message="调整角色与所属单位",
        )


def do_unlock(*, actor: Actor, user: User) -> None:
    """Lift every lock of the account: the account-wide lock and the per-address ones, and forget its counters."""
    from chanye.accounts import throttle

    with transaction.atomic():
        before = audit.snapshot(user, ["locked_until"])
        user.locked_until = None
        user.save(update_fields=["locked_until"])
        throttle.clear_account(username=user.username)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            before=before,
            after=audit.snapshot(user, ["locked_until"]),
            message="解除锁定",
        )


def do_issue_token(*, actor: Actor, user: User, name: str = "默认") -> str:
    """Create an API token; returns the raw token (shown once, only its hash is kept)."""
    raw = "cy_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
        audit.record(actor=actor, action=AuditAction.TOKEN, obj=user, message=f"签发 API 令牌 {token.prefix}…")
    return raw


def user_for_token(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw), revoked=False).first()
    if token is None or not token.user.is_active or token.user.is_locked:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
