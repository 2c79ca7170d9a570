from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.core.secretkey import weakness


def refuse_weak_secret_key() -> None:
    """Refuse to serve pages with an empty, short or published secret key (CommandError: message, exit 1)."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty key
        key = ""
    if reason := weakness(key):
        raise CommandError(
            f"拒绝启动网站：{reason}。请设置环境变量 CHANYE_SECRET_KEY（至少 50 个随机字符，例如用 "
            'python -c "import secrets; print(secrets.token_urlsafe(64))" 生成），'
            "或删除该变量，使用开发设置在数据目录中自动生成的密钥（var/secret_key）。"
        )


class Command(BaseCommand):
    help = "启动网站（waitress，多线程，静态文件由 WhiteNoise 提供）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")

    def handle(self, *args: Any, **opts: Any) -> None:
        refuse_weak_secret_key()
        from django.core.wsgi import get_wsgi_application
        from waitress import serve  # type: ignore[import-untyped]

        application = get_wsgi_application()  # the settings already in use (chanye.config.wsgi is for servers)

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"产业平台已启动：http://{opts['host']}:{opts['port']}/  （Ctrl+C 退出）")
        serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"], ident="chanye")
