"""XN-GS-5 “重点关注134家已正式投产企业生产经营情况，逐户确定入规时间表” (咸安 9, 嘉鱼 22, 赤壁 35, 通城 17, 崇阳 29,
通山 7, 高新区 15): the cohort's progress into 规上, computed from the candidate pool and the 规上 periods for the
target tree (provider "candidate_pool", indicator `producing_firms_into_above_scale`).

Definition (the platform's reading): the cohort is the firms of the candidate pool given an entry timetable
(计划入规时间, `Candidate.planned_entry`: “逐户确定入规时间表” — the text puts the 134 in the pool, “加快库内企业成长”,
and names only two firms per county, so the timetable is what marks a firm as one of them). A cohort firm counts
once it has entered 规上 (a 规上 period beginning) on or after the month it joined the pool and by the period end;
it keeps counting if it later leaves. Counts are cumulative (the targets set no year), per county-level unit and
park by the firm's own county and park. With no timetabled firm at all nothing is stored (暂无数据, not zeros).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from chanye.core import indicators
from chanye.core.dates import month_end
from chanye.cultivation.models import Candidate

CODE = "producing_firms_into_above_scale"
POOL_INDICATORS = (CODE,)


def _period(year: int, month: dt.date | None) -> dt.date:
    """December of a past year, else this month (as the project library's provider)."""
    if month is not None:
        return month.replace(day=1)
    today = timezone.localdate()
    return dt.date(year, 12, 1) if year < today.year else today.replace(day=1)


def entered_counts(month: dt.date) -> dict[int | None, int] | None:
    """Cohort firms in 规上 by the end of `month`: {None: city, county/park id: count}; None with no cohort."""
    from chanye.enterprises.models import Enterprise, ScalePeriod
    from chanye.regions.models import Region

    cohort = Candidate.objects.filter(planned_entry__isnull=False)
    if not cohort.exists():
        return None
    end = month_end(month)
    joined = cohort.filter(enterprise=OuterRef("pk")).order_by("added_month").values("added_month")[:1]
    entered = ScalePeriod.objects.filter(
        enterprise=OuterRef("pk"), entered_on__gte=OuterRef("joined"), entered_on__lte=end, entry_assumed=False
    )
    firms = (
        Enterprise.objects.annotate(joined=Subquery(joined))
        .filter(joined__isnull=False)
        .annotate(in_scale=Exists(entered))
        .order_by()
    )
    n = Count("pk", filter=Q(in_scale=True))
    units = set(Region.objects.county_level().values_list("pk", flat=True))
    out: dict[int | None, int] = dict.fromkeys(units, 0)
    out[None] = firms.aggregate(n=n)["n"]
    out |= {r["county"]: r["n"] for r in firms.values("county").annotate(n=n)}
    parks = firms.filter(park__isnull=False).exclude(park__in=units).values("park").annotate(n=n)
    out |= {r["park"]: r["n"] for r in parks}
    return out


def pool_indicator_values(year: int, month: dt.date | None = None) -> indicators.Provided:
    """`producing_firms_into_above_scale` of `year` to `month` for the city, every county-level unit and park."""
    period = _period(year, month)
    counts = entered_counts(period)
    if counts is None:
        return indicators.Provided(period, None)
    note = "培育库中定有计划入规时间的企业入规情况（XN-GS-5）"
    rows = [indicators.Row(CODE, Decimal(n), region_id=region, note=note) for region, n in counts.items()]
    return indicators.Provided(period, rows)


PROVIDER = indicators.Provider("candidate_pool", POOL_INDICATORS, pool_indicator_values)
