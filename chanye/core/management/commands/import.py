from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core import access
from chanye.core.imports import registry
from chanye.core.imports.runner import STALE_REASON, expire_stale_batches, run_import


class Command(BaseCommand):
    help = "导入 Excel/CSV（可导入的类型见下，均由各模块登记）。先校验整个文件，有任何错误则不写入。"

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kinds = "，".join(
            [f"{k.kind} {k.title}" for k in registry.kinds()] + [f"{r.kind} {r.label}" for r in registry.file_runners()]
        )
        self.help = f"导入 Excel/CSV：{kinds}。先校验整个文件，有任何错误则不写入。"
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=registry.names() + [r.kind for r in registry.file_runners()])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        for o in registry.options():
            parser.add_argument(
                f"--{o.name.replace('_', '-')}",
                dest=o.name,
                choices=[v for v, _ in o.choices],
                default=o.default,
                help=o.help or o.label,
            )
        parser.add_argument("--user", help="以该用户身份导入（默认系统操作，不受区县范围限制）")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        user: Any = access.system("chanye import")
        if opts.get("user"):
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"用户“{opts['user']}”不存在。")
        last = [-1]

        def progress(pct: int) -> None:
            if sys.stderr.isatty() and pct != last[0]:
                last[0] = pct
                bar = "#" * (pct // 5)
                sys.stderr.write(f"\r[{bar:<20}] {pct:3d}%")
                sys.stderr.flush()

        runner = registry.file_runner(opts["kind"])
        if runner is not None:
            self._run_file(runner, path, user, opts["dry_run"], progress)
            return
        ended = expire_stale_batches()
        if ended:
            self.stderr.write(f"提示：{ended} 个中断的导入批次已标记为失败（{STALE_REASON}）")
        outcome = run_import(
            opts["kind"],
            data=path.read_bytes(),
            filename=path.name,
            user=user,
            dry_run=opts["dry_run"],
            options={o.name: opts[o.name] for o in registry.options()},
            progress=progress,
        )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        b = outcome.batch
        for w in outcome.warnings[:50]:
            self.stdout.write(f"提示：{w}")
        if outcome.errors:
            for e in outcome.errors:
                self.stderr.write(str(e))
            raise CommandError(f"校验未通过：共 {len(outcome.errors)} 处错误，未写入任何数据（{b.rows} 行）。")
        if opts["dry_run"]:
            self.stdout.write(f"校验通过：{b.rows} 行，未写入（--dry-run）。")
        else:
            self.stdout.write(f"导入完成：{b.rows} 行，新增 {b.created}，更新 {b.updated}，未变 {b.unchanged}。")
        for n in outcome.summary:
            self.stdout.write(("注意：" if n["level"] == "warning" else "说明：") + n["text"])

    def _run_file(self, runner: registry.FileRunner, path: Path, user: Any, dry_run: bool, progress: Any) -> None:
        """A kind with a file runner of its own (large files read from disk, not into memory)."""
        outcome = runner.run(path, user=user, dry_run=dry_run, progress=progress)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        b = outcome.batch
        for n in outcome.summary:
            self.stdout.write(("注意：" if n["level"] == "warning" else "说明：") + n["text"])
        if not outcome.ok:
            for e in outcome.errors:
                where = f"第{e['row']}行" if e["row"] else "文件"
                col = f"［{e['column']}］" if e["column"] else ""
                val = f"值“{e['value']}”" if e["value"] else ""
                self.stderr.write(f"{where}{col}{val}：{e['message']}")
            raise CommandError(f"校验未通过，未写入任何数据（{b.rows} 行）。")
        if dry_run:
            self.stdout.write(f"校验通过：{b.rows} 行，未写入（--dry-run）。")
        else:
            self.stdout.write(f"导入完成：{b.rows} 行，保存 {b.created} 行。")
