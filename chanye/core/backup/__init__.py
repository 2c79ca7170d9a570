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

import os
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from chanye.core.backup import postgres, sqlite
from chanye.core.backup.common import (
    AUTO_TABLES,
    DB_DIR,
    DB_FILES,
    ENGINE_NAMES,
    FORMAT,
    FORMAT_VERSION,
    TREES_DIR,
    BackupError,
    Progress,
    RestoreReport,
    audit,
    chanye_version,
    engine_of,
    human_size,
    quote_ident,
    timestamp,
    trees,
)
from chanye.core.backup.files import (
    copy_data_files,
    copy_media,
    copy_tree,
    files_under,
    prepare_out,
    refuse_inside_media,
    restore_data_files,
    sha256_file,
    stage_media,
    stage_tree,
)
from chanye.core.backup.manifest import (
    check_engine,
    check_migrations_known,
    read_manifest,
    target_tables,
    verify_backup,
    write_manifest,
)


def make_backup(
    out: Path, *, alias: str = "default", force: bool = False, progress: Progress = print
) -> dict[str, Any]:
    """Write one backup folder; returns its manifest (plus `summary` figures for the command's report)."""
    t0 = time.monotonic()
    engine = engine_of(alias)
    sd = connections[alias].settings_dict
    out = Path(out).absolute()
    refuse_inside_media(out)
    prepare_out(out, force, progress)
    (out / DB_DIR).mkdir()
    db_rel = DB_FILES[engine]
    db_path = out / db_rel
    created_at = timezone.localtime()
    if engine == "sqlite":
        snap = sqlite.snapshot(sd["NAME"], db_path, progress)
        source = str(Path(sd["NAME"]).absolute())
    else:
        snap = postgres.snapshot(sd, db_path, progress)
        source = f"{sd.get('NAME')}@{sd.get('HOST') or 'localhost'}:{sd.get('PORT') or 5432}"
    db_entry: dict[str, Any] = {"path": db_rel, "size": db_path.stat().st_size, "sha256": sha256_file(db_path)}
    progress(
        f"数据库已复制：{len(snap.tables)} 张表，共 {sum(snap.tables.values()):,} 行，"
        f"{human_size(db_entry['size'])}，用时 {time.monotonic() - t0:.1f} 秒。"
    )

    # Files after the snapshot: everything the snapshot names was on disk before its row was committed.
    media_root = Path(settings.MEDIA_ROOT)
    media, total_bytes, warnings = copy_media(media_root, out, progress)
    missing = sorted(snap.referenced - {m["path"] for m in media})
    if missing:
        warnings.append(
            f"数据库引用的 {len(missing)} 个上传文件在 {media_root} 中不存在（备份前就已缺失，未能备份）："
            + "、".join(missing[:20])
            + ("…" if len(missing) > 20 else "")
        )

    data_dir = Path(settings.DATA_DIR)
    data_files = copy_data_files(data_dir, out)
    # The folders apps keep beside the database (the invoice store): files written by an import are renamed in
    # whole, so each month's files are those of one import.
    tree_entries: dict[str, list[dict[str, Any]]] = {}
    tree_sizes: dict[str, tuple[int, int]] = {}  # label → (files, bytes)
    for tree in trees().values():
        entries, size, more = copy_tree(tree.name, Path(tree.root()), out, progress)
        tree_entries[tree.name] = entries
        tree_sizes[tree.label] = (len(entries), size)
        warnings += more

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(timespec="seconds"),
        "duration_seconds": round(time.monotonic() - t0, 2),
        "chanye_version": chanye_version(),
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
        "trees": tree_entries,
    }
    write_manifest(out, manifest)  # written last: a folder without manifest.json is an unfinished backup
    seconds = time.monotonic() - t0
    manifest["summary"] = {
        "out": str(out),
        "bytes": sum(p.stat().st_size for p in files_under(out)),
        "media_bytes": total_bytes,
        "trees": tree_sizes,
        "rows": sum(snap.tables.values()),
        "seconds": seconds,
        "warnings": warnings,
    }
    note = audit(
        alias,
        "export",
        f"整库备份到 {out}：{len(snap.tables)} 张表，{len(media)} 个上传文件"
        + "".join(f"，{trees()[n].label} {len(es)} 个文件" for n, es in tree_entries.items() if es and n in trees())
        + f"（备份时间 {manifest['created_at']}）",
    )
    if note:
        warnings.append(note)
    return manifest


def restore_backup(
    src: Path, *, alias: str = "default", force: bool = False, progress: Progress = print
) -> RestoreReport:
    """Verify, refuse or announce what is replaced, restore database then files, migrate if behind, compare."""
    t0 = time.monotonic()
    src = Path(src).absolute()
    engine = engine_of(alias)
    refuse_inside_media(src)
    manifest = read_manifest(src)
    check_engine(manifest, engine)
    check_migrations_known(manifest)
    listed = len(manifest["media"]) + len(manifest["data_files"]) + sum(len(es) for es in manifest["trees"].values())
    progress(f"正在校验备份（{listed + 1:,} 个文件的 SHA-256）…")
    verify_backup(src, manifest)
    progress("备份校验通过。")
    report = RestoreReport(engine=engine, backup_time=manifest["created_at"])

    existing = target_tables(alias, engine)
    data_rows = {t: n for t, n in (existing or {}).items() if n and t not in AUTO_TABLES}
    media_root = Path(settings.MEDIA_ROOT).absolute()
    old_media = files_under(media_root)
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

    stamp = timestamp()
    staging = media_root.parent / f".{media_root.name}.restoring-{os.getpid()}"
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged_trees: dict[str, tuple[Path, Path]] = {}
    try:
        stage_media(src, manifest, staging, progress)
        staged_trees = _stage_trees(src, manifest, report)
        progress(f"正在恢复数据库（{ENGINE_NAMES[engine]}）…")
        if engine == "sqlite":
            sqlite.restore(src, manifest, alias, bool(data_rows), stamp, report)
        else:
            postgres.restore(src, manifest, alias, existing or {})
        progress("数据库已恢复。")
        _swap_in(staging, media_root, stamp, report)
        report.media_files = len(manifest["media"])
        _place_trees(staged_trees, manifest, stamp, report, progress)
    finally:
        for leftover in [staging, *(s for s, _ in staged_trees.values())]:
            if leftover.exists():
                shutil.rmtree(leftover)

    restore_data_files(src, manifest, Path(settings.DATA_DIR), stamp, report)

    report.migrated = _migrate_if_behind(alias, progress)
    report.counts = _compare_counts(alias, manifest["tables"])
    report.missing_media = list(manifest.get("missing_media") or [])
    report.seconds = time.monotonic() - t0
    report.warning = audit(
        alias,
        "import",
        f"从备份恢复：{src}（备份时间 {manifest['created_at']}，{ENGINE_NAMES[engine]}，"
        f"{len(manifest['tables'])} 张表，{report.media_files} 个上传文件）"
        + (f"，并执行了 {len(report.migrated)} 个迁移" if report.migrated else ""),
    )
    return report


def _swap_in(staging: Path, root: Path, stamp: str, report: RestoreReport) -> None:
    """A staged folder renamed into place; a folder already there holding files is renamed aside and kept."""
    if root.exists():
        if files_under(root):
            aside = root.with_name(f"{root.name}.replaced-{stamp}")
            os.replace(root, aside)
            report.kept_aside.append(str(aside))
        else:
            shutil.rmtree(root)
    os.replace(staging, root)


def _stage_trees(src: Path, manifest: dict[str, Any], report: RestoreReport) -> dict[str, tuple[Path, Path]]:
    """Each registered folder of the backup copied (and checked) beside where this installation keeps it, before the
    database is touched: name → (staging, root). A folder of an app this installation lacks is named, not restored."""
    known = trees()
    staged: dict[str, tuple[Path, Path]] = {}
    for name, entries in manifest["trees"].items():
        tree = known.get(name)
        if tree is None:
            report.kept_aside.append(
                f"备份中的 {TREES_DIR}/{name}（{len(entries)} 个文件）：本系统没有对应功能，未恢复"
            )
            continue
        root = Path(tree.root()).absolute()
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = root.parent / f".{root.name}.restoring-{os.getpid()}"
        staged[name] = (staging, root)
        stage_tree(src, name, entries, staging)
    return staged


def _place_trees(
    staged: dict[str, tuple[Path, Path]],
    manifest: dict[str, Any],
    stamp: str,
    report: RestoreReport,
    progress: Progress,
) -> None:
    """The staged folders renamed into place; a folder already holding files is renamed aside and kept."""
    known = trees()
    for name, (staging, root) in staged.items():
        _swap_in(staging, root, stamp, report)
        n = len(manifest["trees"][name])
        report.tree_files[known[name].label] = n
        if n:
            progress(f"{known[name].label}已恢复：{n:,} 个文件。")


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
                cursor.execute(f"SELECT count(*) FROM {quote_ident(t)}")
                actual = cursor.fetchone()[0]
            rows.append((t, expected.get(t), actual))
    return rows
