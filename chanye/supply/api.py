"""/api/v1/supply/: local sourcing from VAT invoices — per firm and month, per county-level unit, per chain leader and
the outside suppliers — scoped like every list (a county officer sees the purchases of its own firms only). The
figures are the pages' (`selectors`, `analytics`)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from chanye.core import access
from chanye.core.apiparams import Month, Year
from chanye.supply import analytics, selectors

router = Router(tags=["供应链"])


class Shares(Schema):
    total_amount: float = Field(description="采购总额（不含税，万元）")
    local_amount: float = Field(description="向本市登记企业的采购额（万元）")
    local_share: float | None = Field(description="本地配套率（%）；无采购时为空")
    same_county_amount: float = Field(description="向同一县（市、区）企业的采购额（万元）")
    same_county_share: float | None = Field(description="同区县配套率（%）")


class FirmMonth(Shares):
    uscc: str
    month: str


class CountyYear(Shares):
    county_id: int | None
    county: str
    months: list[str]
    meets: bool | None = Field(description="是否达到 XN-LZ-2 目标（政策包无此目标时为空）")


class ClusterYear(Shares):
    key: int = Field(description="集群编号")
    name: str
    top_level: bool
    months: list[str]
    meets: bool | None


class LeaderYear(Schema):
    enterprise_id: int
    uscc: str
    name: str
    industry: str
    figures: Shares | None
    meets: bool | None


class Supplier(Schema):
    uscc: str
    name: str
    region: str | None
    amount: float = Field(description="本市企业向其采购额（万元）")
    share: float | None = Field(description="占本市（范围内）全部市外采购（%）")
    buyers: int
    products: list[str]


class MonthIn(Schema):
    month: Month = Field(description="年月，如 2026-03")


class YearIn(Schema):
    year: Year | None = Field(None, description="年度；不填为有发票数据的最近一年")


def _year(year: int | None) -> int:
    """The year asked for, else the latest with invoices (a year without invoices has no rows)."""
    if year is not None:
        return year
    years = selectors.years()
    return years[0] if years else 0


@router.get("/local-share", response=list[FirmMonth], summary="每家购方企业某月的本地配套率（按用户范围）")
def supply_local_share(request: HttpRequest, q: Query[MonthIn]):
    access.require_reader(request.user, what="供应链")
    if q.month is None:
        raise HttpError(422, "请给出月份，如 month=2026-03")
    return analytics.local_share(f"{q.month:%Y-%m}", buyers=selectors.scope_buyers(request.user))


@router.get("/counties", response=list[CountyYear], summary="各县（市、区）全年本地配套率（按用户范围）")
def supply_counties(request: HttpRequest, q: Query[YearIn]):
    access.require_reader(request.user, what="供应链")
    return [{**c, "county_id": c["key"], "county": c["name"]} for c in selectors.counties(request.user, _year(q.year))]


@router.get("/clusters", response=list[ClusterYear], summary="各产业集群成员企业全年本地配套率（按用户范围）")
def supply_clusters(request: HttpRequest, q: Query[YearIn]):
    access.require_reader(request.user, what="供应链")
    return selectors.clusters(request.user, _year(q.year))


@router.get("/leaders", response=list[LeaderYear], summary="链主企业全年本地配套率（发票口径，XN-LZ-2）")
def supply_leaders(request: HttpRequest, q: Query[YearIn]):
    access.require_reader(request.user, what="供应链")
    return selectors.leader_figures(request.user, _year(q.year))


@router.get("/outside-suppliers", response=list[Supplier], summary="市外供应商（按采购额从高到低）")
def supply_outside_suppliers(request: HttpRequest, q: Query[YearIn]):
    access.require_reader(request.user, what="供应链")
    return selectors.outside(request.user, _year(q.year))["suppliers"]
