from __future__ import annotations

import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from chanye.core import access
from chanye.core.imports.values import CellError, parse_month
from chanye.projects import bulk, services
from chanye.projects.models import GradeChange, Project, ProjectMonth


def last_complete_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _month(value: str, today: dt.date) -> dt.date:
    try:
        return parse_month(value, today=today)
    except CellError as e:
        raise CommandError(f"月份“{value}”无法识别：{e}") from e


def _next(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


class Command(BaseCommand):
    help = (
        "项目：grade 月度评定（XN-XM-5，按时序进度升档/降档/限期整改，保存当月四色）；"
        "replan 政策包调整后按新规则重新计划全部项目节点（XN-XM-1/2/3，手工调整过的计划日期保留）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        g = sub.add_parser("grade", help="月度评定；可重复运行，同一月份结果相同")
        g.add_argument("--month", help="年月，如 2025-09；默认上一个完整月份")
        g.add_argument("--from", dest="start", help="从该月起逐月评定到 --month（由早到晚），如补评历史月份")
        sub.add_parser("replan", help="按当前政策包重新计划全部项目的节点")

    def handle(self, *args, **opts) -> None:
        if opts["action"] == "grade":
            self.grade(opts)
        else:
            self.replan()

    def _status(self, text: str) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{text}   ")
            sys.stderr.flush()

    def grade(self, opts: dict) -> None:
        today = timezone.localdate()
        end = _month(opts["month"], today) if opts.get("month") else last_complete_month(today)
        months = [end]
        if opts.get("start"):
            start = _month(opts["start"], today)
            if start > end:
                raise CommandError(f"--from {start:%Y-%m} 晚于 --month {end:%Y-%m}。")
            months, m = [], start
            while m <= end:
                months.append(m)
                m = _next(m)
        if not Project.objects.exists():
            raise CommandError("项目库中还没有项目：请先导入项目库（chanye import projects 文件.xlsx）。")
        began = time.monotonic()
        for i, month in enumerate(months, start=1):
            self._status(f"[{i}/{len(months)}] 评定 {month:%Y-%m}…")
            t0 = time.monotonic()
            counts = services.do_grade_month(actor=access.system("chanye projects grade"), month=month)
            seconds = time.monotonic() - t0
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            changes = "，".join(
                f"{c.label} {counts[c]}"
                for c in (GradeChange.UP, GradeChange.DOWN, GradeChange.RECTIFY, GradeChange.HOLD, GradeChange.NONE)
            )
            self.stdout.write(
                f"{month:%Y-%m} 月度评定完成（{seconds:.1f} 秒）：评定 {counts['projects']} 个项目，{changes}"
                "（不评：已投产、已退出或未签约）。"
            )
        if len(months) > 1:
            self.stdout.write(f"共评定 {len(months)} 个月，用时 {time.monotonic() - began:.1f} 秒。")
        later = ProjectMonth.objects.filter(month__gt=end).order_by("-month").values_list("month", flat=True).first()
        if later:  # each month starts from the previous month's grade: later months now rest on an older start
            self.stdout.write(
                f"注意：{end:%Y-%m} 之后的月份（至 {later:%Y-%m}）已有评定结果，本次未重新评定；"
                f"如需前后连贯，请运行 chanye projects grade --from {end:%Y-%m} --month {later:%Y-%m}。"
            )

    def replan(self) -> None:
        began = time.monotonic()

        def progress(done: int, total: int) -> None:
            self._status(f"重新计划节点：{done}/{total} 个项目")

        with transaction.atomic():
            projects = Project.objects.only("pk", "signed_on", "started_on", "producing_on", "investment")
            counts = bulk.do_replan_projects(
                actor=access.system("chanye projects replan"), projects=projects.order_by("pk"), progress=progress
            )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        self.stdout.write(
            f"已按当前政策包重新计划 {counts['projects']} 个项目的节点（{time.monotonic() - began:.1f} 秒）："
            f"调整 {counts['changed']} 个，新增 {counts['created']} 个，删除 {counts['removed']} 个；"
            "手工调整过的计划日期保持不变。"
        )
