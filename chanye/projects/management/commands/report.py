from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core import access, indicators


class Command(BaseCommand):
    help = (
        "生成报告。月通报（YY-P-3）：chanye report bulletin --month 2025-06 --format docx|xlsx --out 月通报.docx "
        "[--region 区县名称或代码]；同时更新项目类指标（XN-GS-8/9、XN-JG-1/2）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["bulletin"], help="报告类型：bulletin（项目建设月通报）")
        parser.add_argument("--month", required=True, help="年月，如 2025-06")
        parser.add_argument(
            "--format", choices=["docx", "xlsx"], default=None, help="docx 或 xlsx；默认按 --out 的扩展名"
        )
        parser.add_argument("--out", required=True, help="输出文件")
        parser.add_argument("--region", default="", help="只统计一个区县或园区（名称或代码）；默认全市")

    def handle(self, *args, **opts) -> None:
        from chanye.core import audit
        from chanye.core.models import AuditAction
        from chanye.projects import bulletin, reports
        from chanye.regions.models import Region

        try:
            month = bulletin.parse_bulletin_month(opts["month"])
        except ValueError as e:
            raise CommandError(str(e)) from e
        out = Path(opts["out"])
        fmt = opts["format"] or out.suffix.lstrip(".").lower()
        if fmt not in ("docx", "xlsx"):
            raise CommandError(f"无法确定输出格式：请用 --format docx 或 xlsx（输出文件“{out}”）。")
        region = None
        if opts["region"]:
            region = (
                Region.objects.filter(code=opts["region"]).first() or Region.objects.filter(name=opts["region"]).first()
            )
            if region is None:
                raise CommandError(f"找不到区县或园区“{opts['region']}”。")
        if not out.parent.exists():
            raise CommandError(f"输出目录“{out.parent}”不存在。")
        indicators.stale("projects", year=month.year, month=month)  # the target tree shows the same figures
        d = bulletin.bulletin(month, region=region)
        data = reports.bulletin_docx(d) if fmt == "docx" else reports.bulletin_xlsx(d)
        out.write_bytes(data)
        name = d["title"] + (f"（{d['subtitle']}）" if d["subtitle"] else "")
        audit.record(
            actor=access.system("chanye report"), action=AuditAction.EXPORT, message=f"命令行导出{name}（.{fmt}）"
        )
        self.stdout.write(
            f"{name}：在库项目{d['board']['total']}个，逾期节点{d['overdue']['milestones']}个；已写入 {out}"
            f"（{len(data) / 1024:.0f} KB）；项目类指标已更新。"
        )
