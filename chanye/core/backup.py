"""Backup and restore of a whole installation: the database, the uploaded files and the data directory's secret-key
file, in one self-describing folder (docs/operations.md).

Consistency: the database is copied first, as one snapshot (SQLite: the online backup API in a single step, i.e. one
read transaction, which in WAL mode does not block the web app's writers; PostgreSQL: pg_dump run inside an exported
REPEATABLE READ snapshot, in which the row counts, migration state and file references of the manifest are read
too). The uploaded files are copied after that. Files are only ever added (an upload is written to disk before the row
that names it is committed), so every file the snapshot refers to is already on disk when the files are copied; one
that is not is listed in the manifest as `missing_media` and printed as a warning. A file uploaded after the snapshot
may be in the backup without a row naming it; that is harmless.

A restore checks the manifest and every file's SHA-256 before it writes anything, refuses to replace a database or
upload folder that holds data unless forced, and puts the database in place in one step (SQLite: a verified copy
renamed over the old file; PostgreSQL: pg_restore --single-transaction), then the files (a staged folder renamed into
place), then runs migrate if the backup is older than the code and compares every table's row count.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections, transaction
from django.utils import timezone

FORMAT = "chanye-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_DIR, MEDIA_DIR, DATA_SUBDIR = "database", "media", "data"
LAYOUT = (MANIFEST, DB_DIR, MEDIA_DIR, DATA_SUBDIR)
DB_FILES = {"sqlite": f"{DB_DIR}/chanye.sqlite3", "postgresql": f"{DB_DIR}/chanye.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Files of the data directory (settings.DATA_DIR) that belong to the installation and travel with a backup.
DATA_FILES = ("secret_key",)
# Tables `migrate` fills by itself (its bookkeeping, content types and permissions, the GB/T 4754 industry codes of
# industry.0002): a database with rows only in these holds no data of its own.
AUTO_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission", "industry_industrycode"})
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """A refusal or failure, with a Chinese message that says what to do."""


@dataclass
class Snapshot:
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    referenced: set[str]
    server_version: str = ""


@dataclass
class RestoreReport:
    engine: str
    backup_time: str
    counts: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept_aside: list[str] = field(default_factory=list)
    media_files: int = 0
    data_files: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warning: str = ""

    @property
    def mismatches(self) -> list[tuple[str, int | None, int | None]]:
        return [c for c in self.counts if c[1] is not None and c[1] != c[2]]


# ---------------------------------------------------------------- helpers


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _copy_hashed(src: Path, dst: Path) -> tuple[int, str]:
    """Copy src to a new file dst (never overwriting), hashing the bytes written; returns (size, sha256)."""
    h = hashlib.sha256()
    size = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    with src.open("rb") as fin, dst.open("xb") as fout:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dst)
    return size, h.hexdigest()


def _files_under(root: Path) -> list[Path]:
    """Every regular file and symlink under root, sorted, without following directory symlinks."""
    if not root.is_dir():
        return []
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        base = Path(dirpath)
        out.extend(base / n for n in filenames)
        out.extend(base / d for d in dirnames if (base / d).is_symlink())
    return sorted(out)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _safe_rel(rel: Any) -> str:
    """A manifest path must stay inside the backup: relative, no '..', no empty parts."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        raise BackupError(f"manifest.json 中有不合法的路径：{rel!r}。该备份不可信，未写入任何数据。")
    p = PurePosixPath(rel)
    if p.is_absolute() or any(part in ("..", ".", "") for part in rel.split("/")):
        raise BackupError(f"manifest.json 中有不合法的路径：{rel!r}。该备份不可信，未写入任何数据。")
    return p.as_posix()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chanye")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
        return "unknown"


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"只支持 SQLite 和 PostgreSQL 数据库的备份与恢复，当前数据库为 {vendor}。")
    return vendor


def _file_fields() -> list[tuple[str, str]]:
    """(table, column) of every FileField: the columns naming uploaded files."""
    from django.apps import apps
    from django.db.models import FileField

    out = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        out += [(model._meta.db_table, f.column) for f in model._meta.concrete_fields if isinstance(f, FileField)]
    return out


def _describe(
    query: Callable[[str], list[tuple[Any, ...]]], tables: list[str], columns: Callable[[str], set[str]]
) -> Snapshot:
    """Row counts, migration state and referenced files, read inside the snapshot by `query`."""
    counts = {t: int(query(f"SELECT count(*) FROM {_quote(t)}")[0][0]) for t in tables}
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        for app, name in query("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations.setdefault(app, []).append(name)
    referenced: set[str] = set()
    for table, column in _file_fields():
        if table in counts and column in columns(table):
            col = _quote(column)
            rows = query(f"SELECT {col} FROM {_quote(table)} WHERE {col} IS NOT NULL AND {col} <> ''")
            referenced.update(r[0] for r in rows)
    return Snapshot(tables=counts, migrations=migrations, referenced=referenced)


# ---------------------------------------------------------------- PostgreSQL connection parameters

_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def pg_params(sd: dict[str, Any]) -> dict[str, str]:
    """libpq keywords (dbname, host, port, user, password, sslmode …) from a Django database settings dict."""
    params = {"dbname": sd.get("NAME"), "host": sd.get("HOST"), "port": sd.get("PORT"), "user": sd.get("USER")}
    params["password"] = sd.get("PASSWORD")
    for key in _PG_OPTION_ENV:
        params[key] = (sd.get("OPTIONS") or {}).get(key)
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def _pg_env(sd: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the password in PGPASSWORD, never on the command line."""
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = dict(os.environ)  # libpq reads the other PG* variables for Django's connection too
    env.update({(names | _PG_OPTION_ENV)[k]: v for k, v in pg_params(sd).items()})
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"找不到 {name}。PostgreSQL 的备份与恢复需要 {name}（Debian/Ubuntu：apt-get install postgresql-client，"
            "版本不低于数据库服务器），并确保它在 PATH 中。"
        )
    return path


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        detail = (r.stderr or r.stdout).strip()[-2000:]
        raise BackupError(f"{what}失败（{Path(cmd[0]).name} 返回 {r.returncode}）：\n{detail}")


# ---------------------------------------------------------------- backup


def _sqlite_snapshot(name: str, dest: Path, progress: Progress) -> Snapshot:
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
        snap = _describe(query, tables, lambda t: {r[1] for r in query(f"PRAGMA table_info({_quote(t)})")})
        snap.server_version = sqlite3.sqlite_version
        return snap
    finally:
        dst.close()
        src.close()


def _pg_snapshot(sd: dict[str, Any], dest: Path, progress: Progress) -> Snapshot:
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    progress(f"正在导出 PostgreSQL 数据库 {sd.get('NAME')}（pg_dump，自定义格式）…")
    with psycopg.connect(**pg_params(sd), autocommit=False) as conn:  # type: ignore[arg-type]
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True

        def query(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
            return conn.execute(sql, params).fetchall()

        snapshot_id = query("SELECT pg_export_snapshot()")[0][0]
        tables = [r[0] for r in query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
        snap = _describe(
            query,
            tables,
            lambda t: {
                r[0]
                for r in query(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s",
                    (t,),
                )
            },
        )
        snap.server_version = str(query("SHOW server_version")[0][0])
        # pg_dump reads the same snapshot while this transaction stays open.
        cmd = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot_id}", f"--file={dest}"]
        _run(cmd, _pg_env(sd), "pg_dump 导出数据库")
        conn.rollback()
    return snap


def _refuse_inside_media(path: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve() == media_root or media_root in path.resolve().parents:
        raise BackupError(
            f"备份目录 {path} 在上传文件目录 {media_root} 之内，不能使用。请放在数据目录之外（最好是另一块磁盘）。"
        )


def _prepare_out(out: Path, force: bool, progress: Progress) -> None:
    if out.exists() and not out.is_dir():
        raise BackupError(f"{out} 已存在且不是目录。请指定一个新目录。")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise BackupError(
                f"备份目录 {out} 不是空的，未写入任何内容。请换一个新目录（例如按日期命名："
                f"--out {out}/$(date +%Y%m%d-%H%M)），或加 --force 覆盖其中原有的备份。"
            )
        removed = []
        for name in LAYOUT:
            p = out / name
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
                removed.append(name)
            elif p.exists() or p.is_symlink():
                p.unlink()
                removed.append(name)
        if removed:
            progress(f"--force：已删除 {out} 中原有的备份内容（{'、'.join(removed)}）。")
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o700)  # the backup holds personal data and possibly the secret key


def make_backup(
    out: Path, *, alias: str = "default", force: bool = False, progress: Progress = print
) -> dict[str, Any]:
    """Write one backup folder; returns its manifest (plus `summary` figures for the command's report)."""
    t0 = time.monotonic()
    engine = _engine(alias)
    sd = connections[alias].settings_dict
    out = Path(out).absolute()
    _refuse_inside_media(out)
    _prepare_out(out, force, progress)
    (out / DB_DIR).mkdir()
    db_rel = DB_FILES[engine]
    db_path = out / db_rel
    created_at = timezone.localtime()
    if engine == "sqlite":
        snap = _sqlite_snapshot(sd["NAME"], db_path, progress)
        source = str(Path(sd["NAME"]).absolute())
    else:
        snap = _pg_snapshot(sd, db_path, progress)
        source = f"{sd.get('NAME')}@{sd.get('HOST') or 'localhost'}:{sd.get('PORT') or 5432}"
    db_entry: dict[str, Any] = {"path": db_rel, "size": db_path.stat().st_size, "sha256": sha256_file(db_path)}
    progress(
        f"数据库已复制：{len(snap.tables)} 张表，共 {sum(snap.tables.values()):,} 行，"
        f"{human_size(db_entry['size'])}，用时 {time.monotonic() - t0:.1f} 秒。"
    )

    # Files after the snapshot: everything the snapshot names was on disk before its row was committed.
    media_root = Path(settings.MEDIA_ROOT)
    sources = _files_under(media_root)
    warnings: list[str] = []
    media: list[dict[str, Any]] = []
    total_bytes, last = 0, time.monotonic()
    if sources:
        progress(f"正在复制上传文件：{len(sources):,} 个 …")
    for i, src in enumerate(sources, 1):
        rel = _rel(src, media_root)
        if src.is_symlink() or not src.is_file():
            warnings.append(f"跳过符号链接或特殊文件：{media_root / rel}")
            continue
        try:
            size, digest = _copy_hashed(src, out / MEDIA_DIR / rel)
        except FileNotFoundError:  # removed since the folder was listed; if the snapshot names it, it is `missing`
            continue
        media.append({"path": rel, "size": size, "sha256": digest})
        total_bytes += size
        if time.monotonic() - last > 2 or i == len(sources):
            progress(f"  已复制 {i:,}/{len(sources):,} 个文件（{human_size(total_bytes)}）")
            last = time.monotonic()
    missing = sorted(snap.referenced - {m["path"] for m in media})
    if missing:
        warnings.append(
            f"数据库引用的 {len(missing)} 个上传文件在 {media_root} 中不存在（备份前就已缺失，未能备份）："
            + "、".join(missing[:20])
            + ("…" if len(missing) > 20 else "")
        )

    data_files: list[dict[str, Any]] = []
    data_dir = Path(settings.DATA_DIR)
    for name in DATA_FILES:
        p = data_dir / name
        if p.is_file() and not p.is_symlink():
            size, digest = _copy_hashed(p, out / DATA_SUBDIR / name)
            (out / DATA_SUBDIR / name).chmod(0o600)
            data_files.append({"path": name, "size": size, "sha256": digest})

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(timespec="seconds"),
        "duration_seconds": round(time.monotonic() - t0, 2),
        "chanye_version": _version(),
        "django_version": __import__("django").get_version(),
        "engine": engine,
        "engine_version": snap.server_version,
        "source": {"database": source, "data_dir": str(data_dir.absolute()), "media_root": str(media_root.absolute())},
        "consistency": (
            "database snapshot first (one read transaction), uploaded files copied after it; "
            "missing_media lists files the snapshot names that were not on disk"
        ),
        "database": db_entry,
        "migrations": snap.migrations,
        "tables": snap.tables,
        "media": media,
        "missing_media": missing,
        "data_files": data_files,
    }
    tmp = out / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)  # written last: a folder without manifest.json is an unfinished backup
    seconds = time.monotonic() - t0
    manifest["summary"] = {
        "out": str(out),
        "bytes": sum(p.stat().st_size for p in _files_under(out)),
        "media_bytes": total_bytes,
        "rows": sum(snap.tables.values()),
        "seconds": seconds,
        "warnings": warnings,
    }
    note = _audit(
        alias,
        "export",
        f"整库备份到 {out}：{len(snap.tables)} 张表，{len(media)} 个上传文件（备份时间 {manifest['created_at']}）",
    )
    if note:
        warnings.append(note)
    return manifest


def _audit(alias: str, action: str, message: str) -> str:
    """Backup and restore are system actions: an audit row like core.audit.record(actor=None), on `alias`.
    Returns a warning when the row cannot be written (a database whose schema is not migrated)."""
    from chanye.core.models import AuditLog

    try:
        with transaction.atomic(using=alias):
            AuditLog.objects.using(alias).create(username="system", action=action, message=message)
    except DatabaseError as e:
        return f"未能写入审计日志（{e}）；数据库可能尚未迁移（chanye migrate）。"
    return ""


# ---------------------------------------------------------------- restore: checks before anything is written


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
        entries = [m["database"], *m["media"], *m["data_files"]]
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


def verify_backup(src: Path, manifest: dict[str, Any]) -> None:
    """Every listed file present with its size and SHA-256, and no file that the manifest does not list."""
    src = Path(src)
    expected = {manifest["database"]["path"]: manifest["database"]}
    expected |= {f"{MEDIA_DIR}/{e['path']}": e for e in manifest["media"]}
    expected |= {f"{DATA_SUBDIR}/{e['path']}": e for e in manifest["data_files"]}
    problems = []
    for rel, e in sorted(expected.items()):
        p = src / rel
        if p.is_symlink() or not p.is_file():
            problems.append(f"缺少文件：{rel}")
        elif p.stat().st_size != e["size"] or sha256_file(p) != e["sha256"]:
            problems.append(f"文件内容与清单不符（被修改或已损坏）：{rel}")
    for sub in (DB_DIR, MEDIA_DIR, DATA_SUBDIR):
        for p in _files_under(src / sub):
            if _rel(p, src) not in expected:
                problems.append(f"清单中没有的文件：{_rel(p, src)}")
    for sub in (DB_DIR, MEDIA_DIR, DATA_SUBDIR):
        if (src / sub).is_symlink():
            problems.append(f"{sub} 是符号链接")
    if problems:
        shown = "\n  ".join(problems[:20]) + (f"\n  …（共 {len(problems)} 处）" if len(problems) > 20 else "")
        raise BackupError(
            f"备份校验未通过，未写入任何数据：\n  {shown}\n请换用另一份完好的备份（备份目录不要手工修改）。"
        )


def _check_engine(manifest: dict[str, Any], engine: str) -> None:
    if manifest["engine"] != engine:
        have, need = ENGINE_NAMES[engine], ENGINE_NAMES[manifest["engine"]]
        raise BackupError(
            f"这份备份来自 {need} 数据库，只能恢复到 {need}；当前配置的是 {have}。"
            f"不支持跨数据库类型恢复：请按备份的类型设置 DATABASE_URL"
            f"（{'不设置 DATABASE_URL 即为 SQLite' if need == 'SQLite' else 'postgres://用户@主机:5432/库名'}）后再恢复。"
        )


def _check_migrations_known(manifest: dict[str, Any]) -> None:
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


def _target_tables(alias: str, engine: str) -> dict[str, int] | None:
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
            return {t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0] for t in names}
        finally:
            conn.close()
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            out = {}
            for t in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT count(*) FROM {_quote(t)}")
                out[t] = cursor.fetchone()[0]
    except OperationalError as e:
        raise BackupError(
            f"无法连接目标数据库 {sd.get('NAME')}（{e}）。请先创建这个空数据库（例如 createdb {sd.get('NAME')}），"
            "并检查 DATABASE_URL。未写入任何数据。"
        ) from e
    finally:
        connection.close()
    return out


# ---------------------------------------------------------------- restore: writing


def _restore_sqlite(
    src: Path, manifest: dict[str, Any], alias: str, held_data: bool, stamp: str, report: RestoreReport
) -> None:
    target = Path(connections[alias].settings_dict["NAME"]).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        _, digest = _copy_hashed(src / manifest["database"]["path"], tmp)
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
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _restore_pg(src: Path, manifest: dict[str, Any], alias: str, existing: dict[str, int]) -> None:
    pg_restore = _pg_tool("pg_restore")
    sd = connections[alias].settings_dict
    connections[alias].close()
    cmd = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password"]
    if existing:
        cmd += ["--clean", "--if-exists"]
    cmd += [f"--dbname={sd['NAME']}", str(src / manifest["database"]["path"])]
    _run(cmd, _pg_env(sd), "pg_restore 恢复数据库（数据库未改变）")
    # chanye's tables the old database had and the backup has not (created by newer migrations) would stop `migrate`;
    # tables that are not chanye's are left alone.
    connection = connections[alias]
    ours = set(connection.introspection.django_table_names(include_views=False)) | {"django_migrations"}
    extra = sorted((set(existing) & ours) - set(manifest["tables"]))
    if extra:
        with connection.cursor() as cursor:
            for t in extra:
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(t)} CASCADE")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stage_media(src: Path, manifest: dict[str, Any], staging: Path, progress: Progress) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    entries = manifest["media"]
    if entries:
        progress(f"正在复制上传文件：{len(entries):,} 个 …")
    last = time.monotonic()
    for i, e in enumerate(entries, 1):
        _, digest = _copy_hashed(src / MEDIA_DIR / e["path"], staging / e["path"])
        if digest != e["sha256"]:
            raise BackupError(f"复制过程中文件内容发生变化：{e['path']}。未写入任何数据。")
        if time.monotonic() - last > 2 or i == len(entries):
            progress(f"  已复制 {i:,}/{len(entries):,} 个文件")
            last = time.monotonic()


def restore_backup(
    src: Path, *, alias: str = "default", force: bool = False, progress: Progress = print
) -> RestoreReport:
    """Verify, refuse or announce what is replaced, restore database then files, migrate if behind, compare."""
    t0 = time.monotonic()
    src = Path(src).absolute()
    engine = _engine(alias)
    _refuse_inside_media(src)
    manifest = read_manifest(src)
    _check_engine(manifest, engine)
    _check_migrations_known(manifest)
    progress(f"正在校验备份（{len(manifest['media']) + len(manifest['data_files']) + 1:,} 个文件的 SHA-256）…")
    verify_backup(src, manifest)
    progress("备份校验通过。")
    report = RestoreReport(engine=engine, backup_time=manifest["created_at"])

    existing = _target_tables(alias, engine)
    data_rows = {t: n for t, n in (existing or {}).items() if n and t not in AUTO_TABLES}
    media_root = Path(settings.MEDIA_ROOT).absolute()
    old_media = _files_under(media_root)
    held_data = bool(data_rows or old_media)
    db_label = connections[alias].settings_dict["NAME"]
    if data_rows:
        top = sorted(data_rows.items(), key=lambda kv: -kv[1])
        report.replaced.append(
            f"数据库 {db_label}：{len(data_rows)} 张表有数据，共 {sum(data_rows.values()):,} 行（"
            + "，".join(f"{t} {n:,} 行" for t, n in top[:30])
            + ("…" if len(top) > 30 else "")
            + "）"
        )
    if old_media:
        report.replaced.append(f"上传文件目录 {media_root}：{len(old_media):,} 个文件")
    if held_data and not force:
        raise BackupError(
            "目标已有数据，未写入任何内容：\n  "
            + "\n  ".join(report.replaced)
            + "\n确认要用备份替换它们，请加 --force（SQLite 数据库和上传文件目录会被改名保留在原处；"
            "PostgreSQL 数据库会被清空后恢复，如需保留请先 chanye backup）。"
        )
    if held_data:
        progress("--force：将被替换的内容：\n  " + "\n  ".join(report.replaced))

    stamp = _stamp()
    staging = media_root.parent / f".{media_root.name}.restoring-{os.getpid()}"
    media_root.parent.mkdir(parents=True, exist_ok=True)
    try:
        _stage_media(src, manifest, staging, progress)
        progress(f"正在恢复数据库（{ENGINE_NAMES[engine]}）…")
        if engine == "sqlite":
            _restore_sqlite(src, manifest, alias, bool(data_rows), stamp, report)
        else:
            _restore_pg(src, manifest, alias, existing or {})
        progress("数据库已恢复。")
        if media_root.exists():
            if old_media:
                aside = media_root.with_name(f"{media_root.name}.replaced-{stamp}")
                os.replace(media_root, aside)
                report.kept_aside.append(str(aside))
            else:
                shutil.rmtree(media_root)
        os.replace(staging, media_root)
        report.media_files = len(manifest["media"])
    finally:
        if staging.exists():
            shutil.rmtree(staging)

    data_dir = Path(settings.DATA_DIR)
    for e in manifest["data_files"]:
        dest = data_dir / e["path"]
        if dest.is_file() and sha256_file(dest) == e["sha256"]:
            continue
        tmp = dest.with_name(f".{dest.name}.restoring-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        data_dir.mkdir(parents=True, exist_ok=True)
        _copy_hashed(src / DATA_SUBDIR / e["path"], tmp)
        tmp.chmod(0o600)
        if dest.exists():
            aside = dest.with_name(f"{dest.name}.replaced-{stamp}")
            os.replace(dest, aside)
            report.kept_aside.append(str(aside))
        os.replace(tmp, dest)
        report.data_files.append(e["path"])

    report.migrated = _migrate_if_behind(alias, progress)
    report.counts = _compare_counts(alias, manifest["tables"])
    report.missing_media = list(manifest.get("missing_media") or [])
    report.seconds = time.monotonic() - t0
    report.warning = _audit(
        alias,
        "import",
        f"从备份恢复：{src}（备份时间 {manifest['created_at']}，{ENGINE_NAMES[engine]}，"
        f"{len(manifest['tables'])} 张表，{report.media_files} 个上传文件）"
        + (f"，并执行了 {len(report.migrated)} 个迁移" if report.migrated else ""),
    )
    return report


def _migrate_if_behind(alias: str, progress: Progress) -> list[str]:
    """A backup from older code: apply the migrations it lacks, and say so."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[alias]
    connection.close()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards]
    if names:
        progress(f"备份来自较早的版本：数据库还缺 {len(names)} 个迁移，正在执行 chanye migrate …")
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        progress("迁移完成：" + "、".join(names[:10]) + ("…" if len(names) > 10 else ""))
    return names


def _compare_counts(alias: str, expected: dict[str, int]) -> list[tuple[str, int | None, int | None]]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = set(connection.introspection.table_names(cursor))
        rows = []
        for t in sorted(names | set(expected)):
            if t.startswith("sqlite_"):
                continue
            actual = None
            if t in names:
                cursor.execute(f"SELECT count(*) FROM {_quote(t)}")
                actual = cursor.fetchone()[0]
            rows.append((t, expected.get(t), actual))
    return rows
