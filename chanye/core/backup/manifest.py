"""The manifest of a backup and the checks a restore makes before it writes anything: a readable, trusted manifest,
every file's size and SHA-256, the same engine, no migration newer than the code, and what the target holds."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path, PurePosixPath
from typing import Any

from django.db import OperationalError, connections

from chanye.core.backup.common import (
    DATA_FILES,
    DATA_SUBDIR,
    DB_DIR,
    DB_FILES,
    ENGINE_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    TREES_DIR,
    BackupError,
    quote_ident,
)
from chanye.core.backup.files import files_under, rel_path, sha256_file


def _safe_rel(rel: Any) -> str:
    """A manifest path must stay inside the backup: relative, no '..', no empty parts."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        raise BackupError(f"manifest.json 中有不合法的路径：{rel!r}。该备份不可信，未写入任何数据。")
    p = PurePosixPath(rel)
    if p.is_absolute() or any(part in ("..", ".", "") for part in rel.split("/")):
        raise BackupError(f"manifest.json 中有不合法的路径：{rel!r}。该备份不可信，未写入任何数据。")
    return p.as_posix()


def read_manifest(src: Path) -> dict[str, Any]:
    src = Path(src)
    if not src.is_dir():
        raise BackupError(f"备份目录不存在：{src}")
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{src} 中没有 manifest.json：它不是 chanye 备份，或是一次没有完成的备份。请换用一个完整的备份。"
        )
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BackupError(f"manifest.json 无法读取（{e}），备份已损坏。未写入任何数据。") from e
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise BackupError(f"{src} 不是 chanye 备份（manifest.json 的 format 不是 {FORMAT}）。")
    if not isinstance(m.get("format_version"), int) or m["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {m.get('format_version')} 比当前 chanye 支持的版本 {FORMAT_VERSION} 新，请先升级 chanye。"
        )
    try:
        if m["engine"] not in DB_FILES or not isinstance(m["tables"], dict) or not isinstance(m["migrations"], dict):
            raise KeyError("engine")
        _check_trees(m)
        entries = [m["database"], *m["media"], *m["data_files"], *(e for es in m["trees"].values() for e in es)]
        for entry in entries:
            entry["path"] = _safe_rel(entry["path"])
            if not isinstance(entry["size"], int) or not isinstance(entry["sha256"], str):
                raise KeyError("size")
        if m["database"]["path"] != DB_FILES[m["engine"]]:
            raise KeyError("database")
        for entry in m["data_files"]:
            if entry["path"] not in DATA_FILES:
                raise BackupError(
                    f"manifest.json 列出了未知的数据目录文件：{entry['path']}。该备份不可信，未写入任何数据。"
                )
    except (KeyError, TypeError, AttributeError) as e:
        raise BackupError(f"manifest.json 缺少或含有不合法的项目（{e}），备份已损坏。未写入任何数据。") from e
    return m


def _check_trees(m: dict[str, Any]) -> None:
    """The registered folders' entries (`trees`: name → files); a backup made before there were any has none."""
    m.setdefault("trees", {})
    if not isinstance(m["trees"], dict):
        raise KeyError("trees")
    for name in m["trees"]:
        if "/" in _safe_rel(name):
            raise KeyError("trees")


def verify_backup(src: Path, manifest: dict[str, Any]) -> None:
    """Every listed file present with its size and SHA-256, and no file that the manifest does not list."""
    src = Path(src)
    expected = {manifest["database"]["path"]: manifest["database"]}
    expected |= {f"{MEDIA_DIR}/{e['path']}": e for e in manifest["media"]}
    expected |= {f"{DATA_SUBDIR}/{e['path']}": e for e in manifest["data_files"]}
    expected |= {f"{TREES_DIR}/{name}/{e['path']}": e for name, es in manifest["trees"].items() for e in es}
    problems = []
    for rel, e in sorted(expected.items()):
        p = src / rel
        if p.is_symlink() or not p.is_file():
            problems.append(f"缺少文件：{rel}")
        elif p.stat().st_size != e["size"] or sha256_file(p) != e["sha256"]:
            problems.append(f"文件内容与清单不符（被修改或已损坏）：{rel}")
    for sub in (DB_DIR, MEDIA_DIR, DATA_SUBDIR, TREES_DIR):
        for p in files_under(src / sub):
            if rel_path(p, src) not in expected:
                problems.append(f"清单中没有的文件：{rel_path(p, src)}")
    for sub in (DB_DIR, MEDIA_DIR, DATA_SUBDIR, TREES_DIR):
        if (src / sub).is_symlink():
            problems.append(f"{sub} 是符号链接")
    if problems:
        shown = "\n  ".join(problems[:20]) + (f"\n  …（共 {len(problems)} 处）" if len(problems) > 20 else "")
        raise BackupError(
            f"备份校验未通过，未写入任何数据：\n  {shown}\n请换用另一份完好的备份（备份目录不要手工修改）。"
        )


def check_engine(manifest: dict[str, Any], engine: str) -> None:
    if manifest["engine"] != engine:
        have, need = ENGINE_NAMES[engine], ENGINE_NAMES[manifest["engine"]]
        raise BackupError(
            f"这份备份来自 {need} 数据库，只能恢复到 {need}；当前配置的是 {have}。"
            f"不支持跨数据库类型恢复：请按备份的类型设置 DATABASE_URL"
            f"（{'不设置 DATABASE_URL 即为 SQLite' if need == 'SQLite' else 'postgres://用户@主机:5432/库名'}）后再恢复。"
        )


def check_migrations_known(manifest: dict[str, Any]) -> None:
    """A backup made by newer code (a migration this code does not have) cannot be restored into it."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names]
    unknown = [k for k in unknown if tuple(k.split(".", 1)) not in known]
    if unknown:
        raise BackupError(
            f"这份备份来自较新的 chanye（版本 {manifest.get('chanye_version')}），包含当前代码没有的数据库迁移："
            f"{'、'.join(unknown[:10])}。请先把 chanye 升级到不低于该版本，再恢复。未写入任何数据。"
        )


def target_tables(alias: str, engine: str) -> dict[str, int] | None:
    """Row counts of the target database's tables (None: no database at all)."""
    sd = connections[alias].settings_dict
    if engine == "sqlite":
        path = Path(sd["NAME"])
        if str(sd["NAME"]) in ("", ":memory:") or "mode=memory" in str(sd["NAME"]):
            raise BackupError("内存中的 SQLite 数据库不能恢复，请配置数据库文件。")
        if not path.exists():
            return None
        conn = sqlite3.connect(path, timeout=30)
        try:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            names = [t for t in names if not t.startswith("sqlite_")]
            return {t: conn.execute(f"SELECT count(*) FROM {quote_ident(t)}").fetchone()[0] for t in names}
        finally:
            conn.close()
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            out = {}
            for t in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT count(*) FROM {quote_ident(t)}")
                out[t] = cursor.fetchone()[0]
    except OperationalError as e:
        raise BackupError(
            f"无法连接目标数据库 {sd.get('NAME')}（{e}）。请先创建这个空数据库（例如 createdb {sd.get('NAME')}），"
            "并检查 DATABASE_URL。未写入任何数据。"
        ) from e
    finally:
        connection.close()
    return out


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Write manifest.json in one step (a temporary file renamed into place)."""
    tmp = out / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
