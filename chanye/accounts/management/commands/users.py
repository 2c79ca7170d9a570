from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chanye.accounts import services
from chanye.accounts.models import Role, User
from chanye.core import access


class Command(BaseCommand):
    help = "用户管理：add 新增用户（密码从标准输入读取）、token 签发 API 令牌、unlock 解除锁定、list 列出用户"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="新增用户；密码从标准输入读取")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--region", help="区县/园区代码或名称（county_officer 必填）")
        add.add_argument("--enterprise", help="统一社会信用代码（enterprise 必填）")
        add.add_argument("--name", default="", help="姓名")
        tok = sub.add_parser("token", help="为用户签发 API 令牌并打印")
        tok.add_argument("username")
        unl = sub.add_parser("unlock", help="解除登录锁定")
        unl.add_argument("username")
        sub.add_parser("list", help="列出用户")

    def handle(self, *args, **opts) -> None:
        action = opts["action"]
        if action == "add":
            self._add(opts)
        elif action == "token":
            user = self._user(opts["username"])
            self.stdout.write(services.do_issue_token(actor=access.system("chanye users"), user=user))
        elif action == "unlock":
            services.do_unlock(actor=access.system("chanye users"), user=self._user(opts["username"]))
            self.stdout.write(f"已解除 {opts['username']} 的锁定。")
        else:
            for u in User.objects.select_related("region", "enterprise").order_by("username"):
                self.stdout.write(
                    f"{u.username}\t{u.get_role_display()}\t{u.scope_label}\t{'锁定' if u.is_locked else ''}"
                )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        return user

    def _add(self, opts: dict) -> None:
        from chanye.enterprises.models import Enterprise
        from chanye.regions.selectors import region_lookup

        region = enterprise = None
        if opts.get("region"):
            region = region_lookup().get(opts["region"].strip())
            if region is None:
                raise CommandError(f"找不到区域“{opts['region']}”（请用区划代码或名称，先加载政策包）。")
        if opts.get("enterprise"):
            enterprise = Enterprise.objects.filter(uscc=opts["enterprise"].strip().upper()).first()
            if enterprise is None:
                raise CommandError(f"找不到统一社会信用代码为 {opts['enterprise']} 的企业。")
        password = getpass.getpass("密码：") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("密码为空：请从标准输入提供密码，例如 echo '…' | chanye users add …")
        try:
            user = services.do_create_user(
                actor=access.system("chanye users"),
                username=opts["username"],
                password=password,
                role=opts["role"],
                region=region,
                enterprise=enterprise,
                full_name=opts.get("name") or "",
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from e
        self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}，{user.scope_label}）。")
