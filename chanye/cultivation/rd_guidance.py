"""研发强度引导名单 (XN-RD-4): “对工业企业研发投入占比达到高新技术企业认定标准2倍以上的，指导申报重大专项、创新平台、
新型研发机构、高质量发展、试点示范等项目” (seeds/000, 研发投入提升实施方案).

Two numbers, both from the active pack and from no other:

* the multiple — threshold `rd_intensity_guidance_multiple` (咸宁: 2, comparator `>=`: 2倍以上 includes 2×);
* the 高企 standard — section `high_tech_rd_bands`: R&D expense as a share of sales revenue by revenue band. The seed
  text only names “高新技术企业认定标准”; the 咸宁 packs write the national 《高新技术企业认定管理办法》 第十一条 bands
  (≤5000万元 5%, 5000万元–2亿元 4%, >2亿元 3%; each bound in the lower band) as a platform default.

A pack stating either one without the other, or neither (鄂州, 黄冈, 益阳), gets no list: `GuidanceList.missing` says
what is missing and nothing is computed with borrowed numbers.

The basis is one full calendar year of 统计 monthly figures (当月数, 万元): 营业收入 (主营业务收入 for a month without
营业收入) and 研发费用 summed over January–December of the year. By default the year is the last full calendar year
available: the year of the latest 统计 month when that month is December, else the year before. The 认定办法 reads
three accounting years; the platform reads one year's figures and the list is guidance, not a recognition. A firm with
no revenue or no R&D expense in that year is not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chanye.analytics.models import FigureMonth
from chanye.core import bounds
from chanye.enterprises.models import Enterprise
from chanye.industry.models import Threshold
from chanye.industry.selectors import active_pack
from chanye.regions.models import Region

RULE = "XN-RD-4"
MULTIPLE_KEY = "rd_intensity_guidance_multiple"
BANDS_KEY = "high_tech_rd_bands"
WAN_PER_YI = Decimal(10000)
NO_BANDS = (
    "本市政策包未写高新技术企业认定标准的研发费用占比分档，不生成研发强度引导名单"
    "（供市级管理员：政策包 high_tech_rd_bands 一节）。"
)
NO_MULTIPLE = (
    "本市政策包未写研发投入占比的引导倍数，不生成研发强度引导名单"
    "（供市级管理员：政策包阈值 rd_intensity_guidance_multiple）。"
)


def _money(v: Decimal) -> str:
    """万元 as the 认定办法 writes it: 5000万元, 2亿元."""
    if v >= WAN_PER_YI and v % WAN_PER_YI == 0:
        return f"{(v / WAN_PER_YI).normalize():f}亿元"
    return f"{v.normalize():f}万元"


@dataclass(frozen=True)
class Band:
    """One 高企 band: revenue above `revenue_min` (None: from 0) up to `revenue_max` 万元 (含; None: open)."""

    revenue_min: Decimal | None
    revenue_max: Decimal | None
    min_share: Decimal  # %

    @property
    def label(self) -> str:
        share = f"不低于{self.min_share.normalize():f}%"
        if self.revenue_max is None:
            return f"{_money(self.revenue_min or Decimal(0))}以上，{share}"
        if self.revenue_min is None:
            return f"{_money(self.revenue_max)}（含）以下，{share}"
        return f"{_money(self.revenue_min)}至{_money(self.revenue_max)}（含），{share}"

    def holds(self, revenue: Decimal) -> bool:
        return (self.revenue_min is None or revenue > self.revenue_min) and (
            self.revenue_max is None or revenue <= self.revenue_max
        )


@dataclass(frozen=True)
class Standard:
    """XN-RD-4 as the active pack states it: the 高企 bands and the multiple of them that lists a firm."""

    bands: tuple[Band, ...]
    multiple: Decimal
    comparator: str  # ">=" (以上, the bound included) or ">"
    source: str

    def band_for(self, revenue: Decimal) -> Band:
        return next(b for b in self.bands if b.holds(revenue))

    def reaches(self, *, revenue: Decimal, rd: Decimal, band: Band) -> bool:
        """R&D ÷ revenue against multiple × the band's share, in exact decimals (no rounded percentage decides)."""
        need = self.multiple * band.min_share * revenue
        have = rd * 100
        return bounds.reaches(have, self.comparator, need)


@dataclass(frozen=True)
class Row:
    enterprise_id: int
    uscc: str
    name: str
    county: str
    revenue: Decimal  # 万元
    rd: Decimal  # 万元
    months: int  # months of the year with revenue
    intensity: Decimal  # %, two decimals
    band: Band
    required: Decimal  # %: multiple × the band's share
    reached: Decimal  # 倍: intensity ÷ the band's share, two decimals


@dataclass
class GuidanceList:
    year: int
    standard: Standard | None
    missing: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def configured(self) -> bool:
        return self.standard is not None


def standard() -> tuple[Standard | None, list[str]]:
    """The active pack's XN-RD-4 standard, or None and what the pack does not state."""
    pack = active_pack()
    content = (pack.content or {}) if pack else {}
    section = content.get(BANDS_KEY) or {}
    multiple = Threshold.objects.filter(key=MULTIPLE_KEY, pack=pack).first() if pack else None
    missing = ([] if section.get("bands") else [NO_BANDS]) + ([] if multiple else [NO_MULTIPLE])
    if missing or multiple is None:
        return None, missing
    bands: list[Band] = []
    lower: Decimal | None = None
    for b in section["bands"]:
        upper = Decimal(str(b["revenue_max"])) if b.get("revenue_max") is not None else None
        bands.append(Band(revenue_min=lower, revenue_max=upper, min_share=Decimal(str(b["min_share"]))))
        lower = upper
    comparator = ">" if multiple.comparator == ">" else ">="
    return Standard(tuple(bands), multiple.value, comparator, str(section.get("source", ""))), []


def last_full_year(today: dt.date | None = None) -> int:
    """The last calendar year whose December holds 统计 figures (FigureMonth); without any, the year before today."""
    latest = FigureMonth.objects.filter(source="stats", figures__gt=0).aggregate(m=Max("month"))["m"]
    if latest is None:
        return (today or timezone.localdate()).year - 1
    return latest.year if latest.month == 12 else latest.year - 1


def guidance_list(*, user: Any, year: int | None = None, unit: Region | None = None) -> GuidanceList:
    """XN-RD-4: the firms of the user's scope (optionally one county-level unit or park) whose R&D intensity of `year`
    (default `last_full_year()`) reaches the pack's multiple of the 高企 share of their revenue band, highest multiple
    first. The page and the export both read this list."""
    year = last_full_year() if year is None else year
    std, missing = standard()
    out = GuidanceList(year=year, standard=std, missing=missing)
    if std is None:
        return out
    qs = Enterprise.objects.for_user(user)
    if unit is not None:
        qs = qs.filter(Q(county=unit) | Q(park=unit))
    # filter() before annotate(): the sums read only the year's 统计 rows (the (month, source) index), one join.
    in_year = qs.filter(
        monthly__source="stats", monthly__month__gte=dt.date(year, 1, 1), monthly__month__lte=dt.date(year, 12, 1)
    )
    reported = Q(monthly__revenue__isnull=False) | Q(monthly__main_revenue__isnull=False)
    figures = (
        in_year.annotate(
            year_revenue=Sum(Coalesce("monthly__revenue", "monthly__main_revenue")),
            year_rd=Sum("monthly__rd_expense"),
            year_months=Count("monthly", filter=reported),
        )
        .filter(year_revenue__gt=0, year_rd__gt=0)
        .values_list("pk", "uscc", "name", "county__name", "year_revenue", "year_rd", "year_months")
        .order_by()
    )
    for pk, uscc, name, county, rev, rd, months in figures:
        band = std.band_for(rev)
        if not std.reaches(revenue=rev, rd=rd, band=band):
            continue
        intensity = rd / rev * 100
        out.rows.append(
            Row(
                enterprise_id=pk,
                uscc=uscc,
                name=name,
                county=county or "",
                revenue=rev,
                rd=rd,
                months=months,
                intensity=intensity.quantize(Decimal("0.01")),
                band=band,
                required=std.multiple * band.min_share,
                reached=(intensity / band.min_share).quantize(Decimal("0.01")),
            )
        )
    out.rows.sort(key=lambda r: (-(r.rd / r.revenue / r.band.min_share), r.name))
    return out


__all__ = ["RULE", "Band", "GuidanceList", "Row", "Standard", "guidance_list", "last_full_year", "standard"]
