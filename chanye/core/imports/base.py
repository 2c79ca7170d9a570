"""Importer skeleton: find the header, map columns, validate every row, then write in one transaction.

A concrete importer declares its columns and implements `validate_row` (returns a clean dict or raises
CellError per cell through `self.cell`) and `write` (runs inside one transaction). Any error anywhere
means nothing is written, and the user gets every error with row, column, value and reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from chanye.core import audit
from chanye.core.imports import registry
from chanye.core.imports.reader import FORMULA_WITHOUT_VALUE, Sheet, SheetError, SheetFormulaError, read_sheet
from chanye.core.imports.values import CellError, display
from chanye.core.models import AuditAction, ImportBatch
from chanye.core.text import clean_cell, squash, to_halfwidth

HEADER_SCAN_ROWS = 15
HEARTBEAT_SECONDS = 5
_UNIT = re.compile(r"^(.*?)[(（\[【]([^()（）\[\]【】]*)[)）\]】]$")
_SUBTOTAL = re.compile(r"^(合计|小计|总计|累计|全市合计|全市|总数)$|^(合\s*计|小\s*计|总\s*计)")
_NOTE = re.compile(r"^(注|说明|备注|填表说明|数据来源)\s*[:：]")


@dataclass
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    units: dict[str, Decimal] | None = None  # when set, the header must carry one of these units
    help: str = ""
    example: str = ""

    def names(self) -> set[str]:
        return {squash(self.label), *(squash(a) for a in self.aliases)}


@dataclass
class RowError:
    row: int  # Excel row number (1-based); 0 for the whole file
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        col = f"［{self.column}］" if self.column else ""
        val = f"值“{self.value}”" if self.value else ""
        return f"{where}{col}{val}：{self.message}"


class BatchExpired(Exception):
    """The batch was ended as stale before the import could write (see `Importer.writing`)."""


class ImportAbort(Exception):
    """Raised from `write` when a row fails a service check that validation could not foresee: the transaction rolls
    back and the row's error is reported like any other."""

    def __init__(self, error: RowError) -> None:
        self.error = error
        super().__init__(str(error))


@dataclass
class ImportOutcome:
    batch: ImportBatch
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    summary: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class MappedColumn:
    column: Column
    index: int
    header: str
    factor: Decimal = Decimal(1)
    unit: str = ""


class RowContext:
    """Collects the errors of one row while it is validated."""

    def __init__(self, row_number: int, values: dict[str, Any], headers: dict[str, str]) -> None:
        self.row = row_number
        self.values = values
        self.headers = headers
        self.errors: list[RowError] = []

    def raw(self, key: str) -> Any:
        return self.values.get(key)

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def error(self, key: str, message: str, value: Any = None) -> None:
        v = self.values.get(key) if value is None else value
        self.errors.append(RowError(self.row, self.headers.get(key, key), display(v), message))

    def cell(self, key: str, parser: Callable[[Any], Any]) -> Any:
        """Parse one cell; on failure record the error and return None."""
        v = self.values.get(key)
        if v is None:
            return None
        try:
            return parser(v)
        except CellError as e:
            self.error(key, str(e))
            return None


class Importer:
    kind: str = ""
    title: str = ""
    columns: list[Column] = []
    min_columns: tuple[str, ...] = ()  # at least one of these must be present (checked by subclasses)

    def __init__(
        self,
        *,
        user: Any,
        dry_run: bool = False,
        options: dict[str, Any] | None = None,
        progress: Callable[[int], None] | None = None,
        today: dt.date | None = None,
    ) -> None:
        if user is None:
            raise TypeError(
                "An importer acts for someone: the signed-in user, or chanye.core.access.SYSTEM for a command."
            )
        self.user = user
        self.dry_run = dry_run
        self.options = options or {}
        self.progress = progress or (lambda pct: None)
        self.today = today or timezone.localdate()
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.summary: list[dict[str, str]] = []
        self.examples_skipped = 0
        self.mapped: dict[str, MappedColumn] = {}
        self._beat = time.monotonic()

    # -- header --------------------------------------------------------------------------------
    def _header_key(self, text: str) -> tuple[Column | None, str, str]:
        h = squash(str(text))
        unit = ""
        m = _UNIT.match(h)
        label = h
        if m:
            label, unit = m.group(1), m.group(2)
        for col in self.columns:
            if h in col.names():
                return col, h, ""
            if label in col.names():
                return col, label, unit
        return None, label, unit

    def find_header(self, sheet: Sheet) -> int:
        best_row, best_score = -1, 0
        for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            score = sum(1 for c in row if c is not None and str(c).strip() and self._header_key(str(c))[0])
            if score > best_score:
                best_row, best_score = i, score
        required = [c for c in self.columns if c.required]
        if best_row < 0 or best_score < max(1, min(2, len(required))):
            names = "、".join(c.label for c in (required or self.columns[:3]))
            raise SheetError(f"在前{HEADER_SCAN_ROWS}行中找不到表头。表头应包含：{names}。请使用页面上的模板。")
        return best_row

    def map_columns(self, header: list[Any]) -> None:
        refused: set[str] = set()  # present, but with a missing or unknown unit (already reported)
        for idx, cell in enumerate(header):
            if cell is None or not str(cell).strip():
                continue
            text = to_halfwidth(str(cell)).strip()
            col, _label, unit = self._header_key(text)
            if col is None:
                self.warnings.append(RowError(0, text, "", "无法识别的列，已忽略"))
                continue
            if col.key in self.mapped:
                self.errors.append(
                    RowError(0, text, "", f"与第{self.mapped[col.key].index + 1}列“{self.mapped[col.key].header}”重复")
                )
                continue
            mc = MappedColumn(col, idx, text)
            if col.units is not None:
                units = {k.lower(): v for k, v in col.units.items()}
                if not unit:
                    refused.add(col.key)
                    self.errors.append(
                        RowError(
                            0,
                            text,
                            "",
                            f"表头须注明单位，例如“{col.label}({next(iter(col.units))})”；可用单位：{'、'.join(col.units)}",
                        )
                    )
                    continue
                if unit.lower() not in units:
                    refused.add(col.key)
                    self.errors.append(
                        RowError(0, text, unit, f"无法识别的单位“{unit}”；可用单位：{'、'.join(col.units)}")
                    )
                    continue
                mc.factor, mc.unit = units[unit.lower()], unit
            self.mapped[col.key] = mc
        for col in self.columns:
            if col.required and col.key not in self.mapped and col.key not in refused:
                self.errors.append(RowError(0, col.label, "", "缺少必填列"))

    # -- rows ----------------------------------------------------------------------------------
    def iter_rows(self, sheet: Sheet, header_row: int) -> Iterable[tuple[int, dict[str, Any]]]:
        for i in range(header_row + 1, len(sheet.rows)):
            raw = sheet.rows[i]
            values: dict[str, Any] = {}
            texts: list[str] = []
            for key, mc in self.mapped.items():
                v = clean_cell(raw[mc.index]) if mc.index < len(raw) else None
                if isinstance(v, str) and v == "":
                    v = None
                values[key] = v
            for c in raw:
                c = clean_cell(c)
                if c is not None and c != "":
                    texts.append(str(c))
            if not texts:
                continue  # empty row (trailing or in the middle)
            if self.is_subtotal_or_note(values, texts):
                self.warnings.append(RowError(i + 1, "", texts[0][:30], "识别为合计/小计或备注行，已跳过"))
                continue
            if self.is_template_example(values):
                self.examples_skipped += 1
                self.warnings.append(RowError(i + 1, "", texts[0][:30], "模板中的示例行，已跳过"))
                continue
            yield i + 1, values

    def is_template_example(self, values: dict[str, Any]) -> bool:
        """The template's own example row, left in (issue 13): every value the example gives, as the template wrote
        it. Skipped with a warning instead of failing validation or creating the example firm."""
        try:
            examples = registry.get(self.kind).examples
        except registry.UnknownImportKind:
            return False

        def norm(v: Any) -> str:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return squash(str(v))

        for ex in examples:
            keys = [k for k in ex if k in self.mapped]
            # one shared value (a year, a unit) does not make a row the example: at least two of its values must agree
            if len(keys) >= min(2, len(ex)) and all(
                values.get(k) is not None and norm(values[k]) == norm(ex[k]) for k in keys
            ):
                return True
        return False

    def is_subtotal_or_note(self, values: dict[str, Any], texts: list[str]) -> bool:
        """Only rows recognisably such: a lone note (注：…), or no real identifier and a 合计/小计 label."""
        first = squash(texts[0])
        if _NOTE.match(first) and len(texts) <= 2:
            return True
        ids = [squash(str(values[k])) for k in self.identity_keys() if values.get(k) is not None]
        if any(not _SUBTOTAL.match(v) for v in ids):
            return False  # a real identifier (USCC or enterprise name) is present: validate the row
        return any(_SUBTOTAL.match(squash(t)) for t in texts[:3])

    def identity_keys(self) -> tuple[str, ...]:
        return ()

    def headers(self) -> dict[str, str]:
        return {k: mc.header for k, mc in self.mapped.items()}

    # -- to implement --------------------------------------------------------------------------
    def prepare(self) -> None:
        """Load lookups (regions, enterprises …) once, after the header is known."""

    def validate_row(self, ctx: RowContext) -> dict[str, Any] | None:
        raise NotImplementedError

    def validate_all(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Cross-row checks (duplicates …) after every row was validated."""

    def write(self, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch) -> tuple[int, int, int]:
        """Write clean rows; returns (created, updated, unchanged). Runs inside one transaction."""
        raise NotImplementedError

    def after_commit(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """Work after a successful write (summaries); outside the import transaction."""

    # -- driver --------------------------------------------------------------------------------
    def run(self, data: bytes, filename: str, batch: ImportBatch | None = None) -> ImportOutcome:
        sha = hashlib.sha256(data).hexdigest()
        if batch is None:
            batch = ImportBatch.objects.create(
                kind=self.kind,
                filename=filename[:255],
                sha256=sha,
                user=self.user if getattr(self.user, "pk", None) else None,
                dry_run=self.dry_run,
            )
        clean: list[tuple[int, dict[str, Any]]] = []
        try:
            sheet = read_sheet(data, filename)
            header_row = self.find_header(sheet)
            self.map_columns(sheet.rows[header_row])
            if not self.errors:
                self.prepare()
                rows = list(self.iter_rows(sheet, header_row))
                total = max(1, len(rows))
                for n, (row_no, values) in enumerate(rows, start=1):
                    ctx = RowContext(row_no, values, self.headers())
                    out = self.validate_row(ctx)
                    if ctx.errors:
                        self.errors.extend(ctx.errors)
                    elif out is not None:
                        clean.append((row_no, out))
                    if n % 1000 == 0:
                        self._progress(batch, int(60 * n / total))
                self.validate_all(clean)
                batch.rows = len(rows)
                if not rows and not self.errors:
                    only = "（只有模板中的示例行，已跳过；请在其下方或替换它填写数据）" if self.examples_skipped else ""
                    self.errors.append(RowError(0, "", "", "表头下面没有数据行" + only))
        except SheetFormulaError as e:  # each formula cell without a saved value, where it is
            self.errors.extend(RowError(c.row, f"{c.column}列", c.formula, FORMULA_WITHOUT_VALUE) for c in e.cells)
        except SheetError as e:
            self.errors.append(RowError(0, "", "", str(e)))

        if self.errors:
            self.errors.sort(key=lambda e: (e.row, e.column))
            return self._finish(batch, ImportBatch.Status.INVALID)
        self.summary = self.describe(clean)
        if self.dry_run:
            return self._finish(batch, ImportBatch.Status.VALID)
        self._progress(batch, 60)
        with self.writing(batch):
            created, updated, unchanged = self.write(clean, batch)
            batch.created, batch.updated, batch.unchanged = created, updated, unchanged
            if created or updated:
                audit.record(
                    actor=self.user,
                    action=AuditAction.IMPORT,
                    obj=batch,
                    object_repr=f"{self.title}：{batch.filename}",
                    after={
                        "kind": self.kind,
                        "rows": batch.rows,
                        "created": created,
                        "updated": updated,
                        "unchanged": unchanged,
                        "sha256": sha,
                    },
                    message=f"导入{self.title}：新增{created}，更新{updated}，未变{unchanged}",
                )
            outcome = self._finish(batch, ImportBatch.Status.DONE)
        self._progress(batch, 95)
        self.after_commit(clean)
        registry.run_after_import(self, clean)  # other apps' follow-up work (e.g. the indicators after monthly)
        written = self.describe_written(clean)
        if written:
            self.summary.extend(written)  # the outcome holds the same list
            batch.summary = self.summary
            ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)
        self._progress(batch, 100)
        return outcome

    def describe(self, rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, str]]:
        """What the file's valid rows feed, for the batch page and the command ([{"level", "text"}]; level "info"
        or "warning"). Importers whose columns feed computations say so; the default says nothing."""
        return []

    def describe_written(self, rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, str]]:
        """Added to `describe` after a real import, when the stored data can be looked at."""
        return []

    @contextmanager
    def writing(self, batch: ImportBatch) -> Iterator[None]:
        """The one transaction every write happens in, opened by claiming the batch: its row is locked (PostgreSQL)
        or the database is (SQLite) until the data and the DONE status commit together, so a batch still "running"
        has written nothing, and `runner.expire_stale_batches` never ends a batch that is writing. A batch already
        ended as stale (the process was suspended past CHANYE_IMPORT_STALE_MINUTES) is not written at all."""
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
            if batch.pk and not claimed:
                raise BatchExpired(batch.pk)
            yield

    def _progress(self, batch: ImportBatch, pct: int) -> None:
        """Report progress and beat the heartbeat (at most every few seconds when the percentage does not move)."""
        self.progress(pct)
        now = time.monotonic()
        if batch.pk and (batch.progress != pct or now - self._beat >= HEARTBEAT_SECONDS):
            batch.progress, self._beat = pct, now
            ImportBatch.objects.filter(pk=batch.pk).update(progress=pct, heartbeat_at=timezone.now())

    def _finish(self, batch: ImportBatch, status: str) -> ImportOutcome:
        """Record the outcome — unless the batch was meanwhile ended as stale, whose words then stand."""
        batch.status = status
        batch.errors = [e.as_dict() for e in self.errors[:5000]]
        batch.warnings = [w.as_dict() for w in self.warnings[:1000]]
        batch.summary = self.summary
        batch.finished_at = batch.heartbeat_at = timezone.now()
        batch.progress = 100 if status != ImportBatch.Status.DONE else batch.progress
        if batch.pk is None:
            batch.save()
        else:
            fields = [
                "status",
                "errors",
                "warnings",
                "summary",
                "finished_at",
                "heartbeat_at",
                "progress",
                "rows",
                "created",
                "updated",
                "unchanged",
            ]
            mine = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING)
            if not mine.update(**{f: getattr(batch, f) for f in fields}):
                batch.refresh_from_db()
                return ImportOutcome(batch=batch, errors=[RowError(0, "", "", m["message"]) for m in batch.errors])
        return ImportOutcome(batch=batch, errors=self.errors, warnings=self.warnings, summary=self.summary)
