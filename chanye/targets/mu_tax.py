"""亩均税收 evaluation of every park (HG-A-1 “坚持园区亩均税收综合评价全覆盖”): a year's tax of the enterprises in the
park (万元, the tax recorded in their monthly figures: the tax bureau's figure where given, else the statistics') over
the park's industrial land area (亩, `ParkLand`), ranked. A park without its land area is listed as not evaluated, with
the reason — full coverage is the goal, so the gap shows. Page and export read `evaluate`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from chanye.enterprises.models import Enterprise, MonthlyFigure
from chanye.regions.models import Region
from chanye.targets.figure_uses import MU_TAX
from chanye.targets.models import ParkLand

SOURCE_ORDER = MU_TAX.sources  # whose tax figure counts when several sources report one


@dataclass
class ParkRow:
    park: Region
    firms: int
    tax: Decimal | None  # 万元
    area_mu: Decimal | None
    rank: int | None = None

    @property
    def per_mu(self) -> Decimal | None:
        """万元/亩, two decimals; None when the park cannot be evaluated."""
        if self.tax is None or not self.area_mu:
            return None
        return (self.tax / self.area_mu).quantize(Decimal("0.01"))

    @property
    def missing(self) -> str:
        if not self.area_mu:
            return "未导入用地面积"
        if self.tax is None:
            return "园区企业没有税收数据"
        return ""


def parks() -> list[Region]:
    """Every park of the city (the evaluation covers them all)."""
    return list(Region.objects.filter(level="park").order_by("code"))


def _unit_parks() -> set[int]:
    """Parks that are county-level units (黄冈 龙感湖管理区): their firms are registered under them as their county."""
    return set(Region.objects.unit_parks().values_list("pk", flat=True))


def _place(park_id: int | None, county_id: int | None, unit_parks: set[int]) -> int | None:
    """The park a firm counts for: its park, else its county when that county is a park."""
    return park_id if park_id is not None else (county_id if county_id in unit_parks else None)


def _tax_by_park(year: int) -> dict[int, Decimal]:
    """Per park, the year's tax of its enterprises: per enterprise and month the first source of SOURCE_ORDER that
    reports a tax, summed."""
    unit_parks = _unit_parks()
    rows = (
        MonthlyFigure.objects.filter(month__year=year, tax__isnull=False)
        .filter(Q(enterprise__park__isnull=False) | Q(enterprise__county__in=unit_parks))
        .values("enterprise_id", "enterprise__park_id", "enterprise__county_id", "month", "source")
        .annotate(t=Sum("tax"))
    )
    best: dict[tuple[int, object], tuple[int, int, Decimal]] = {}
    for r in rows:
        rank = SOURCE_ORDER.index(r["source"]) if r["source"] in SOURCE_ORDER else len(SOURCE_ORDER)
        key = (r["enterprise_id"], r["month"])
        place = _place(r["enterprise__park_id"], r["enterprise__county_id"], unit_parks)
        if place is not None and (key not in best or rank < best[key][0]):
            best[key] = (rank, place, r["t"])
    out: dict[int, Decimal] = {}
    for _, park_id, t in best.values():
        out[park_id] = out.get(park_id, Decimal(0)) + t
    return out


def evaluate(year: int) -> list[ParkRow]:
    """Every park with its firms, tax, land area and 亩均税收, ranked (1 = highest); parks not evaluated last."""
    tax = _tax_by_park(year)
    area = dict(ParkLand.objects.filter(year=year).values_list("region_id", "area_mu"))
    unit_parks = _unit_parks()
    firms: dict[int, int] = {}
    for park_id, county_id, n in (
        Enterprise.objects.filter(Q(park__isnull=False) | Q(county__in=unit_parks))
        .values_list("park", "county")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        place = _place(park_id, county_id, unit_parks)
        if place is not None:
            firms[place] = firms.get(place, 0) + n
    rows = [ParkRow(p, firms.get(p.pk, 0), tax.get(p.pk), area.get(p.pk)) for p in parks()]
    rated = sorted((r for r in rows if r.per_mu is not None), key=lambda r: (-(r.per_mu or 0), r.park.code))
    for i, r in enumerate(rated, start=1):
        r.rank = i
    return rated + [r for r in rows if r.per_mu is None]


def coverage(rows: list[ParkRow]) -> tuple[int, int]:
    """(parks evaluated, parks in all)."""
    return sum(1 for r in rows if r.per_mu is not None), len(rows)
