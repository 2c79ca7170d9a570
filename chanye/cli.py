"""The `chanye` command: every Django management command plus chanye's own (demo, serve, pack, import, users)."""

from __future__ import annotations

import os
import sys

EXIT_BUSY = 75  # EX_TEMPFAIL: try again later


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chanye.config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    try:
        execute_from_command_line(["chanye", *args])
    except Exception as exc:
        from chanye.core.errors import is_database_busy

        if not is_database_busy(exc):
            raise
        sys.stderr.write("数据库正忙：另一个程序（例如导入、分析或网站上的保存）正在写入数据库，请稍后重试。\n")
        sys.exit(EXIT_BUSY)


if __name__ == "__main__":
    main()
