from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core import access
from chanye.core.imports.values import CellError, parse_month


class Command(BaseCommand):
    help = "月度分析：规上门槛提醒（XN-GS-6）和退规风险预警（XN-GS-7）。chanye analyze --month 2026-10；可重复运行"
    # A batch job over the data: the system checks (which import every view and the API) are `chanye check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="年月，如 2026-10；默认有数据的最近一个月")

    def handle(self, *args, **opts) -> None:
        from chanye.analytics.selectors import latest_month
        from chanye.cultivation.analysis import analyze

        if opts.get("month"):
            try:
                month = parse_month(opts["month"])
            except CellError as e:
                raise CommandError(f"月份“{opts['month']}”无法识别：{e}") from e
        else:
            month = latest_month()
            if month is None:
                raise CommandError("还没有月度数据：请先导入月度数据。")

        def progress(stage: str) -> None:
            if sys.stderr.isatty():
                sys.stderr.write(f"\r分析 {month:%Y-%m}：{stage}…   ")
                sys.stderr.flush()

        counts, seconds = analyze(month, actor=access.system("chanye analyze"), progress=progress)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        self.stdout.write(
            f"{month:%Y-%m} 分析完成（{seconds:.1f} 秒）：新增“接近规上门槛”{counts['approach']} 家，"
            f"“达到规上门槛”{counts['reached']} 家，退规风险预警 {counts['exit_risk']} 家；"
            f"已入规自动办结 {counts['auto_resolved']} 条；培育库新增 {counts.get('candidates_added', 0)} 家。"
        )
