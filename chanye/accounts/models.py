from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from chanye.core.roles import Role

__all__ = ["ApiToken", "Role", "User", "hash_token"]


class User(AbstractUser):
    """A person using chanye. Role and unit decide what they see (chanye.core.scoping)."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属单位"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属企业"
    )
    full_name = models.CharField("姓名", max_length=50, blank=True)
    # Set when the account-wide failure threshold is reached (chanye.accounts.throttle): the whole account is locked,
    # API tokens included, until then or until the security administrator unlocks it.
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set when the system administrator resets the password: the temporary one must be replaced at the next sign-in.
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())

    @property
    def can_read_audit(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def can_import(self) -> bool:
        return self.role in {Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.ENTERPRISE}

    @property
    def sees_business_data(self) -> bool:
        return self.role in {Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.VIEWER, Role.ENTERPRISE}

    @property
    def scope_label(self) -> str:
        if self.role == Role.COUNTY_OFFICER and self.region:
            return self.region.name
        if self.role == Role.ENTERPRISE and self.enterprise:
            return self.enterprise.name
        if self.role == Role.AUDITOR:
            return "审计日志"
        if self.role in (Role.SYS_ADMIN, Role.SECURITY_ADMIN):
            return "用户与安全"
        return "全市"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=50, default="默认")
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user.username}:{self.prefix}…"


class ThrottleKind(models.TextChoices):
    ADDRESS = "address", "来源地址"
    ACCOUNT_ADDRESS = "account_address", "账户（单一地址）"
    ACCOUNT = "account", "账户（所有地址）"


class LoginThrottle(models.Model):
    """A counter of failed logins for one address, one account from one address, or one account from everywhere.

    Keyed by the username as typed, whether or not such a user exists, so an unknown name is counted and locked
    exactly like a real one (no username discovery). Written only by chanye.accounts.throttle.
    """

    kind = models.CharField("类别", max_length=16, choices=ThrottleKind.choices)
    key = models.CharField("键", max_length=200)
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    failures = models.PositiveIntegerField("失败次数", default=0)
    first_failure_at = models.DateTimeField("首次失败")
    last_failure_at = models.DateTimeField("最近失败")
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="login_throttle_kind_key")]
        indexes = [models.Index(fields=["last_failure_at"], name="login_throttle_last_failure")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}: {self.failures}"
