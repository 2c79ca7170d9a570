"""Running a registered import: the batch row, the role check, the background job, and a plain failure."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from chanye.core.imports import registry
from chanye.core.imports.base import BatchExpired, ImportAbort, ImportOutcome, RowError
from chanye.core.models import ImportBatch

log = logging.getLogger(__name__)

STALE_REASON = "导入在处理中断开（服务重启或进程被终止），没有写入任何数据，请重新上传。"


def expire_stale_batches(*, now: dt.datetime | None = None) -> int:
    """End as FAILED, with `STALE_REASON`, every running batch whose heartbeat is older than
    CHANYE_IMPORT_STALE_MINUTES: its import was cut off (server restart, killed process or thread). The claim is
    true because an import writes in one transaction that also records DONE (`Importer.writing`): a batch still
    "running" committed nothing. A batch whose import is writing right now is left alone: on PostgreSQL its row is
    locked by that transaction (skipped here), on SQLite the database is (this gives up after a moment). Called when
    a batch page or the batch list is shown and when `chanye import` starts; returns how many were ended."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.CHANYE_IMPORT_STALE_MINUTES)
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING, heartbeat_at__lt=cutoff)
    if not stale.exists():  # the usual case: a read, no lock taken
        return 0
    error = {"row": 0, "column": "", "value": "", "message": STALE_REASON}
    try:
        with _short_lock_wait(), transaction.atomic():
            ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True))
            return ImportBatch.objects.filter(
                pk__in=ids, status=ImportBatch.Status.RUNNING, heartbeat_at__lt=cutoff
            ).update(status=ImportBatch.Status.FAILED, errors=[error], finished_at=now, progress=100)
    except OperationalError:  # SQLite: an import holds the database while it writes — it is alive, not stale
        return 0


class _short_lock_wait:
    """On SQLite, wait at most a quarter of a second for the write lock (an import writing holds it for minutes)."""

    def __enter__(self) -> None:
        self.previous = None
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as c:
                c.execute("PRAGMA busy_timeout")
                self.previous = c.fetchone()[0]
                c.execute("PRAGMA busy_timeout = 250")

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            with connection.cursor() as c:
                c.execute(f"PRAGMA busy_timeout = {int(self.previous)}")


def new_batch(kind: str, *, data: bytes, filename: str, user: Any, dry_run: bool = False) -> ImportBatch:
    """The batch row of one uploaded file (its page shows the progress, errors and outcome of the import)."""
    return ImportBatch.objects.create(
        kind=kind,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        user=user if getattr(user, "pk", None) else None,
        dry_run=dry_run,
    )


def run_import(
    kind: str,
    *,
    data: bytes,
    filename: str,
    user: Any,
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
    batch: ImportBatch | None = None,
    progress: Any = None,
) -> ImportOutcome:
    """Run the importer registered as `kind`; an unexpected failure while writing leaves nothing written and a
    FAILED batch."""
    entry = registry.get(kind)
    importer = entry.importer(user=user, dry_run=dry_run, options=options, progress=progress)
    if batch is None:
        batch = new_batch(kind, data=data, filename=filename, user=user, dry_run=dry_run)
    if not entry.allows(user):
        importer.errors.append(RowError(0, "", "", f"您的角色不能导入{importer.title}。"))
        return importer._finish(batch, ImportBatch.Status.INVALID)
    try:
        return importer.run(data, filename, batch=batch)
    except BatchExpired:  # ended as stale while it was suspended: nothing written, the batch says so
        batch.refresh_from_db()
        return ImportOutcome(batch=batch, errors=[RowError(0, "", "", m["message"]) for m in batch.errors])
    except ImportAbort as e:
        importer.errors.append(e.error)
        return importer._finish(batch, ImportBatch.Status.INVALID)
    except Exception:  # an unexpected failure: the transaction rolled back; say so plainly (details in the log)
        log.exception("import %s failed", batch.pk)
        importer.errors.append(
            RowError(
                0,
                "",
                "",
                f"导入时发生意外错误，已全部撤销，没有写入任何数据。请联系系统管理员，并告知导入批次号 {batch.pk}。",
            )
        )
        return importer._finish(batch, ImportBatch.Status.FAILED)


def start_import(
    kind: str, *, data: bytes, filename: str, user: Any, dry_run: bool = False, options: dict[str, Any] | None = None
) -> ImportBatch:
    """Record an uploaded file's batch and run its import as a background job (progress on the batch page)."""
    from chanye.core import jobs

    registry.get(kind)  # an unknown kind fails here, not in the job
    batch = new_batch(kind, data=data, filename=filename, user=user, dry_run=dry_run)
    jobs.start(run_import, kind, data=data, filename=filename, user=user, dry_run=dry_run, options=options, batch=batch)
    return batch
