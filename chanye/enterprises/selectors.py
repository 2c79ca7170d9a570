"""Reads of the enterprise registry, always through the scoping checkpoint."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from chanye.enterprises.choices import METRICS, FigureSource
from chanye.enterprises.filtersets import EnterpriseFilter
from chanye.enterprises.models import Enterprise, Honour, MonthlyFigure


def enterprise_list(*, user: Any, filters: EnterpriseFilter) -> QuerySet[Enterprise]:
    qs = filters.apply(Enterprise.objects.for_user(user))
    return (
        qs.select_related("county", "park", "industry_code")
        .prefetch_related(Prefetch("honours", queryset=Honour.objects.order_by("kind")))
        .order_by("-is_above_scale", "name", "pk")
    )


def access_enterprise(*, user: Any, uscc: str) -> Enterprise:
    """The enterprise if the user may see it; otherwise 404 (never 403: don't reveal that it exists)."""
    ent = (
        Enterprise.objects.for_user(user)
        .select_related("county", "park", "industry_code")
        .prefetch_related("honours", "aliases", "industries", "clusters", "scale_periods")
        .filter(uscc=uscc.upper())
        .first()
    )
    if ent is None:
        if Enterprise.objects.filter(uscc=uscc.upper()).exists():
            # A permission denial: recorded for the auditor, answered as "not found" (never 403).
            from chanye.core import audit
            from chanye.core.models import AuditAction

            audit.record(
                actor=user,
                action=AuditAction.DENIED,
                object_type="enterprises.enterprise",
                object_id=uscc.upper(),
                message="访问权限范围外的企业",
            )
        raise Http404("企业不存在或不在您的权限范围内")
    return ent


def monthly_series(
    *, enterprise: Enterprise, source: str = FigureSource.STATS, months: int = 36
) -> list[dict[str, Any]]:
    rows = list(MonthlyFigure.objects.filter(enterprise=enterprise, source=source).order_by("-month")[:months])
    rows.reverse()
    return [
        {
            "month": r.month.strftime("%Y-%m"),
            **{m.field: (float(getattr(r, m.field)) if getattr(r, m.field) is not None else None) for m in METRICS},
        }
        for r in rows
    ]


def monthly_rows(*, enterprise: Enterprise) -> QuerySet[MonthlyFigure]:
    return MonthlyFigure.objects.filter(enterprise=enterprise).order_by("-month", "source")
