from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core import access
from chanye.targets.assessment import default_year, do_compute_assessment


class Command(BaseCommand):
    help = "计算年度考核（HG-A-1、YY-P-3）：chanye assess --year 2025"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, **opts) -> None:
        year = opts["year"] or default_year()
        try:
            run = do_compute_assessment(actor=access.system("chanye assess"), year=year)
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from e
        self.stdout.write(f"{year}年{run.name}：")
        for s in run.scores.select_related("region"):
            change = "" if s.rank_change is None else f"（较上年 {s.rank_change:+d}）"
            self.stdout.write(f"  第{s.rank}名 {s.region.name} {s.total}{change}")
