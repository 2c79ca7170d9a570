from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "奖补测算（免申即享）：chanye rewards compute --year 2025，按政策包的奖补条款从数据测算当年每家企业应享奖补"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("compute", help="测算一个年度的奖补（可重复运行，结果相同）")
        c.add_argument("--year", type=int, help="年度，如 2025（默认：上一年）")

    def handle(self, *args, **opts) -> None:
        from chanye.core import access
        from chanye.rewards.selectors import reward_rules
        from chanye.rewards.services import do_compute_rewards

        year = opts.get("year") or dt.date.today().year - 1
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度“{year}”不在 2000—2100 之间。")
        specs, _ = reward_rules()
        if not specs:
            raise CommandError("当前政策包没有奖补条款（rewards）：请先加载含奖补条款的政策包（chanye pack load …）。")
        result = do_compute_rewards(actor=access.system("chanye rewards compute"), year=year)
        self.stdout.write(result.summary() + "。")
        for note in result.notes:
            self.stdout.write(f"未能使用：{note}")
        for kept in result.kept:
            self.stdout.write(f"已办理、未改动：{kept}")
