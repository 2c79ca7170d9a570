from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core import access
from chanye.industry import diff, schema, services


class Command(BaseCommand):
    help = "政策包：load 加载或更新（幂等），diff 比较两个政策包，check 只校验"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="加载或更新政策包（重复加载不产生变化）")
        load.add_argument("file")
        d = sub.add_parser("diff", help="比较两个政策包")
        d.add_argument("a")
        d.add_argument("b")
        c = sub.add_parser("check", help="只校验政策包，不写入")
        c.add_argument("file")

    def handle(self, *args, **opts) -> None:
        try:
            if opts["action"] == "load":
                result = services.do_load_pack(actor=access.system("chanye pack load"), path=opts["file"])
                self.stdout.write(f"已加载政策包 {result.pack.code}（{result.pack.name}）：{result.summary()}")
            elif opts["action"] == "check":
                spec = schema.read(opts["file"])
                self.stdout.write(f"校验通过：{spec.id}，{len(spec.clusters)} 个一级集群，{len(spec.targets)} 个目标。")
            else:
                a, b = schema.read(opts["a"]), schema.read(opts["b"])
                lines = diff.diff_packs(a, b)
                self.stdout.write(f"比较 {a.id} → {b.id}：{len(lines)} 处变化")
                for line in lines:
                    self.stdout.write(f"  {line}")
        except schema.PackError as e:
            raise CommandError(str(e)) from e
