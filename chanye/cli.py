"""The `chanye` command: every Django management command plus chanye's own (demo, serve, pack, import, users)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chanye.config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    execute_from_command_line(["chanye", *args])


if __name__ == "__main__":
    main()
