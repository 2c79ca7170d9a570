"""Whether a project's 预计新增产值 is believable (issue 13: growth points whose expected added output summed to more
than the whole city's 规上 output). Flagged, not refused — the figure may be right — on the project page, after a save,
in the project import and on the growth-point page, with what it was compared with.

Two platform defaults (no seed text states a bound; change them here, with a reason):
- a year's added output of at most 3 times the total investment (manufacturing projects' 投资产出比 is about 1–2 at full
  production; 3 leaves room) — beyond that a unit is likely wrong (元 or 亿元 written as 万元);
- at most half the county's 规上 output of the previous year (统计, MonthSummary) — one project adding more than
  half of a county's industry in a year is possible but must be checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum

OUTPUT_PER_INVESTMENT_MAX = Decimal(3)
SHARE_OF_COUNTY_MAX = Decimal("0.5")
WAN_PER_YI = Decimal(10000)


def county_outputs(year: int, counties: Iterable[int] | None = None) -> dict[int, Decimal]:
    """Each county-level unit's 规上 output (万元) of `year` from the monthly summaries; units without figures are
    left out (nothing to compare with)."""
    from chanye.analytics.models import MonthSummary

    qs = MonthSummary.objects.filter(month__year=year, above_scale=True, cluster__isnull=True, region__isnull=False)
    if counties is not None:
        qs = qs.filter(region_id__in=list(counties))
    rows = qs.values("region_id").annotate(s=Sum("output")).values_list("region_id", "s").order_by()
    return {pk: s for pk, s in rows if s}


def doubts(
    *, investment: Decimal | None, expected_output: Decimal | None, county_output: Decimal | None, year: int
) -> list[str]:
    """What is implausible about an expected added output (万元), in words; [] when nothing is."""
    if not expected_output or expected_output <= 0:
        return []
    out = []
    if investment and investment > 0:
        ratio = expected_output / (investment * WAN_PER_YI)
        if ratio > OUTPUT_PER_INVESTMENT_MAX:
            out.append(
                f"预计新增产值{expected_output / WAN_PER_YI:,.2f}亿元是总投资（{investment:,.2f}亿元）的"
                f"{ratio:,.1f}倍，超过{OUTPUT_PER_INVESTMENT_MAX:f}倍：请核实数值和单位（万元）"
            )
    if county_output and expected_output > county_output * SHARE_OF_COUNTY_MAX:
        out.append(
            f"预计新增产值{expected_output / WAN_PER_YI:,.2f}亿元超过所在区县{year - 1}年规上工业总产值"
            f"（{county_output / WAN_PER_YI:,.2f}亿元）的一半：请核实"
        )
    return out


def project_doubts(
    project: Any, *, today: dt.date | None = None, outputs: dict[int, Decimal] | None = None
) -> list[str]:
    """`doubts` of a project, against its county's output of the year before `today`'s (or the given `outputs`)."""
    from django.utils import timezone

    year = (today or timezone.localdate()).year
    if outputs is None:
        outputs = county_outputs(year - 1, [project.county_id])
    return doubts(
        investment=project.investment,
        expected_output=project.expected_output,
        county_output=outputs.get(project.county_id),
        year=year,
    )
