"""Reads of the enterprise registry, always through the scoping checkpoint."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from chanye.core import access
from chanye.enterprises.choices import METRICS, FigureSource
from chanye.enterprises.filtersets import EnterpriseFilter
from chanye.enterprises.models import Enterprise, Honour, MonthlyFigure, ScalePeriod


def enterprise_list(*, user: Any, filters: EnterpriseFilter) -> QuerySet[Enterprise]:
    qs = filters.apply(Enterprise.objects.for_user(user))
    return (
        qs.select_related("county", "park", "industry_code")
        .prefetch_related(Prefetch("honours", queryset=Honour.objects.order_by("kind")))
        .order_by("-is_above_scale", "name", "pk")
    )


def access_enterprise(*, user: Any, uscc: str) -> Enterprise:
    """The enterprise if the user may see it; otherwise 404 (never 403: don't reveal that it exists), audited."""
    qs = Enterprise.objects.select_related("county", "park", "industry_code").prefetch_related(
        "honours", "aliases", "industries", "clusters", "scale_periods"
    )
    return access.get(qs, user, what="企业", uscc=uscc.upper())


def enterprise_by_uscc(user: Any, uscc: str) -> Enterprise | None:
    """The enterprise with this credit code among those `user` may see (None otherwise, exactly as if it did not
    exist): the lookup a service uses when an officer types a code."""
    return access.find(Enterprise, user, uscc=uscc.strip().upper()) if uscc.strip() else None


def enterprise_by_name(user: Any, name: str) -> Enterprise | None:
    """The enterprise with this name or former name among those `user` may see (None otherwise)."""
    name = name.strip()
    return access.find(Enterprise, user, Q(name=name) | Q(aliases__name=name)) if name else None


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


def new_entries(*, enterprises: QuerySet[Enterprise], year: int) -> QuerySet[ScalePeriod]:
    """The 规上 entries (新增规上, XN-GS-2) of the year among `enterprises`: periods entered that year, re-entries
    included; an entry whose date a roster did not give (`entry_assumed`) is not known to be new and does not count."""
    return ScalePeriod.objects.filter(enterprise__in=enterprises, entered_on__year=year, entry_assumed=False)


def registry_version() -> str:
    """What changes when the registry does (a firm added, removed or saved): for caching figures read from it."""
    from django.db.models import Count, Max

    v = Enterprise.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return f"{v['n']}@{v['changed']}"
