"""Running a registered import: the batch row, the role check, the background job, and a plain failure."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from chanye.core.imports import registry
from chanye.core.imports.base import ImportAbort, ImportOutcome, RowError
from chanye.core.models import ImportBatch

log = logging.getLogger(__name__)


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
