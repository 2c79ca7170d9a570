"""Hand-built firms for the 梯队名单 tests (EZ-T-1, HG-T-1, YY-T-1, YY-P-1): each firm's 12-month 统计 revenue and
output are the amounts given in 亿元, reported in four equal monthly figures inside the twelve months to MONTH (as
tests/targets/engine_world.py does), in a county, park and clusters of the test's choosing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chanye.core.access import SYSTEM
from chanye.enterprises.models import Enterprise, MonthlyFigure, ScalePeriod
from chanye.industry.models import Cluster
from chanye.regions.models import Region
from chanye.targets import echelons
from tests.factories import EnterpriseFactory
from tests.targets.engine_world import FIGURE_MONTHS, MONTH, YI

TODAY = dt.date(2025, 6, 30)  # the projects' year: 2025


def region(name: str) -> Region:
    return Region.objects.get(name=name)


def firm(
    name: str,
    county: str,
    *,
    revenue: str | None = None,
    main_revenue: str | None = None,
    output: str | None = None,
    above: bool = False,
    park: str | None = None,
    clusters: tuple[str, ...] = (),
) -> Enterprise:
    """An enterprise named `name` in `county` (and `park`), 规上 since 2020 when `above` (a ScalePeriod: what the
    engine reads), whose 12-month figures are the amounts given in 亿元."""
    e = EnterpriseFactory(name=name, county=region(county), park=region(park) if park else None, is_above_scale=above)
    if above:
        ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2020, 1, 1))
    for c in clusters:
        e.clusters.add(Cluster.objects.get(code=c))

    def per_month(v: str | None) -> Decimal | None:
        return None if v is None else Decimal(v) * YI / len(FIGURE_MONTHS)

    for m in FIGURE_MONTHS:
        MonthlyFigure.objects.create(
            enterprise=e,
            month=m,
            revenue=per_month(revenue),
            main_revenue=per_month(main_revenue),
            output=per_month(output),
        )
    return e


def lists(user: object = SYSTEM) -> dict[str, echelons.Echelon]:
    """Every tier's lists for `user` (the system actor sees the whole city), by tier code."""
    return {e.tier.code: e for e in echelons.lists(user=user, month=MONTH, today=TODAY).echelons}


def names(ech: echelons.Echelon) -> tuple[list[str], list[str]]:
    """(the reached, the 后备) by name, in the lists' order."""
    return [e.name for e in ech.reached], [e.name for e in ech.reserve]
