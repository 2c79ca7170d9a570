"""小升规 progress per county (XN-GS-2/3/4): new 规上 this year against the quota, exits, the pool and its intake;
the candidate pool list (XN-GS-4/5) and the chart data of the cultivation pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chanye.core import access
from chanye.cultivation.models import Alert, AlertKind, AlertStatus, Candidate
from chanye.enterprises.models import Enterprise, MonthlyFigure, ScalePeriod
from chanye.enterprises.selectors import new_entries
from chanye.industry.models import Target
from chanye.regions.models import Region
from chanye.regions.selectors import units_for


def _targets(indicator: str) -> dict[int | None, Decimal]:
    return {t.region_id: t.value for t in Target.objects.filter(is_active=True, indicator=indicator)}


def quota_progress(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    year = today.year
    elapsed = max(1, (today - dt.date(year, 1, 1)).days) / (366 if year % 4 == 0 else 365)
    units = units_for(user)
    ents = Enterprise.objects.for_user(user)
    above = dict(ents.filter(is_above_scale=True).values_list("county").annotate(n=Count("id")).order_by())
    new = dict(
        new_entries(enterprises=ents, year=year).values_list("enterprise__county").annotate(n=Count("id")).order_by()
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
        .annotate(n=Count("enterprise", distinct=True))  # a firm removed and added again counts once
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


def quota_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Chart data for the 小升规 page: new 规上 this year, the yearly quota and the projected year end per county."""
    return {
        "counties": [r["region"].name for r in rows],
        "new": [r["new"] for r in rows],
        "quota": [float(r["quota"]) if r["quota"] is not None else None for r in rows],
        "projected": [r["projected"] for r in rows],
        "has_data": any(r["new"] or r["quota"] or r["projected"] for r in rows),
    }


# --- The candidate pool (拟进规培育库, XN-GS-4/5) -------------------------------------------------------------------


def candidate_pool(*, user: Any, unit: Region | None = None, today: dt.date | None = None) -> QuerySet[Candidate]:
    """Open candidacies within the user's scope (optionally one county-level unit), planned entries first.

    `overdue` marks a planned entry whose month is past while the firm is still not 规上 (XN-GS-5 timetable)."""
    this_month = (today or timezone.localdate()).replace(day=1)
    qs = Candidate.objects.for_user(user).filter(left_on__isnull=True)
    if unit is not None:
        qs = qs.filter(Q(enterprise__county=unit) | Q(enterprise__park=unit))
    return (
        qs.select_related("enterprise", "enterprise__county")
        .annotate(
            overdue=ExpressionWrapper(
                Q(planned_entry__lt=this_month, enterprise__is_above_scale=False), output_field=BooleanField()
            )
        )
        .order_by(F("planned_entry").asc(nulls_last=True), "enterprise__name", "pk")
    )


def access_pool_enterprise(*, user: Any, key: str) -> Enterprise:
    """The enterprise named by its 统一社会信用代码 or exact name (or a former name) within the user's scope.

    Raises Http404 if none is visible (an existing firm out of scope is audited as a denied access) and
    ValidationError if the name is shared by several firms."""
    key = key.strip()
    if not key:
        raise ValidationError("请输入统一社会信用代码或企业全称。")
    match = Q(uscc=key.upper()) | Q(name=key) | Q(aliases__name=key)
    found = list(access.scoped(Enterprise, user).filter(match).distinct()[:2])
    if len(found) > 1:
        raise ValidationError(f"有多家企业名为“{key}”，请改用统一社会信用代码。")
    if not found:
        answer = f"未找到“{key}”：请核对统一社会信用代码或企业全称（只能纳入本辖区企业）。"
        return access.get(Enterprise.objects.distinct(), user, match, what="企业", answer=answer)
    return found[0]


def revenue_12m(*, enterprise: Enterprise) -> Decimal | None:
    """Operating revenue over the 12 months ending with the firm's latest reported month, as the monthly analysis
    counts it (XN-GS-4): per source 营业收入, else 主营业务收入, else 开票销售额; the largest source total."""
    last = MonthlyFigure.objects.filter(enterprise=enterprise).aggregate(m=Max("month"))["m"]
    if last is None:
        return None
    since = dt.date(last.year - 1, last.month, 1)
    totals = (
        MonthlyFigure.objects.filter(enterprise=enterprise, month__gt=since, month__lte=last)
        .values("source")
        .annotate(r=Sum(Coalesce("revenue", "main_revenue", "invoice_sales")))
        .order_by()
    )
    values = [t["r"] for t in totals if t["r"] is not None]
    return max(values) if values else None


# --- Open alerts per month and kind (预警待办 chart) ----------------------------------------------------------------

OPEN_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING)


def open_alerts_by_month(*, user: Any, today: dt.date | None = None, months: int = 12) -> dict[str, Any]:
    """Open alerts within the user's scope counted by the month they were raised and kind, over the last 12 months.

    The window ends with the current month, or with the latest alert month if that is later (an analysis run
    ahead of the calendar, as in the demo)."""
    scoped = Alert.objects.for_user(user).filter(status__in=OPEN_ALERT_STATUSES)
    end = (today or timezone.localdate()).replace(day=1)
    latest = scoped.aggregate(m=Max("month"))["m"]
    if latest is not None and latest.replace(day=1) > end:
        end = latest.replace(day=1)
    axis = []
    y, m = end.year, end.month
    for _ in range(months):
        axis.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    axis.reverse()
    counts: dict[tuple[dt.date, str], int] = {}
    for month, kind, n in (
        scoped.filter(month__gte=axis[0], month__lt=_next_month(end))
        .values_list("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (month.replace(day=1), kind)
        counts[key] = counts.get(key, 0) + n
    series = [
        {"key": kind.value, "name": kind.label, "data": [counts.get((mo, kind.value), 0) for mo in axis]}
        for kind in AlertKind
    ]
    return {
        "months": [f"{mo:%Y-%m}" for mo in axis],
        "series": series,
        "total": sum(counts.values()),
        "has_data": bool(counts),
    }


def _next_month(d: dt.date) -> dt.date:
    return dt.date(d.year + 1, 1, 1) if d.month == 12 else dt.date(d.year, d.month + 1, 1)


def enterprise_support(*, enterprise: Any, user: Any) -> list[dict[str, Any]]:
    """The support (帮扶) recorded for a firm, newest first, within the user's scope (the `enterprise_support` hook:
    the firm's page shows what was done for it, not only the alert list)."""
    from chanye.cultivation.models import SupportAction

    actions = (
        SupportAction.objects.filter(alert__in=Alert.objects.for_user(user).filter(enterprise=enterprise))
        .select_related("alert", "by")
        .order_by("-on", "-id")
    )
    return [
        {
            "on": a.on,
            "description": a.description,
            "alert": a.alert.get_kind_display(),
            "month": a.alert.month,
            "by": str(a.by) if a.by else "",
        }
        for a in actions
    ]


def reward_claims(*, year: int) -> list[dict[str, Any]]:
    """The accepted chain-leader subsidy claims of `year` (XN-LZ-6/8), for the `reward_claims` hook: rewards lists
    them with the other entitlements of the year."""
    from chanye.cultivation.models import SubsidyClaim

    return [
        {
            "claim": c.kind,
            "enterprise_id": c.leader.enterprise_id if c.leader is not None else None,
            "project": c.project,
            "industry": c.industry.name,
            "cost": c.cost,
            "amount": c.amount,
            "on": c.on,
        }
        for c in SubsidyClaim.objects.filter(year=year).select_related("leader", "industry").order_by("on", "pk")
    ]


def listed_leaders() -> list[dict[str, Any]]:
    """The listed chain leaders for other apps (`hooks.chain_leaders`): enterprise id, name, USCC, industry, county."""
    from chanye.cultivation.models import ChainLeader, LeaderStatus

    qs = ChainLeader.objects.filter(status=LeaderStatus.LISTED).select_related("enterprise", "industry")
    return [
        {
            "leader_id": x.pk,
            "enterprise_id": x.enterprise_id,
            "name": x.enterprise.name,
            "uscc": x.enterprise.uscc,
            "industry": x.industry.name,
            "county_id": x.enterprise.county_id,
        }
        for x in qs.order_by("industry__sort_order", "enterprise__name")
    ]
