"""SQLite: the snapshot (the online backup API in one step) and the restore (a verified copy renamed over the
database file, the old one kept aside when it held data)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from django.db import connections

from chanye.core.backup.common import BackupError, Progress, RestoreReport, Snapshot, describe, human_size, quote_ident
from chanye.core.backup.files import copy_hashed, fsync_dir


def snapshot(name: str, dest: Path, progress: Progress) -> Snapshot:
    src_path = Path(name)
    if not src_path.is_file():
        raise BackupError(f"数据库文件不存在：{src_path}。请检查 CHANYE_DATA_DIR / DATABASE_URL。")
    progress(f"正在复制数据库 {src_path}（{human_size(src_path.stat().st_size)}）…")
    src = sqlite3.connect(src_path, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        # pages=-1: the whole database in one step, i.e. inside one read transaction: a consistent copy. In WAL mode
        # the web app keeps writing meanwhile (a chunked copy would restart after every write by another connection).
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
        if (check := dst.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise BackupError(
                f"数据库副本校验未通过（{check}），请检查源数据库：sqlite3 {src_path} 'PRAGMA integrity_check'"
            )

        def query(sql: str) -> list[tuple[Any, ...]]:
            return dst.execute(sql).fetchall()

        tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        tables = [t for t in tables if not t.startswith("sqlite_")]
        snap = describe(query, tables, lambda t: {r[1] for r in query(f"PRAGMA table_info({quote_ident(t)})")})
        snap.server_version = sqlite3.sqlite_version
        return snap
    finally:
        dst.close()
        src.close()


def restore(
    src: Path, manifest: dict[str, Any], alias: str, held_data: bool, stamp: str, report: RestoreReport
) -> None:
    target = Path(connections[alias].settings_dict["NAME"]).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        _, digest = copy_hashed(src / manifest["database"]["path"], tmp)
        if digest != manifest["database"]["sha256"]:
            raise BackupError("复制过程中数据库文件内容发生变化，未写入任何数据。请确认没有其他程序在修改备份目录。")
        connections[alias].close()
        if target.exists():
            conn = sqlite3.connect(target, timeout=30)  # fold the WAL into the old file before it is moved
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        for suffix in ("", "-wal", "-shm"):
            old = Path(f"{target}{suffix}")
            if not old.exists():
                continue
            if held_data:
                aside = Path(f"{target}.replaced-{stamp}{suffix}")
                os.replace(old, aside)
                if not suffix:
                    report.kept_aside.append(str(aside))
            else:
                old.unlink()
        os.replace(tmp, target)  # atomic: the database is the old one or the whole restored one
        fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
