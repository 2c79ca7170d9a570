from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动网站（waitress，多线程，静态文件由 WhiteNoise 提供）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")

    def handle(self, *args, **opts) -> None:
        from waitress import serve

        from chanye.config.wsgi import application

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"产业平台已启动：http://{opts['host']}:{opts['port']}/  （Ctrl+C 退出）")
        serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="chanye")
