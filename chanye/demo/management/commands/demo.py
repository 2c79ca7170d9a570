from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from chanye.core import access
from chanye.demo import generator
from chanye.demo.users import DEMO_PASSWORD, ensure_demo_users
from chanye.enterprises.models import Enterprise

DEFAULT_PACK = "xianning-2025.yaml"


def find_pack(name: str) -> Path:
    p = Path(name)
    if p.exists():
        return p
    for base in (Path.cwd() / "packs", Path(settings.BASE_DIR).parent / "packs"):
        for candidate in (base / name, base / f"{name}.yaml"):
            if candidate.exists():
                return candidate
    raise CommandError(f"找不到政策包 {name}（在 packs/ 中查找）。")


class Command(BaseCommand):
    help = "演示：迁移数据库，加载政策包，生成确定性的合成数据，创建各角色演示用户，然后启动网站。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--enterprises", type=int, default=3000)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--pack", default=DEFAULT_PACK, help="政策包文件（默认 packs/xianning-2025.yaml）")
        parser.add_argument("--reset", action="store_true", help="先清空已有企业、月度数据、项目和招商线索")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **opts) -> None:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
        if not opts["no_serve"]:
            from chanye.core.management.commands.serve import refuse_weak_secret_key

            refuse_weak_secret_key()  # before minutes of data generation, not after
        call_command("migrate", interactive=False, verbosity=0)
        from chanye.industry.services import do_load_pack

        pack = find_pack(opts["pack"])
        result = do_load_pack(actor=access.system("chanye demo"), path=pack)
        self.stdout.write(f"政策包：{result.pack.name}（{result.summary()}）")
        if opts["reset"]:
            with transaction.atomic():
                from chanye.accounts.models import User
                from chanye.chains.models import AttractionTarget, Lead
                from chanye.projects.models import Project

                User.objects.filter(enterprise__isnull=False).update(enterprise=None)
                Lead.objects.all().delete()
                AttractionTarget.objects.all().delete()
                Project.objects.all().delete()
                Enterprise.objects.all().delete()
            from chanye.supply import store

            store.clear()  # the invoices name the old firms
        other_city = (
            Enterprise.objects.exclude(county__parent=result.pack.city).exclude(county=result.pack.city).exists()
        )
        if other_city and not opts["reset"]:
            raise CommandError(
                f"数据库中已有其他城市的企业数据。要演示 {result.pack.city.name}，请加 --reset 清空，"
                "或设置另一个数据目录，例如 CHANYE_DATA_DIR=var/demo-其他城市 chanye demo --pack …"
            )
        if Enterprise.objects.exists():
            self.stdout.write(f"已有 {Enterprise.objects.count()} 家企业，跳过数据生成（--reset 可重新生成）。")
        else:

            def progress(stage: str, pct: int) -> None:
                if sys.stdout.isatty():
                    sys.stdout.write(f"\r生成演示数据：{stage} {pct:3d}%   ")
                    sys.stdout.flush()

            from chanye.demo.blocks import register_bases

            if n := register_bases():  # before the firms, so those of the bases' industries join them (HG-A-1)
                self.stdout.write(f"已登记 {n} 个演示块状经济基地。")
            stats = generator.generate(
                seed=opts["seed"], enterprises=opts["enterprises"], months=opts["months"], progress=progress
            )
            if sys.stdout.isatty():
                sys.stdout.write("\n")
            self.stdout.write(
                f"已生成 {stats.enterprises} 家企业（规上 {stats.above_scale}，具名骨干企业 {stats.anchors}），"
                f"{stats.figures} 条月度数据，用时 {stats.seconds:.1f} 秒。"
            )
        from chanye.demo.projects import seed_projects

        if project_stats := seed_projects(seed=opts["seed"]):  # before the analysis: 新投产项目 join the pool (XN-GS-5)
            from chanye.projects.indicators import PROVIDER
            from chanye.targets.indicators import store_provided

            for year in sorted({project_stats.months[-1].year - 1, timezone.localdate().year}):
                store_provided(PROVIDER, year)  # the targets on projects (XN-GS-8/9, XN-JG-1/2) get their values
            self.stdout.write(project_stats.summary())
        from chanye.analytics.selectors import latest_month
        from chanye.cultivation.analysis import analyze

        if (last := latest_month()) is not None:
            # three months, oldest first, so the to-do chart has a history; officers have worked most older ones
            from chanye.cultivation.models import Alert, AlertStatus

            for back in (2, 1):
                m = dt.date(last.year - (last.month <= back), (last.month - back - 1) % 12 + 1, 1)
                analyze(m, actor=access.system("chanye demo"))
                for i, a in enumerate(Alert.objects.filter(month=m, status=AlertStatus.OPEN).order_by("pk")):
                    if i % 3:
                        a.status, a.reason = AlertStatus.RESOLVED, "已走访，企业经营恢复正常（演示数据）"
                        a.save(update_fields=["status", "reason"])
            counts, _ = analyze(last, actor=access.system("chanye demo"))
            self.stdout.write(
                f"已完成 {last:%Y-%m} 月度分析：门槛提醒 {counts['approach'] + counts['reached']} 家，"
                f"退规风险预警 {counts['exit_risk']} 家，培育库 {counts.get('candidates_added', 0)} 家。"
            )
            from chanye.demo.pool import seed_timetables

            if (n := seed_timetables(seed=opts["seed"])) and (last := latest_month()) is not None:
                from chanye.cultivation.pool_indicators import PROVIDER as POOL
                from chanye.targets.indicators import store_provided

                store_provided(POOL, last.year, last)
                self.stdout.write(f"已为培育库中 {n} 家企业定下计划入规时间（逐户确定入规时间表）。")
        if result.pack.content.get("assessment"):
            from chanye.targets.assessment import do_compute_assessment

            year = timezone.localdate().year
            for y in (year - 2, year - 1):  # two years, so the ranking shows its change
                do_compute_assessment(actor=access.system("chanye demo"), year=y)
            rule = result.pack.content["assessment"].get("rule")
            self.stdout.write(f"已计算 {year - 2}、{year - 1} 年考核（{rule}）。")
            from chanye.demo.blocks import decide_last_year

            if n := decide_last_year(seed=opts["seed"]):
                self.stdout.write(f"已记录 {year - 1} 年 {n} 个块状经济基地的认定结果。")
        users = ensure_demo_users()
        from chanye.demo.leaders import seed_chain_leaders

        if n := seed_chain_leaders(seed=opts["seed"]):
            self.stdout.write(f"已生成 {n} 家演示链主企业（含包保走访、诉求、履职台账）和2个遴选中的申报。")
        from chanye.demo.chains import seed_chains

        if chain_stats := seed_chains(seed=opts["seed"]):
            self.stdout.write(chain_stats.summary())
        from chanye.demo.invoices import seed_invoices

        if invoice_stats := seed_invoices(seed=opts["seed"]):
            self.stdout.write(invoice_stats.summary())
            from chanye.supply import store
            from chanye.supply.services import do_nowcast

            self.stdout.write(do_nowcast(actor=access.system("chanye demo"), months=store.months()).summary())
        from chanye.demo.reported import seed_reported

        if n := seed_reported(seed=opts["seed"]):
            self.stdout.write(f"已为需部门报送的目标生成 {n} 条报送数据。")
        from chanye.demo.tasks import seed_tasks

        if n := seed_tasks(seed=opts["seed"]):
            self.stdout.write(f"已为政策包的督办任务生成 {n} 条进展报送。")
        from chanye.demo.liaison import seed_liaison

        if n := seed_liaison(seed=opts["seed"]):
            self.stdout.write(f"已为 {n} 个千亿级产业的联系机制填写演示市领导和工作班子（YY-ORG-1）。")
        if result.pack.content.get("rewards"):
            from chanye.rewards.services import do_compute_rewards

            last_year = timezone.localdate().year - 1
            rewards = do_compute_rewards(actor=access.system("chanye demo"), year=last_year)
            self.stdout.write(f"已按政策包奖补条款{rewards.summary()}（“奖补”页）。")
        self.stdout.write("\n演示账号（密码均为 " + DEMO_PASSWORD + "）：")
        for u in users:
            self.stdout.write(f"  {u.username:<10} {u.get_role_display():<12} {u.scope_label}")
        if not opts["no_serve"]:
            call_command("serve", port=opts["port"], no_migrate=True)
