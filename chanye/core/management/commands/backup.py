from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core.backup import make_backup
from chanye.core.backup.common import ENGINE_NAMES, BackupError, human_size


class Command(BaseCommand):
    help = "备份数据库、上传文件和数据目录中的密钥文件到一个目录（说明见 docs/operations.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="DIR", help="备份目录（新目录或空目录）")
        parser.add_argument("--force", action="store_true", help="目录不是空的时，删除其中原有的备份后写入")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args: Any, **opts: Any) -> None:
        quiet = opts["verbosity"] == 0
        try:
            m = make_backup(
                Path(opts["out"]),
                alias=opts["database"],
                force=opts["force"],
                progress=(lambda _msg: None) if quiet else self.stdout.write,
            )
        except BackupError as e:
            raise CommandError(str(e)) from e
        s = m["summary"]
        for w in s["warnings"]:
            self.stderr.write(f"警告：{w}")
        if quiet:
            return
        media_bytes = human_size(s["media_bytes"])
        lines = [
            f"备份完成：{s['out']}",
            f"  备份时间：{m['created_at']}（chanye {m['chanye_version']}）",
            f"  数据库：{ENGINE_NAMES[m['engine']]}，{len(m['tables'])} 张表，共 {s['rows']:,} 行"
            f"（{human_size(m['database']['size'])}）",
            f"  上传文件：{len(m['media']):,} 个，{media_bytes}",
        ]
        for label, (files, size) in s["trees"].items():
            lines.append(f"  {label}：{files:,} 个文件，{human_size(size)}")
        if m["missing_media"]:
            lines.append(f"  数据库引用但缺失的文件：{len(m['missing_media'])} 个（见上方警告）")
        if m["data_files"]:
            lines.append(f"  数据目录文件：{'、'.join(e['path'] for e in m['data_files'])}（含密钥，请妥善保管备份）")
        lines += [
            f"  备份大小：{human_size(s['bytes'])}",
            f"  用时：{s['seconds']:.1f} 秒",
            f"  恢复：chanye restore {s['out']}",
        ]
        self.stdout.write("\n".join(lines))
