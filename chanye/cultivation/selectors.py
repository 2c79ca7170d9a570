"""小升规 progress per county (XN-GS-2/3/4): new 规上 this year against the quota, exits, the pool and its intake."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count

from chanye.accounts.models import Role
from chanye.cultivation.models import Candidate
from chanye.enterprises.models import Enterprise, ScalePeriod
from chanye.industry.models import Target
from chanye.regions.models import Region


def _targets(indicator: str) -> dict[int | None, Decimal]:
    return {t.region_id: t.value for t in Target.objects.filter(is_active=True, indicator=indicator)}


def quota_progress(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    year = today.year
    elapsed = max(1, (today - dt.date(year, 1, 1)).days) / (366 if year % 4 == 0 else 365)
    units = list(Region.objects.county_level())
    if user.role == Role.COUNTY_OFFICER:
        units = [u for u in units if u.pk == user.region_id]
    ents = Enterprise.objects.for_user(user)
    above = dict(ents.filter(is_above_scale=True).values_list("county").annotate(n=Count("id")).order_by())
    new = dict(
        ScalePeriod.objects.filter(enterprise__in=ents, entered_on__year=year)
        .values_list("enterprise__county")
        .annotate(n=Count("id"))
        .order_by()
    )
    exits = dict(
        ScalePeriod.objects.filter(enterprise__in=ents, exited_on__year=year)
        .values_list("enterprise__county")
        .annotate(n=Count("id"))
        .order_by()
    )
    pool = dict(
        Candidate.objects.for_user(user)
        .filter(left_on__isnull=True)
        .values_list("enterprise__county")
        .annotate(n=Count("id"))
        .order_by()
    )
    intake = dict(
        Candidate.objects.for_user(user)
        .filter(added_month__year=year)
        .values_list("enterprise__county")
        .annotate(n=Count("id"))
        .order_by()
    )
    quota, intake_target = _targets("above_scale_new_count"), _targets("candidate_pool_intake_count")
    rows = []
    for u in units:
        n = new.get(u.pk, 0)
        rows.append(
            {
                "region": u,
                "above": above.get(u.pk, 0),
                "new": n,
                "quota": quota.get(u.pk),
                "projected": round(n / elapsed),
                "exits": exits.get(u.pk, 0),
                "pool": pool.get(u.pk, 0),
                "intake": intake.get(u.pk, 0),
                "intake_target": intake_target.get(u.pk),
            }
        )
    total_above = sum(r["above"] for r in rows)
    total_new = sum(r["new"] for r in rows)
    total_exit = sum(r["exits"] for r in rows)
    city_total = Target.objects.filter(is_active=True, indicator="above_scale_count", region__isnull=True).first()
    projection_total = None
    if city_total and city_total.year:
        net_per_year = (total_new - total_exit) / elapsed
        projection_total = round(total_above + net_per_year * (city_total.year - year + (1 - elapsed)))
    return {
        "rows": rows,
        "year": year,
        "elapsed": elapsed,
        "total_above": total_above,
        "total_new": total_new,
        "total_exit": total_exit,
        "city_quota": quota.get(None),
        "city_total": city_total,
        "projection_total": projection_total,
        "projected_new": round(total_new / elapsed),
    }
