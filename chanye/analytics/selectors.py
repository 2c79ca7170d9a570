"""Dashboard reads: summary tables and indexed counts, scoped to the user."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chanye.analytics.figure_uses import MONTH_SUMMARY
from chanye.analytics.models import FigureMonth, MonthSummary
from chanye.core import access, hooks
from chanye.enterprises.models import Enterprise, FigureYear
from chanye.enterprises.selectors import new_entries, registry_version
from chanye.industry.models import Cluster, Target
from chanye.regions.models import Region
from chanye.regions.selectors import units_for

YI = Decimal(10000)  # 万元 per 亿元


def latest_month() -> dt.date | None:
    return MonthSummary.objects.aggregate(m=Max("month"))["m"]


def available_months(limit: int = 60) -> list[dt.date]:
    """Months with summary data, newest first (for the month picker)."""
    return list(
        MonthSummary.objects.filter(region__isnull=True, cluster__isnull=True)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:limit]
    )


def figure_months(limit: int = 12) -> list[dt.date]:
    """Months holding monthly figures of any source, newest first (what a monthly analysis can be run for), from
    the FigureMonth summary (never a DISTINCT over the monthly rows)."""
    return list(
        FigureMonth.objects.filter(figures__gt=0).order_by("-month").values_list("month", flat=True).distinct()[:limit]
    )


def _target(indicator: str, **scope: Any) -> Target | None:
    return Target.objects.filter(is_active=True, indicator=indicator, **scope).order_by("-year").first()


def cluster_ytd_output(*, enterprises: Any, clusters: list[Cluster], month: dt.date) -> dict[int, Decimal]:
    """Per cluster, the year-to-date 统计 output (万元) of its 规上 members among `enterprises` (the user's scope: a
    county officer's page shows its own firms in each cluster), from FigureYear's month columns (whole 元)."""
    months = [f"output_{m:02d}" for m in range(1, month.month + 1)]
    ytd = sum((Coalesce(F(c), 0) for c in months[1:]), Coalesce(F(months[0]), 0))
    rows = (
        FigureYear.objects.filter(
            source=MONTH_SUMMARY.sources[0],
            year=month.year,
            enterprise__in=enterprises.filter(is_above_scale=True),
            enterprise__clusters__in=clusters,
        )
        .values("enterprise__clusters")
        .annotate(s=Sum(ytd))
        .values_list("enterprise__clusters", "s")
        .order_by()
    )
    return {pk: Decimal(s or 0) / 10000 for pk, s in rows}


def dashboard(*, user: Any, month: dt.date | None = None) -> dict[str, Any]:
    month = month or latest_month()
    units = units_for(user)
    unit_ids = [u.pk for u in units]
    city_wide = not access.is_officer(user)
    ents = Enterprise.objects.for_user(user)
    year = month.year if month else timezone.localdate().year
    ytd_start = dt.date(year, 1, 1)

    counts = {
        r["county"]: r
        for r in ents.values("county")
        .annotate(total=Count("id"), above=Count("id", filter=Q(is_above_scale=True)))
        .order_by()
    }
    new_this_year = dict(
        new_entries(enterprises=ents, year=year).values_list("enterprise__county").annotate(n=Count("id")).order_by()
    )
    summ = MonthSummary.objects.filter(region_id__in=unit_ids, above_scale=True, cluster__isnull=True)
    month_out = dict(summ.filter(month=month).values_list("region_id", "output")) if month else {}
    ytd = (
        dict(
            summ.filter(month__gte=ytd_start, month__lte=month)
            .values("region_id")
            .annotate(s=Sum("output"))
            .values_list("region_id", "s")
            .order_by()
        )
        if month
        else {}
    )
    last_year = (
        dict(
            summ.filter(month__gte=ytd_start.replace(year=year - 1), month__lte=month.replace(year=year - 1))
            .values("region_id")
            .annotate(s=Sum("output"))
            .values_list("region_id", "s")
            .order_by()
        )
        if month
        else {}
    )
    rows = []
    for u in units:
        c = counts.get(u.pk, {"total": 0, "above": 0})
        t = _target("above_scale_new_count", region=u)
        prev = last_year.get(u.pk)
        cur = ytd.get(u.pk) or Decimal(0)
        rows.append(
            {
                "region": u,
                "total": c["total"],
                "above": c["above"],
                "new": new_this_year.get(u.pk, 0),
                "new_target": t.value if t else None,
                "month_output": (month_out.get(u.pk) or Decimal(0)) / YI,
                "ytd_output": cur / YI,
                "yoy": ((cur - prev) / prev * 100) if prev else None,
            }
        )

    trend_qs = MonthSummary.objects.filter(above_scale=True, cluster__isnull=True)
    trend_qs = trend_qs.filter(region__isnull=True) if city_wide else trend_qs.filter(region_id__in=unit_ids)
    trend = list(trend_qs.values("month").annotate(output=Sum("output"), n=Sum("enterprises")).order_by("-month")[:36])
    trend.reverse()

    cluster_rows = []
    clusters = list(Cluster.objects.filter(is_active=True, parent__isnull=True).exclude(family="county"))
    ccount = dict(
        ents.filter(is_above_scale=True, clusters__in=clusters)
        .values("clusters")
        .annotate(n=Count("id"))
        .values_list("clusters", "n")
        .order_by()
    )
    cytd = cluster_ytd_output(enterprises=ents, clusters=clusters, month=month) if month else {}
    for c in clusters:
        cluster_rows.append(
            {
                "cluster": c,
                "above": ccount.get(c.pk, 0),
                "ytd_output": (cytd.get(c.pk) or Decimal(0)) / YI,
            }
        )

    # 集群目标: each cluster target's figure as the 目标 page has it (targets.progress through the hook), not a second
    # reading here; a county officer's page shows its county's figures and targets, not the city's.
    cluster_targets = [p for found in hooks.target_progress(cluster_only=True) for p in found] if city_wide else []

    total_above = sum(r["above"] for r in rows)
    own: dict[str, Any] = (
        {"region__isnull": True, "cluster__isnull": True} if city_wide else {"region_id__in": unit_ids}
    )
    kpis = {
        "above": total_above,
        "above_target": _target("above_scale_count", **own),
        "new": sum(r["new"] for r in rows),
        "new_target": _target("above_scale_new_count", **own),
        "ytd_output": sum((r["ytd_output"] for r in rows), Decimal(0)),
        "output_target": (_target("cluster_above_scale_output", **own) if city_wide else None)
        or _target("above_scale_output", **own),
        "enterprises": sum(r["total"] for r in rows),
    }
    return {
        "month": month,
        "year": year,
        "months": available_months(),
        "cluster_targets": cluster_targets,
        "rows": rows,
        "trend": trend,
        "clusters": cluster_rows,
        "kpis": kpis,
        "city_wide": city_wide,
    }


def county_industry_matrix(*, until: dt.date | None = None) -> tuple[list[Any], list[tuple[str, str]], Any]:
    """The counties × manufacturing divisions (GB/T 4754 大类 13–43) output matrix over the 12 months to `until`
    (统计 source, 万元) — the input of the relatedness analysis (issue 6 §6) and of the specialisation page. Whole
    city: relatedness compares the counties with one another, so it is not narrowed to a user's scope (the figures are
    totals, not firms). Kept in the cache for `CHANYE_MATRIX_CACHE_SECONDS` (600; 0 turns it off) under the monthly
    summaries' totals and the registry's last change, so a new import or a re-coded firm computes it again (a grouping
    of a year of monthly rows: 0.3 s at 100,000 firms)."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache

    seconds = int(getattr(settings, "CHANYE_MATRIX_CACHE_SECONDS", 600))
    if seconds <= 0:
        return _county_industry_matrix(until)
    figures = MonthSummary.objects.filter(region__isnull=True, cluster__isnull=True).aggregate(
        n=Count("id"), out=Sum("output"), last=Max("month")
    )
    units = list(Region.objects.county_level().values_list("pk", flat=True))
    raw = f"{until}|{figures}|{registry_version()}|{units}"
    key = "analytics:county-industry:" + hashlib.sha256(raw.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _county_industry_matrix(until)
        cache.set(key, found, seconds)
    return found  # type: ignore[no-any-return]


def _county_industry_matrix(until: dt.date | None) -> tuple[list[Any], list[tuple[str, str]], Any]:
    import numpy as np

    from chanye.enterprises.models import MonthlyFigure
    from chanye.industry.models import IndustryCode

    until = until or MonthlyFigure.objects.filter(source="stats").aggregate(m=Max("month"))["m"]
    counties = list(Region.objects.county_level())
    if until is None or not counties:
        return counties, [], np.zeros((len(counties), 0))
    since = dt.date(until.year - 1, until.month, 1) + dt.timedelta(days=32)
    since = since.replace(day=1)
    rows = (
        MonthlyFigure.objects.filter(source="stats", month__gte=since, month__lte=until, output__gt=0)
        .exclude(enterprise__industry_code__isnull=True)
        .values_list("enterprise__county_id", "enterprise__industry_code_id")
        .annotate(s=Sum("output"))
        .order_by()
    )
    sums: dict[tuple[int, str], float] = {}
    for county_id, code, s in rows:
        div = code[:2]
        if div.isdigit() and 13 <= int(div) <= 43:
            sums[(county_id, div)] = sums.get((county_id, div), 0.0) + float(s)
    divisions = sorted({d for _, d in sums})
    names = dict(IndustryCode.objects.filter(code__in=divisions).values_list("code", "name"))
    index = {c.pk: i for i, c in enumerate(counties)}
    x = np.zeros((len(counties), len(divisions)))
    for (county_id, div), s in sums.items():
        if county_id in index:
            x[index[county_id], divisions.index(div)] = s
    return counties, [(d, names.get(d, d)) for d in divisions], x


def data_freshness(*, user: Any, today: dt.date | None = None, detail: bool = True) -> list[Any]:
    """Every registered data source (chanye.core.freshness) with the city's duty: owner, cadence, due day, the period
    due, whether it arrived, how late, and per county who reported — within the user's scope."""
    from chanye.analytics.models import DataDuty
    from chanye.core import freshness

    today = today or timezone.localdate()
    duties = {d.key: d for d in DataDuty.objects.all()}
    return [
        freshness.status_of(s, duties.get(s.key), user=user, today=today, detail=detail) for s in freshness.sources()
    ]


def overdue_for(*, user: Any, today: dt.date | None = None) -> list[Any]:
    """The overdue sources a user should hear about on their home page: those they are the named owner of, and for a
    city administrator every one."""
    from chanye.analytics.models import DataDuty

    admin = access.is_city_admin(user)
    if not admin and not DataDuty.objects.filter(owner_user_id=getattr(user, "pk", None)).exists():
        return []
    statuses = [s for s in data_freshness(user=user, today=today, detail=False) if s.overdue]
    return statuses if admin else [s for s in statuses if s.owner_user_id == getattr(user, "pk", None)]


# The indicators the county map colours the counties by: key in `dashboard()`'s rows, label, unit, decimals.
MAP_LAYERS: list[tuple[str, str, str, int]] = [
    ("above", "规上工业企业数", "家", 0),
    ("ytd_output", "累计规上工业总产值", "亿元", 2),
    ("yoy", "累计产值同比", "%", 1),
    ("new", "新增规上企业", "家", 0),
    ("total", "在库企业", "家", 0),
]
GOLDEN_ANGLE = 2.399963  # radians: points spread evenly around a centre (Vogel's spiral)


def county_map(*, user: Any, month: dt.date | None = None) -> dict[str, Any]:
    """The county map (区县地图): the city's county outlines (regions.outlines, shipped with the project), each
    county-level unit coloured by the dashboard's own figures (`dashboard()` rows: one definition), and the projects
    the user may see placed in their county by colour (XN-XM-4, through the `map_projects` hook). Units and projects
    the outlines cannot place are named."""
    from chanye.regions.outlines import SOURCE, city_outline

    data = dashboard(user=user, month=month)
    outline = city_outline([r["region"] for r in data["rows"]])
    if outline is None:
        return {**data, "outline": None, "layers": MAP_LAYERS}
    values = {
        key: [
            {"name": outline.placed[r["region"].pk], "unit": r["region"].name, "value": _plain(r[key], digits)}
            for r in data["rows"]
            if r["region"].pk in outline.placed
        ]
        for key, _, _, digits in MAP_LAYERS
    }
    projects = [p for found in hooks.map_projects(user=user) for p in found]
    placed, unplaced = [], []
    seen: dict[int, int] = {}
    for p in projects:
        centre = outline.centre(p["county_id"]) if p["county_id"] in outline.placed else None
        if centre is None:
            unplaced.append(p)
            continue
        i = seen.get(p["county_id"], 0)
        seen[p["county_id"]] = i + 1
        radius, angle = 0.012 * math.sqrt(i + 6), GOLDEN_ANGLE * i  # the centre is left to the unit's name
        lon, lat = centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)
        placed.append({**p, "lon": round(lon, 5), "lat": round(lat, 5)})
    counts: dict[str, dict[str, Any]] = {}
    for p in projects:  # the hook gives them largest first; counted by colour in the order of XN-XM-4
        c = counts.setdefault(p["colour"], {"label": p["colour_label"], "badge": p["badge"], "n": 0})
        c["n"] += 1
    order = ["green", "blue", "yellow", "red"]
    return {
        **data,
        "outline": outline,
        "layers": MAP_LAYERS,
        "colour_counts": [counts[k] for k in sorted(counts, key=lambda k: order.index(k) if k in order else 9)],
        "source": SOURCE,
        "map_values": values,
        "map_projects": placed,
        "unplaced_projects": unplaced,
        "unplaced_units": outline.unplaced,
    }


def _plain(v: Any, digits: int) -> float | None:
    return None if v is None else round(float(v), digits)
