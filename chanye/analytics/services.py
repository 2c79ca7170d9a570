"""Refreshing the monthly summary tables (aggregation runs in the database, not in Python loops)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum

from chanye.analytics.figure_uses import MONTH_SUMMARY
from chanye.analytics.models import BenchmarkFigure, FigureMonth, MonthSummary
from chanye.core import access
from chanye.core.access import Actor
from chanye.enterprises.models import MonthlyFigure


def refresh_month_summaries(*, months: Iterable[dt.date] | None = None) -> int:
    """Recompute MonthSummary and FigureMonth for the given months (all months when None). Idempotent."""
    base = MonthlyFigure.objects.filter(source__in=MONTH_SUMMARY.sources)
    if months is not None:
        month_list = sorted(set(months))
    else:  # order_by() first: the model's default ordering would make DISTINCT return one month per row
        month_list = sorted(set(base.order_by().values_list("month", flat=True).distinct()))
    rows: list[MonthSummary] = []
    aggs = {
        "n": Count("id"),
        "output": Sum("output"),
        "main_revenue": Sum("main_revenue"),
        "invoice_sales": Sum("invoice_sales"),
    }
    for i in range(0, len(month_list), 12):
        chunk = month_list[i : i + 12]
        qs = base.filter(month__in=chunk)
        for group, extra in (
            (("month", "enterprise__is_above_scale"), {}),
            (("month", "enterprise__is_above_scale", "enterprise__county"), {"region": "enterprise__county"}),
            (("month", "enterprise__is_above_scale", "enterprise__clusters"), {"cluster": "enterprise__clusters"}),
        ):
            for r in qs.values(*group).annotate(**aggs).order_by():
                if "cluster" in extra and r["enterprise__clusters"] is None:
                    continue
                rows.append(
                    MonthSummary(
                        month=r["month"],
                        above_scale=r["enterprise__is_above_scale"],
                        region_id=r.get("enterprise__county"),
                        cluster_id=r.get("enterprise__clusters"),
                        enterprises=r["n"],
                        output=r["output"] or 0,
                        main_revenue=r["main_revenue"] or 0,
                        invoice_sales=r["invoice_sales"] or 0,
                    )
                )
    with transaction.atomic():
        stale = MonthSummary.objects.all() if months is None else MonthSummary.objects.filter(month__in=month_list)
        stale.delete()
        MonthSummary.objects.bulk_create(rows, batch_size=2000)
        refresh_figure_months(months=None if months is None else month_list)
    return len(rows)


def refresh_figure_months(*, months: list[dt.date] | None = None) -> int:
    """Recompute FigureMonth (rows per month and source) for the given months (all months when None)."""
    qs = MonthlyFigure.objects.all() if months is None else MonthlyFigure.objects.filter(month__in=months)
    counts = [
        FigureMonth(month=r["month"], source=r["source"], figures=r["n"])
        for r in qs.values("month", "source").annotate(n=Count("id")).order_by()
    ]
    with transaction.atomic():
        (FigureMonth.objects.all() if months is None else FigureMonth.objects.filter(month__in=months)).delete()
        FigureMonth.objects.bulk_create(counts, batch_size=2000)
    return len(counts)


@transaction.atomic
def do_store_benchmarks(*, actor: Actor, table: Any, source: str, batch: Any = None) -> tuple[int, int, int]:
    """Store a yearbook table's figures (region × division output) for relatedness: new ones created, changed ones
    updated, the rest untouched; (created, updated, unchanged). City administrators only; the import's audit row,
    written in the same transaction, is their audit."""
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以导入对标地区数据。")
    assert table.year is not None
    existing = {
        (f.region, f.industry_code): f
        for f in BenchmarkFigure.objects.filter(year=table.year, region__in=table.regions)
    }
    new: list[BenchmarkFigure] = []
    changed: list[BenchmarkFigure] = []
    unchanged = 0
    for region, row in zip(table.regions, table.values, strict=True):
        for code, value in zip(table.industries, row, strict=True):
            f = existing.get((region, code))
            if f is None:
                new.append(
                    BenchmarkFigure(
                        region=region, year=table.year, industry_code=code, output=value, source=source, batch=batch
                    )
                )
            elif f.output != value or f.source != source:
                f.output, f.source, f.batch = value, source, batch
                changed.append(f)
            else:
                unchanged += 1
    BenchmarkFigure.objects.bulk_create(new, batch_size=2000)
    BenchmarkFigure.objects.bulk_update(changed, ["output", "source", "batch"], batch_size=2000)
    return len(new), len(changed), unchanged


@transaction.atomic
def do_set_duty(*, actor: Actor, key: str, data: dict[str, Any]) -> Any:
    """Set who owes a data source, how often and by when (数据更新); city administrators only, audited."""
    from chanye.analytics.models import DataDuty
    from chanye.core import audit, freshness
    from chanye.core.models import AuditAction

    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以设置数据报送责任。")
    if key not in {s.key for s in freshness.sources()}:
        raise PermissionDenied("没有这个数据来源。")
    duty, created = DataDuty.objects.get_or_create(key=key)
    fields = ["owner_unit", "owner_name", "owner_user", "cadence", "due_day"]
    before = {f: str(getattr(duty, f) or "") for f in fields}
    for f in fields:
        if f in data:
            setattr(duty, f, data[f])
    duty.save()
    after = {f: str(getattr(duty, f) or "") for f in fields}
    changed = {f: v for f, v in after.items() if v != before[f]}
    if changed or created:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=duty,
            object_repr=f"数据报送责任：{key}",
            before={f: before[f] for f in changed},
            after=changed,
        )
    return duty
