"""XN-JG-3 “到2030年，实现新一轮规上工业企业技改全覆盖”: the share of 规上 enterprises with a 技改 project of the new
round, computed from the project library (`techrenovation_coverage`, stored through the projects provider).

Definition (the platform's reading of the text):

* the denominator is the enterprises 规上 at the period end (by their 规上 periods, XN-GS-2, as `above_scale_count`);
* an enterprise is covered when a 技改 project (项目性质 技改, `kind=upgrade`; no investment floor — the text names
  none) linked to it entered the library (signed, or registered if never signed) between the start of the round and
  the period end and had not exited by then;
* the round (“新一轮”) is the active pack's plan period: it starts on 1 January of its first year (咸宁 2025); without
  a pack period, on 1 January of the period's year;
* per county-level unit and park by the enterprise's own county and park; a unit with no 规上 enterprise has no
  value (a share of nothing is undefined). A project not linked to an enterprise cannot cover one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from chanye.core.indicators import Row
from chanye.projects import rules as project_rules
from chanye.projects.models import Project, ProjectKind
from chanye.projects.stats import entered_between, live_at

CODE = "techrenovation_coverage"


def round_start(month: dt.date) -> dt.date:
    """The first day of the round that `month` belongs to: the active pack's first plan year, if not later."""
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    period = pack.content.get("period") if pack else None
    first = int(period[0]) if period else month.year
    return dt.date(min(first, month.year), 1, 1)


def coverage_rows(month: dt.date) -> list[Row]:
    """`techrenovation_coverage` (%) at the end of `month` for the city, every county-level unit and every park."""
    from chanye.enterprises.models import Enterprise, ScalePeriod
    from chanye.regions.models import Region

    end = project_rules.month_end(month)
    above = ScalePeriod.objects.filter(enterprise=OuterRef("pk"), entered_on__lte=end).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gt=end)
    )
    upgrade = Project.objects.filter(
        Q(enterprise=OuterRef("pk"), kind=ProjectKind.UPGRADE) & entered_between(round_start(month), end) & live_at(end)
    )
    firms = Enterprise.objects.filter(Exists(above)).annotate(has_upgrade=Exists(upgrade)).order_by()
    counts = {"n": Count("pk"), "covered": Count("pk", filter=Q(has_upgrade=True))}

    def row(region_id: int | None, n: int, covered: int) -> Row | None:
        if not n:
            return None
        value = (Decimal(100) * covered / n).quantize(Decimal("0.0001"))
        return Row(CODE, value, region_id=region_id)

    rows = [row(None, **firms.aggregate(**counts))]
    units = set(Region.objects.county_level().values_list("pk", flat=True))
    rows += [row(r["county"], r["n"], r["covered"]) for r in firms.values("county").annotate(**counts)]
    parks = firms.filter(park__isnull=False).exclude(park__in=units).values("park").annotate(**counts)
    rows += [row(r["park"], r["n"], r["covered"]) for r in parks]
    return [r for r in rows if r is not None]
