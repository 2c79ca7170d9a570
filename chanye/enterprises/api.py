from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from chanye.core import access
from chanye.core.roles import BUSINESS
from chanye.enterprises import selectors
from chanye.enterprises.choices import METRICS, FigureSource
from chanye.enterprises.filtersets import EnterpriseFilter

router = Router(tags=["企业"])


class HonourOut(Schema):
    kind: str
    kind_label: str
    level: str
    grade: str
    year: int | None


class EnterpriseOut(Schema):
    uscc: str
    name: str
    county_code: str
    county: str
    park: str | None
    industry_code: str | None
    is_above_scale: bool
    honours: list[HonourOut]


class EnterpriseDetail(EnterpriseOut):
    aliases: list[str]
    industries: list[str]
    clusters: list[str]
    smart_factory_grade: str
    scale_periods: list[dict]


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[EnterpriseOut]


class FilterIn(Schema):
    q: str = Field("", description="名称或信用代码")
    county: str = Field("", description="区县/园区代码")
    industry: str = Field("", description="重点产业编号，或国民经济行业代码前缀（数字）")
    cluster: str = Field("", description="集群编号（含其下级集群）")
    tier: str = Field("", description="荣誉/梯度类别，如 specialized")
    above_scale: str = Field("", description="1 规上，0 规下")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=500)


def _out(e) -> dict:
    return {
        "uscc": e.uscc,
        "name": e.name,
        "county_code": e.county.code,
        "county": e.county.name,
        "park": e.park.name if e.park_id else None,
        "industry_code": e.industry_code_id,
        "is_above_scale": e.is_above_scale,
        "honours": [
            {"kind": h.kind, "kind_label": h.get_kind_display(), "level": h.level, "grade": h.grade, "year": h.year}
            for h in e.honours.all()
        ],
    }


@router.get("/", response=Page, summary="企业列表（筛选条件同列表页）")
def list_enterprises(request: HttpRequest, filters: Query[FilterIn]):
    access.require(request.user, BUSINESS, what="企业数据")
    f = EnterpriseFilter(**filters.dict(exclude={"page", "page_size"}))
    qs = selectors.enterprise_list(user=request.user, filters=f)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [_out(e) for e in qs[start : start + filters.page_size]],
    }


@router.get("/{uscc}", response=EnterpriseDetail, summary="企业详情")
def get_enterprise(request: HttpRequest, uscc: str):
    access.require(request.user, BUSINESS, what="企业数据")
    e = selectors.access_enterprise(user=request.user, uscc=uscc)
    return {
        **_out(e),
        "aliases": [a.name for a in e.aliases.all()],
        "industries": [i.name for i in e.industries.all()],
        "clusters": [c.name for c in e.clusters.all()],
        "smart_factory_grade": e.smart_factory_grade,
        "scale_periods": [{"entered_on": p.entered_on, "exited_on": p.exited_on} for p in e.scale_periods.all()],
    }


class MonthlyOut(Schema):
    month: dt.date
    source: str
    output: Decimal | None = None
    revenue: Decimal | None = None
    main_revenue: Decimal | None = None
    profit: Decimal | None = None
    tax: Decimal | None = None
    employees: Decimal | None = None
    rd_expense: Decimal | None = None
    electricity: Decimal | None = None
    invoice_sales: Decimal | None = None


@router.get(
    "/{uscc}/monthly", response=list[MonthlyOut], summary="企业月度数据（金额单位万元，用电量万千瓦时，从业人员人）"
)
def enterprise_monthly(request: HttpRequest, uscc: str, source: str = ""):
    e = selectors.access_enterprise(user=request.user, uscc=uscc)
    rows = selectors.monthly_rows(enterprise=e)
    if source in FigureSource.values:
        rows = rows.filter(source=source)
    return [{"month": r.month, "source": r.source, **{m.field: getattr(r, m.field) for m in METRICS}} for r in rows]
