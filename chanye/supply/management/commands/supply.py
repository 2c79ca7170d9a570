from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core.imports.values import CellError, parse_month


class Command(BaseCommand):
    help = "供应链（发票）分析：chanye supply local-share --month 2026-03 [--engine duckdb|spark]"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        share = sub.add_parser(
            "local-share",
            help="每家购方企业一行 JSON：uscc、local_amount、total_amount（万元）、local_share（%）、同区县配套",
        )
        share.add_argument("--month", required=True, help="年月，如 2026-03")
        share.add_argument("--engine", choices=["duckdb", "spark"], help="计算引擎（默认 CHANYE_ENGINE，否则 duckdb）")
        now = sub.add_parser(
            "nowcast",
            help="发票预估：未规上企业按自己开具的发票汇总每月开票销售额，写入“发票明细”来源，供规上门槛提醒使用（XN-GS-6）",
        )
        now.add_argument("--month", help="年月，如 2026-03")
        now.add_argument("--year", type=int, help="整年（有发票的各月）")

    def handle(self, *args: Any, **opts: Any) -> None:
        from chanye.supply import analytics, store

        if opts["action"] == "nowcast":
            self._nowcast(opts)
            return

        try:
            month = parse_month(opts["month"])
        except CellError as e:
            raise CommandError(f"月份“{opts['month']}”无法识别：{e}") from e
        key = f"{month:%Y-%m}"
        if key not in store.months():
            have = "、".join(store.months()) or "（无）"
            raise CommandError(f"{key} 没有发票明细：请先导入（chanye import invoices 文件）。已有月份：{have}。")
        try:
            rows = analytics.local_share(key, engine=opts.get("engine"))
        except analytics.EngineUnavailable as e:
            raise CommandError(str(e)) from e
        for r in rows:
            self.stdout.write(json.dumps(r, ensure_ascii=False))

    def _nowcast(self, opts: dict[str, Any]) -> None:
        from chanye.core import access
        from chanye.supply import store
        from chanye.supply.services import do_nowcast

        if opts.get("month"):
            try:
                months = [f"{parse_month(opts['month']):%Y-%m}"]
            except CellError as e:
                raise CommandError(f"月份“{opts['month']}”无法识别：{e}") from e
        elif opts.get("year"):
            months = [m for m in store.months() if m.startswith(f"{opts['year']}-")]
        else:
            raise CommandError("请指定 --month 2026-03 或 --year 2026。")
        missing = [m for m in months if m not in store.months()]
        if not months or missing:
            raise CommandError(
                f"{'、'.join(missing) or opts.get('year')} 没有发票明细：请先导入（chanye import invoices 文件）。"
            )
        result = do_nowcast(actor=access.system("chanye supply nowcast"), months=months)
        self.stdout.write(result.summary())
