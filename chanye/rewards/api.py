"""/api/v1/rewards/: the entitlements of a year (enterprise USCC and name, rule ID, amount in 万元, status,
explanation), paged and scoped like every list: a county officer sees its county's, an enterprise its own."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from chanye.core import access
from chanye.core.apiparams import Year
from chanye.core.roles import BUSINESS
from chanye.rewards import selectors

router = Router(tags=["奖补"])


class EntitlementOut(Schema):
    id: int
    year: int
    rule: str = Field(description="规则编号，如 HG-R-2")
    reward_code: str
    label: str
    uscc: str | None = Field(description="企业统一社会信用代码；集群经费等发给区县的为空")
    enterprise: str | None
    cluster: str | None
    county: str
    subject: str = Field(description="项目（按项目计算的奖补）")
    amount: Decimal = Field(description="金额（万元）")
    status: str
    status_label: str
    explanation: str


class Page(Schema):
    count: int
    page: int
    page_size: int
    total_amount: Decimal = Field(description="本页条件下应兑现（非“不予兑现”、非“已撤销”）金额合计（万元）")
    results: list[EntitlementOut]


class FilterIn(Schema):
    year: Year | None = Field(None, description="年度，如 2025；不填为全部年度")
    status: str = Field(
        "",
        description="computed 测算 / excluded 不予兑现 / published 公示 / approved 审核通过 / paid 已拨付 / "
        "revoked 已撤销",
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/", response=Page, summary="奖补兑现清单（免申即享），按用户范围")
def list_entitlements(request: HttpRequest, filters: Query[FilterIn]):
    access.require(request.user, BUSINESS, what="奖补")
    qs = selectors.entitlement_list(user=request.user, year=filters.year, status=filters.status)
    total = selectors.total_amount(qs)
    page = Paginator(qs, filters.page_size).get_page(filters.page)
    in_range = page.number == filters.page
    return {
        "count": page.paginator.count,
        "page": filters.page,
        "page_size": filters.page_size,
        "total_amount": total,
        "results": [
            {
                "id": e.pk,
                "year": e.year,
                "rule": e.rule,
                "reward_code": e.reward_code,
                "label": e.label,
                "uscc": e.enterprise.uscc if e.enterprise else None,
                "enterprise": e.enterprise.name if e.enterprise else None,
                "cluster": e.cluster.name if e.cluster else None,
                "county": e.county.name,
                "subject": e.subject,
                "amount": e.amount,
                "status": e.status,
                "status_label": e.get_status_display(),
                "explanation": e.explanation,
            }
            for e in (page.object_list if in_range else [])
        ],
    }
