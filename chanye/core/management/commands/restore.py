from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core.backup import restore_backup
from chanye.core.backup.common import ENGINE_NAMES, BackupError


class Command(BaseCommand):
    help = "从 chanye backup 的备份目录恢复数据库和上传文件（先校验；目标已有数据时须加 --force）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", metavar="DIR", help="chanye backup 写出的备份目录")
        parser.add_argument("--force", action="store_true", help="目标数据库或上传目录已有数据时，仍用备份替换")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **opts: Any) -> None:
        quiet = opts["verbosity"] == 0
        try:
            r = restore_backup(
                Path(opts["dir"]),
                alias=opts["database"],
                force=opts["force"],
                progress=(lambda _msg: None) if quiet else self.stdout.write,
            )
        except BackupError as e:
            raise CommandError(str(e)) from e
        width = max([len(t) for t, _, _ in r.counts] + [4])
        rows = [f"  {'表'.ljust(width - 1)}  {'备份时':>10}  {'恢复后':>10}"]
        for table, expected, actual in r.counts:
            exp = "—" if expected is None else f"{expected:,}"
            act = "—" if actual is None else f"{actual:,}"
            mark = ""
            if expected is None:
                mark = "  （迁移新建）"
            elif expected != actual:
                mark = "  ≠"
            rows.append(f"  {table.ljust(width)}  {exp:>10}  {act:>10}{mark}")
        lines = [
            f"恢复完成：{ENGINE_NAMES[r.engine]} 数据库，备份时间 {r.backup_time}，用时 {r.seconds:.1f} 秒。",
            f"  上传文件：{r.media_files:,} 个",
            *(f"  {label}：{n:,} 个文件" for label, n in r.tree_files.items()),
        ]
        if r.data_files:
            lines.append(f"  数据目录文件：{'、'.join(r.data_files)}")
        if r.migrated:
            lines.append(f"  备份来自较早的版本，已执行 {len(r.migrated)} 个数据库迁移。")
        for p in r.kept_aside:
            lines.append(f"  原有内容已改名保留：{p}（确认无误后可删除）")
        if r.missing_media:
            lines.append(f"  注意：备份时就缺失的上传文件 {len(r.missing_media)} 个：{'、'.join(r.missing_media[:10])}")
        if r.warning:
            self.stderr.write(f"警告：{r.warning}")
        lines.append("各表行数（与备份清单比较）：")
        if not quiet:
            self.stdout.write("\n".join(lines + rows))
        if r.mismatches:
            names = "、".join(t for t, _, _ in r.mismatches)
            if r.migrated:
                self.stderr.write(f"提示：执行迁移后以下表的行数有变化（迁移会补充权限等记录）：{names}")
            else:
                raise CommandError(f"恢复后的行数与备份清单不一致：{names}。请检查数据库日志，并用另一份备份重试。")
