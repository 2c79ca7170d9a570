"""The files of a backup: hashing copies, the upload folder and the data directory's files, the backup folder
itself (where it may be, emptying it for --force) and the staged upload folder a restore renames into place."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from chanye.core.backup.common import (
    DATA_FILES,
    DATA_SUBDIR,
    LAYOUT,
    MEDIA_DIR,
    TREES_DIR,
    BackupError,
    Progress,
    RestoreReport,
    human_size,
)

CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def copy_hashed(src: Path, dst: Path) -> tuple[int, str]:
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


def files_under(root: Path) -> list[Path]:
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


def rel_path(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def refuse_inside_media(path: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve() == media_root or media_root in path.resolve().parents:
        raise BackupError(
            f"备份目录 {path} 在上传文件目录 {media_root} 之内，不能使用。请放在数据目录之外（最好是另一块磁盘）。"
        )


def prepare_out(out: Path, force: bool, progress: Progress) -> None:
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


def stage_media(src: Path, manifest: dict[str, Any], staging: Path, progress: Progress) -> None:
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    entries = manifest["media"]
    if entries:
        progress(f"正在复制上传文件：{len(entries):,} 个 …")
    last = time.monotonic()
    for i, e in enumerate(entries, 1):
        _, digest = copy_hashed(src / MEDIA_DIR / e["path"], staging / e["path"])
        if digest != e["sha256"]:
            raise BackupError(f"复制过程中文件内容发生变化：{e['path']}。未写入任何数据。")
        if time.monotonic() - last > 2 or i == len(entries):
            progress(f"  已复制 {i:,}/{len(entries):,} 个文件")
            last = time.monotonic()


def copy_media(media_root: Path, out: Path, progress: Progress) -> tuple[list[dict[str, Any]], int, list[str]]:
    """Copy the upload folder into the backup: its manifest entries, their total size and warnings about skipped files.

    Runs after the database snapshot: everything the snapshot names was on disk before its row was committed."""
    sources = files_under(media_root)
    warnings: list[str] = []
    media: list[dict[str, Any]] = []
    total_bytes, last = 0, time.monotonic()
    if sources:
        progress(f"正在复制上传文件：{len(sources):,} 个 …")
    for i, src in enumerate(sources, 1):
        rel = rel_path(src, media_root)
        if src.is_symlink() or not src.is_file():
            warnings.append(f"跳过符号链接或特殊文件：{media_root / rel}")
            continue
        try:
            size, digest = copy_hashed(src, out / MEDIA_DIR / rel)
        except FileNotFoundError:  # removed since the folder was listed; if the snapshot names it, it is `missing`
            continue
        media.append({"path": rel, "size": size, "sha256": digest})
        total_bytes += size
        if time.monotonic() - last > 2 or i == len(sources):
            progress(f"  已复制 {i:,}/{len(sources):,} 个文件（{human_size(total_bytes)}）")
            last = time.monotonic()
    return media, total_bytes, warnings


def copy_tree(name: str, root: Path, out: Path, progress: Progress) -> tuple[list[dict[str, Any]], int, list[str]]:
    """Copy a registered folder (`common.register_tree`) into the backup's trees/<name>/: its manifest entries, total
    size and warnings. Hidden entries (a `.staging-…` folder or a work database of an import running now) are not
    data and are left out; a file replaced while it is copied (an import swapping a month in) is left out and
    named."""
    warnings: list[str] = []
    entries: list[dict[str, Any]] = []
    total = 0
    sources = [p for p in files_under(root) if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    if sources:
        progress(f"正在复制 {root}：{len(sources):,} 个文件 …")
    for src in sources:
        rel = rel_path(src, root)
        if src.is_symlink() or not src.is_file():
            warnings.append(f"跳过符号链接或特殊文件：{root / rel}")
            continue
        try:
            size, digest = copy_hashed(src, out / TREES_DIR / name / rel)
        except FileNotFoundError:
            warnings.append(f"{root / rel} 在复制时被替换（有导入正在进行），未备份：导入结束后请再备份一次。")
            continue
        entries.append({"path": rel, "size": size, "sha256": digest})
        total += size
    return entries, total, warnings


def stage_tree(src: Path, name: str, entries: list[dict[str, Any]], staging: Path) -> None:
    """A registered folder's files from the backup into `staging` (renamed into place by the restore)."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for e in entries:
        _, digest = copy_hashed(src / TREES_DIR / name / e["path"], staging / e["path"])
        if digest != e["sha256"]:
            raise BackupError(f"复制过程中文件内容发生变化：{TREES_DIR}/{name}/{e['path']}。")


def copy_data_files(data_dir: Path, out: Path) -> list[dict[str, Any]]:
    """Copy the data directory's files that travel with a backup (DATA_FILES); returns their manifest entries."""
    data_files: list[dict[str, Any]] = []
    for name in DATA_FILES:
        p = data_dir / name
        if p.is_file() and not p.is_symlink():
            size, digest = copy_hashed(p, out / DATA_SUBDIR / name)
            (out / DATA_SUBDIR / name).chmod(0o600)
            data_files.append({"path": name, "size": size, "sha256": digest})
    return data_files


def restore_data_files(src: Path, manifest: dict[str, Any], data_dir: Path, stamp: str, report: RestoreReport) -> None:
    """Put the backup's data directory files in place; a different file already there is renamed and kept aside."""
    for e in manifest["data_files"]:
        dest = data_dir / e["path"]
        if dest.is_file() and sha256_file(dest) == e["sha256"]:
            continue
        tmp = dest.with_name(f".{dest.name}.restoring-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        data_dir.mkdir(parents=True, exist_ok=True)
        copy_hashed(src / DATA_SUBDIR / e["path"], tmp)
        tmp.chmod(0o600)
        if dest.exists():
            aside = dest.with_name(f"{dest.name}.replaced-{stamp}")
            os.replace(dest, aside)
            report.kept_aside.append(str(aside))
        os.replace(tmp, dest)
        report.data_files.append(e["path"])
