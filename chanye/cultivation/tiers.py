"""The tier ladder (XN-RD-6): 创新型中小企业 → 专精特新 → 小巨人 → 单项冠军 — counts, promotions, next candidates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from chanye.analytics.selectors import latest_month
from chanye.core import access
from chanye.enterprises.choices import TIER_LADDER, HonourKind
from chanye.enterprises.models import Enterprise, Honour, MonthlyFigure
from chanye.industry.models import Cluster
from chanye.industry.selectors import active_pack
from chanye.regions.models import Region


def ladder(*, user: Any) -> dict[str, Any]:
    ents = Enterprise.objects.for_user(user)
    tiers = [HonourKind(k) for k in TIER_LADDER]
    honours = Honour.objects.filter(enterprise__in=ents, kind__in=tiers)
    by_county: dict[int, dict[str, int]] = {}
    for county, kind, n in honours.values_list("enterprise__county", "kind").annotate(
        n=Count("enterprise", distinct=True)
    ):
        by_county.setdefault(county, {})[kind] = n
    units = [u for u in Region.objects.county_level() if u.pk in by_county or not access.is_officer(user)]
    if access.is_officer(user):
        units = [u for u in Region.objects.county_level() if u.pk == user.region_id]
    by_cluster: dict[int, dict[str, int]] = {}
    for cl, kind, n in (
        honours.filter(enterprise__clusters__parent__isnull=True)
        .values_list("enterprise__clusters", "kind")
        .annotate(n=Count("enterprise", distinct=True))
    ):
        if cl is not None:
            by_cluster.setdefault(cl, {})[kind] = n
    clusters = list(Cluster.objects.filter(pk__in=by_cluster, is_active=True))
    promotions: dict[int, dict[str, int]] = {}
    for year, kind, n in honours.exclude(year__isnull=True).values_list("year", "kind").annotate(n=Count("id")):
        promotions.setdefault(year, {})[kind] = n
    return {
        "tiers": [(t.value, t.label) for t in tiers],
        "counties": [(u, by_county.get(u.pk, {})) for u in units],
        "clusters": [(c, by_cluster.get(c.pk, {})) for c in clusters],
        "promotions": sorted(promotions.items(), reverse=True)[:6],
        "candidates": candidates(user=user),
    }


def ladder_chart(data: dict[str, Any]) -> dict[str, Any]:
    """Chart data for the tier page: one stacked series per tier, one bar per county (from `ladder`)."""
    counties = data["counties"]
    series = [
        {"key": key, "name": label, "data": [counts.get(key, 0) for _, counts in counties]}
        for key, label in data["tiers"]
    ]
    return {
        "counties": [u.name for u, _ in counties],
        "series": series,
        "has_data": any(n for s in series for n in s["data"]),
    }


def candidates(*, user: Any, month: dt.date | None = None) -> list[dict[str, Any]]:
    """Firms holding the lower tier that meet the pack's bar for the next one (tier_criteria)."""
    pack = active_pack()
    criteria = (pack.content or {}).get("tier_criteria") or [] if pack else []
    month = month or latest_month()
    if not criteria or month is None:
        return []
    since = dt.date(month.year - 1, month.month, 1)
    ents = Enterprise.objects.for_user(user)
    out = []
    for c in criteria:
        holders = ents.filter(honours__kind=c["requires"]).exclude(honours__kind=c["tier"]).distinct()
        figures = (
            MonthlyFigure.objects.filter(enterprise__in=holders, source="stats", month__gt=since, month__lte=month)
            .values("enterprise")
            .annotate(rev=Sum("revenue"), main=Sum("main_revenue"), rd=Sum("rd_expense"))
            .order_by()
        )
        names = dict(holders.values_list("pk", "name"))
        counties = dict(holders.values_list("pk", "county__name"))
        for f in figures:
            revenue = f["rev"] or f["main"] or Decimal(0)
            rd = f["rd"] or Decimal(0)
            intensity = (rd / revenue * 100) if revenue else Decimal(0)
            if revenue >= Decimal(str(c.get("min_revenue", 0))) and intensity >= Decimal(
                str(c.get("min_rd_intensity", 0))
            ):
                out.append(
                    {
                        "tier": c["label"],
                        "enterprise_id": f["enterprise"],
                        "name": names.get(f["enterprise"]),
                        "county": counties.get(f["enterprise"]),
                        "revenue": revenue.quantize(Decimal("0.1")),
                        "rd_intensity": intensity.quantize(Decimal("0.01")),
                        "rule": c.get("rule", ""),
                    }
                )
    out.sort(key=lambda r: (r["tier"], -r["revenue"]))
    return out


__all__ = ["candidates", "ladder", "ladder_chart"]
