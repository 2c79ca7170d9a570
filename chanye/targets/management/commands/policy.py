from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.targets.extract import extract_rewards, extract_targets, to_jsonl


class Command(BaseCommand):
    help = "从政策文本提取目标：chanye policy extract 文件.txt [--rewards]，每行输出一个 JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ex = sub.add_parser("extract", help="提取量化目标（--rewards 提取奖补条款）")
        ex.add_argument("file")
        ex.add_argument("--rewards", action="store_true", help="提取奖补条款而不是目标")

    def handle(self, *args, **opts) -> None:
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        data = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CommandError("无法识别文件编码（支持 UTF-8 和 GBK/GB18030）。")
        props = extract_rewards(text) if opts["rewards"] else extract_targets(text)
        out = to_jsonl(props)
        if out:
            self.stdout.write(out)
