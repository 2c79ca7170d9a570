"""The exit-risk library (退规风险企业库, XN-GS-7): every 规上 firm whose previous-year output was at most the pack's
line (“上年度产值3000万元以下”: 以下 includes 3000), whether or not a month has yet raised a warning.

The monthly analysis (`chanye.cultivation.analysis`) raises a production-anomaly warning only for firms of this
library whose month is down 20 % or more; this module lists the library itself, within the user's scope, with the
open warning (if any) of each firm. Output is the 统计 工业总产值 summed over the calendar year (万元); a firm with no
统计 output reported for that year cannot be placed and is not listed (as the analysis does).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from chanye.cultivation.models import Alert, AlertKind, AlertStatus
from chanye.enterprises.models import Enterprise
from chanye.industry.selectors import threshold
from chanye.regions.models import Region

RULE = "XN-GS-7"
DEFAULT_LINE = 3000  # 万元, when the pack sets no `exit_risk_output`
OPEN_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING)


def exit_risk_line() -> Decimal:
    """The pack's line (万元): previous-year output at or below it puts a 规上 firm in the library."""
    return threshold("exit_risk_output", DEFAULT_LINE) or Decimal(DEFAULT_LINE)


def default_year(today: dt.date | None = None) -> int:
    """“上年度”: the year before the latest month with figures (the demo's data may run ahead of the calendar),
    else the year before today."""
    from chanye.analytics.selectors import figure_months

    latest = figure_months(1)
    base = latest[0] if latest else (today or timezone.localdate())
    return base.year - 1


def exit_risk_library(*, user: Any, year: int | None = None, unit: Region | None = None) -> QuerySet[Enterprise]:
    """规上 enterprises in the user's scope (optionally one county-level unit or park) whose 统计 output of `year`
    (default `default_year()`) is at most the line, lowest output first. Each carries `prev_output` (万元),
    `prev_months` (months of `year` with 统计 output) and `has_open_alert` (an open 退规风险预警)."""
    year = default_year() if year is None else year
    in_year = Q(monthly__source="stats", monthly__month__year=year, monthly__output__isnull=False)
    qs = Enterprise.objects.for_user(user).filter(is_above_scale=True)
    if unit is not None:
        qs = qs.filter(Q(county=unit) | Q(park=unit))
    open_alert = Alert.objects.filter(enterprise=OuterRef("pk"), kind=AlertKind.EXIT_RISK, status__in=OPEN_STATUSES)
    return (
        qs.annotate(
            prev_output=Sum("monthly__output", filter=in_year),
            prev_months=Count("monthly", filter=in_year),
        )
        .filter(prev_months__gt=0, prev_output__lte=exit_risk_line())
        .annotate(has_open_alert=Exists(open_alert))
        .select_related("county")
        .order_by("prev_output", "name", "pk")
    )


def warned_count(library: QuerySet[Enterprise]) -> int:
    """How many firms of `library` (an `exit_risk_library`) have an open 退规风险预警."""
    return (
        Alert.objects.filter(enterprise__in=library.values("pk"), kind=AlertKind.EXIT_RISK, status__in=OPEN_STATUSES)
        .values("enterprise")
        .distinct()
        .count()
    )
