"""The yearbook importer: one benchmark table → `BenchmarkFigure` rows, all or nothing, audited once; with its
download template and its registration for the generic import page (city administrators only)."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from chanye.analytics import services
from chanye.analytics.benchmarks.table import (
    MANUFACTURING,
    BenchmarkError,
    BenchmarkTable,
    parse_benchmark_table,
)
from chanye.core import access, audit, xlsx
from chanye.core.imports.base import Importer, ImportOutcome, RowError
from chanye.core.models import AuditAction, ImportBatch
from chanye.core.text import squash


class BenchmarkImporter(Importer):
    """对标地区产值（统计年鉴）: one yearbook table → `BenchmarkFigure` rows (region, year, division), created or
    updated, all or nothing, audited once. Options: ``year`` (when the title has none), ``yearbook`` (the source
    recorded on each figure, e.g. 湖北统计年鉴2024; default the file name). Not ``source``: the generic upload page
    passes the monthly figures' 数据来源 (stats/tax/self) under that name."""

    kind = "benchmarks"
    title = "对标地区产值（统计年鉴）"
    columns = []

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
        if not access.is_city_admin(self.user):
            self.errors.append(RowError(0, "", "", "只有市级管理员可以导入对标地区数据。"))
            return self._finish(batch, ImportBatch.Status.INVALID)
        year = self.options.get("year")
        try:
            table = parse_benchmark_table(data, filename=filename, year=int(year) if year else None)
        except BenchmarkError as e:
            self.errors, self.warnings = e.errors, e.warnings
            return self._finish(batch, ImportBatch.Status.INVALID)
        except ValueError:
            self.errors.append(RowError(0, "年份", str(year), "年份应为四位数字，如 2023"))
            return self._finish(batch, ImportBatch.Status.INVALID)
        self.warnings = table.warnings
        self._check_names(table)
        batch.rows = len(table.regions)
        if self.errors:
            return self._finish(batch, ImportBatch.Status.INVALID)
        if self.dry_run:
            return self._finish(batch, ImportBatch.Status.VALID)
        source = str(self.options.get("yearbook") or "").strip()[:120] or filename.rsplit(".", 1)[0][:120]
        with self.writing(batch):  # claims the batch: data and the DONE status commit together
            created, updated, unchanged = services.do_store_benchmarks(
                actor=self.user, table=table, source=source, batch=batch
            )
            batch.created, batch.updated, batch.unchanged = created, updated, unchanged
            audit.record(
                actor=self.user,
                action=AuditAction.IMPORT,
                obj=batch,
                object_repr=f"{self.title}：{batch.filename}",
                after={
                    "kind": self.kind,
                    "year": table.year,
                    "unit": table.unit,
                    "regions": len(table.regions),
                    "industries": len(table.industries),
                    "created": created,
                    "updated": updated,
                    "unchanged": unchanged,
                    "sha256": sha,
                },
                message=f"导入{self.title}（{table.year}年，{len(table.regions)}个地区）："
                f"新增{created}，更新{updated}，未变{unchanged}",
            )
            return self._finish(batch, ImportBatch.Status.DONE)

    def _check_names(self, table: BenchmarkTable) -> None:
        from chanye.regions.models import Region

        own: dict[str, str] = {}
        for name, short in Region.objects.county_level().values_list("name", "short_name"):
            own[squash(name)] = name
            if short:
                own[squash(short)] = name
        same = [
            RowError(
                row,
                table.region_label,
                name,
                f"与本市的“{own[name]}”同名：对标地区应为市外地区（本市区县的数据来自月度统计）",
            )
            for row, name in zip(table.rows, table.regions, strict=True)
            if name in own
        ]
        self.errors += table.as_printed(same)


TEMPLATE_NOTES = [
    "1. 第一行写标题并注明年份，如“2023年各地区规模以上工业分行业总产值”；第二行注明单位（亿元或万元）。",
    "2. 表头第一列为“地区”，其后每列一个国民经济行业大类：写两位代码（如 13），或代码加名称，或名称。",
    "3. 每行一个市外地区（省、市或县），名称不能与本市区县相同；同一地区不能重复。",
    "4. 空格或“—”按0计（未生产或未公布）；合计行、合计列和“注：”说明行会自动跳过。",
    "5. 同一地区同一年份再次导入时按新数据更新。",
]


def template_xlsx(year: int | None = None) -> bytes:
    """A blank yearbook table (manufacturing divisions 13–43 with their names) with two example rows and notes."""
    from openpyxl.styles import Font

    from chanye.industry.models import IndustryCode

    year = year or timezone.localdate().year - 1
    lo, hi = MANUFACTURING
    codes = [f"{c:02d}" for c in range(lo, hi + 1)]
    names = dict(IndustryCode.objects.filter(code__in=codes).values_list("code", "name"))
    codes = [c for c in codes if c in names] or codes
    wb = xlsx.workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([f"{year}年各地区规模以上工业分行业总产值"])
    ws.append(["单位：亿元"])
    ws.append(["地区", *(f"{c} {names.get(c, '')}".strip() for c in codes)])
    ws.append(["武汉市", *([None] * len(codes))])
    ws.append(["岳阳市", *([None] * len(codes))])
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    help_ws = wb.create_sheet("填写说明")
    for n in TEMPLATE_NOTES:
        help_ws.append([n])
    return xlsx.to_bytes(wb)


def register() -> None:
    """Register the yearbook importer (from `AnalyticsConfig.ready`): city administrators only, with its own
    template (a table of divisions, not one record a row)."""
    from chanye.accounts.models import Role
    from chanye.core.imports import registry

    registry.register(
        "benchmarks",
        BenchmarkImporter,
        label="对标地区产值（统计年鉴）",
        roles=[Role.CITY_ADMIN],
        notes=TEMPLATE_NOTES,
        template=template_xlsx,
        order=70,
    )
