from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.models import AuditAction, AuditLog


class Command(BaseCommand):
    help = "审计日志：purge 清理超过保存期限的记录（不少于184天）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("purge")
        p.add_argument("--days", type=int, default=None, help="保留天数（不少于 CHANYE_AUDIT_RETENTION_DAYS）")

    def handle(self, *args: Any, **opts: Any) -> None:
        days = opts["days"] or settings.CHANYE_AUDIT_RETENTION_DAYS
        if days < settings.CHANYE_AUDIT_RETENTION_DAYS:
            raise CommandError(f"审计日志至少保存 {settings.CHANYE_AUDIT_RETENTION_DAYS} 天，不能清理更近的记录。")
        cutoff = timezone.now() - timedelta(days=days)
        n, _ = AuditLog.objects.filter(at__lt=cutoff).delete()
        audit.record(
            actor=access.system("chanye audit"),
            action=AuditAction.PURGE,
            message=f"清理 {cutoff:%Y-%m-%d} 之前的审计记录 {n} 条",
        )
        self.stdout.write(f"已清理 {n} 条 {days} 天前的审计记录。")
