from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core.imports.values import CellError, parse_month
from chanye.targets import indicators


class Command(BaseCommand):
    help = "计算指标（Ibis + DuckDB）：chanye indicators --month 2025-10；不指定月份则计算有数据的最近一个月"
    # A batch job over the data: the system checks (which import every view and the API) are `chanye check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="年月，如 2025-10")

    def handle(self, *args, **opts) -> None:
        from chanye.analytics.selectors import latest_month

        if opts.get("month"):
            try:
                month = parse_month(opts["month"])
            except CellError as e:
                raise CommandError(f"月份“{opts['month']}”无法识别：{e}") from e
        else:
            month = latest_month()
            if month is None:
                raise CommandError("还没有月度数据：请先导入月度数据（chanye import monthly …）。")

        def progress(stage: str) -> None:
            if sys.stderr.isatty():
                sys.stderr.write(f"\r计算 {month:%Y-%m}：{stage}…        ")
                sys.stderr.flush()

        n, seconds = indicators.refresh(month, progress=progress)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        self.stdout.write(f"已计算 {month:%Y-%m} 的指标：{n} 个值，用时 {seconds:.1f} 秒。")
