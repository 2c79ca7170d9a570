from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    IMPORT = "import", "导入"
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED = "locked", "账户锁定"
    LOGOUT = "logout", "退出"
    DENIED = "denied", "越权访问"
    REFUSED = "refused", "不予受理"
    TOKEN = "token", "签发令牌"
    EXPORT = "export", "导出"
    PURGE = "purge", "清理审计"


class AuditLog(models.Model):
    """Who did what, when, to which object, with the object's state before and after.

    Rows are written by services (explicitly, in the same transaction as the change) and by the
    login/permission hooks. Nothing updates or deletes them except `chanye audit purge`, which keeps
    at least CHANYE_AUDIT_RETENTION_DAYS (≥ 184 days).
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    message = models.TextField("说明", blank=True)
    request_id = models.CharField("请求编号", max_length=40, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"


class ImportBatch(models.Model):
    """One run of an importer over one file, with its outcome and every error found."""

    class Status(models.TextChoices):
        RUNNING = "running", "处理中"
        INVALID = "invalid", "校验未通过"
        VALID = "valid", "校验通过（未写入）"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=20)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dry_run = models.BooleanField("仅校验", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    # What the file fed, column by column, and what cannot be computed from it (issue 13): [{"level", "text"}],
    # level "info" or "warning"; written by the importer's `describe` (and `describe_written` after the write).
    summary = models.JSONField("数据用途说明", default=list, blank=True)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moved on by the import while it reads and checks the file (with its progress); a running batch whose heartbeat
    # is older than CHANYE_IMPORT_STALE_MINUTES was cut off (restart, killed process) and is ended as failed.
    heartbeat_at = models.DateTimeField("最近心跳", default=timezone.now, db_index=True)

    FINAL = frozenset({Status.INVALID, Status.VALID, Status.DONE, Status.FAILED})

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def is_final(self) -> bool:
        """Finished one way or another: its page stops polling."""
        return self.status in self.FINAL
