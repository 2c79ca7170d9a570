"""The Django secret key outside production: random per installation, kept in the data directory; and the check
`chanye serve` runs so that no placeholder key ever serves pages (sessions, CSRF and password-reset tokens hang
on it). Imported by the settings: no Django import here."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

MIN_LENGTH = 50
# keys that have been published (this repository's old dev and test settings, Django's startproject prefix, habits)
PLACEHOLDERS = ("dev-only-not-secret", "test-only-not-secret", "django-insecure", "change-me", "changeme", "secret")


def load_or_create(path: Path) -> str:
    """The key in `path`, or a new random one written there once (mode 0600). Two processes starting together
    agree on one key: the file appears whole or not at all (hard link of a finished temporary file)."""
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= MIN_LENGTH:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    try:
        if path.exists():  # a short or empty file from an earlier failure: replace it
            os.replace(tmp, path)
            return key
        os.link(tmp, path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()  # another process won the race; use its key
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return key


def weakness(key: str | None) -> str | None:
    """Why `key` must not run a server (Chinese), or None when it may."""
    if not key:
        return "未设置密钥"
    if len(key) < MIN_LENGTH:
        return f"密钥只有 {len(key)} 个字符（至少需要 {MIN_LENGTH} 个随机字符）"
    if key.lower().startswith(PLACEHOLDERS):
        return "密钥是公开的示例或占位值"
    return None
