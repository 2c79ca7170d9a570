"""What backup and restore share: the layout of a backup folder, the error and result types, and the database
helpers both engines use (the snapshot's row counts, migration state and referenced files; the audit row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

FORMAT = "chanye-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_DIR, MEDIA_DIR, DATA_SUBDIR, TREES_DIR = "database", "media", "data", "trees"
LAYOUT = (MANIFEST, DB_DIR, MEDIA_DIR, DATA_SUBDIR, TREES_DIR)
DB_FILES = {"sqlite": f"{DB_DIR}/chanye.sqlite3", "postgresql": f"{DB_DIR}/chanye.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Files of the data directory (settings.DATA_DIR) that belong to the installation and travel with a backup.
DATA_FILES = ("secret_key",)
# Tables `migrate` fills by itself (its bookkeeping, content types and permissions, the GB/T 4754 industry codes of
# industry.0002): a database with rows only in these holds no data of its own.
AUTO_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission", "industry_industrycode"})

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Tree:
    """A folder of files an app keeps beside the database (supply's invoice store), registered from its
    `AppConfig.ready()` so that a backup carries it: `root()` where it is now, `label` what it is in words."""

    name: str
    root: Callable[[], Any]  # -> pathlib.Path
    label: str


_TREES: dict[str, Tree] = {}


def register_tree(name: str, root: Callable[[], Any], label: str) -> None:
    _TREES[name] = Tree(name, root, label)


def trees() -> dict[str, Tree]:
    return dict(_TREES)


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
    tree_files: dict[str, int] = field(default_factory=dict)  # tree label → files restored
    data_files: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warning: str = ""

    @property
    def mismatches(self) -> list[tuple[str, int | None, int | None]]:
        return [c for c in self.counts if c[1] is not None and c[1] != c[2]]


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def timestamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def chanye_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chanye")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
        return "unknown"


def engine_of(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"只支持 SQLite 和 PostgreSQL 数据库的备份与恢复，当前数据库为 {vendor}。")
    return vendor


def file_fields() -> list[tuple[str, str]]:
    """(table, column) of every FileField: the columns naming uploaded files."""
    from django.apps import apps
    from django.db.models import FileField

    out = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        out += [(model._meta.db_table, f.column) for f in model._meta.concrete_fields if isinstance(f, FileField)]
    return out


def describe(
    query: Callable[[str], list[tuple[Any, ...]]], tables: list[str], columns: Callable[[str], set[str]]
) -> Snapshot:
    """Row counts, migration state and referenced files, read inside the snapshot by `query`."""
    counts = {t: int(query(f"SELECT count(*) FROM {quote_ident(t)}")[0][0]) for t in tables}
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        for app, name in query("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations.setdefault(app, []).append(name)
    referenced: set[str] = set()
    for table, column in file_fields():
        if table in counts and column in columns(table):
            col = quote_ident(column)
            rows = query(f"SELECT {col} FROM {quote_ident(table)} WHERE {col} IS NOT NULL AND {col} <> ''")
            referenced.update(r[0] for r in rows)
    return Snapshot(tables=counts, migrations=migrations, referenced=referenced)


def audit(alias: str, action: str, message: str) -> str:
    """Backup and restore are system actions: an audit row like core.audit.record(actor=None), on `alias`.
    Returns a warning when the row cannot be written (a database whose schema is not migrated)."""
    from chanye.core.models import AuditLog

    try:
        with transaction.atomic(using=alias):
            AuditLog.objects.using(alias).create(username="system", action=action, message=message)
    except DatabaseError as e:
        return f"未能写入审计日志（{e}）；数据库可能尚未迁移（chanye migrate）。"
    return ""
