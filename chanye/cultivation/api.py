from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from chanye.core import access
from chanye.core.apiparams import Month, Year
from chanye.cultivation.models import Alert

router = Router(tags=["培育与预警"])


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    rule: str
    month: dt.date
    status: str
    status_label: str
    uscc: str
    enterprise: str
    county: str
    measure: Decimal | None
    reference: Decimal | None
    change_pct: Decimal | None
    detail: str
    reason: str


@router.get("/", response=list[AlertOut], summary="预警（规上门槛 XN-GS-6、退规风险 XN-GS-7），按用户范围")
def list_alerts(request: HttpRequest, kind: str = "", status: str = "", month: Month = None):
    access.require_reader(request.user, what="培育与链主数据")
    qs = Alert.objects.for_user(request.user).select_related("enterprise", "enterprise__county")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if month:
        qs = qs.filter(month=month)
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "kind_label": a.get_kind_display(),
            "rule": a.rule,
            "month": a.month,
            "status": a.status,
            "status_label": a.get_status_display(),
            "uscc": a.enterprise.uscc,
            "enterprise": a.enterprise.name,
            "county": a.enterprise.county.name,
            "measure": a.measure,
            "reference": a.reference,
            "change_pct": a.change_pct,
            "detail": a.detail,
            "reason": a.reason,
        }
        for a in qs[:5000]
    ]


class LeaderOut(Schema):
    id: int
    industry: str
    uscc: str
    enterprise: str
    county: str
    status: str
    status_label: str
    score: Decimal | None
    applied_on: dt.date
    notice_start: dt.date | None
    notice_end: dt.date | None
    approved_on: dt.date | None
    revoked_on: dt.date | None
    reason: str


def _leader_row(x: Any) -> dict[str, Any]:
    return {
        "id": x.pk,
        "industry": x.industry.name,
        "uscc": x.enterprise.uscc,
        "enterprise": x.enterprise.name,
        "county": x.enterprise.county.name,
        "status": x.status,
        "status_label": x.get_status_display(),
        "score": x.score,
        "applied_on": x.applied_on,
        "notice_start": x.notice_start,
        "notice_end": x.notice_end,
        "approved_on": x.approved_on,
        "revoked_on": x.revoked_on,
        "reason": x.reason,
    }


leaders_router = Router(tags=["链主企业"])


@leaders_router.get("/", response=list[LeaderOut], summary="链主企业库与申报（XN-LZ-1、XN-LZ-9），按用户范围")
def list_leaders(request: HttpRequest, status: str = "", industry: str = ""):
    access.require_reader(request.user, what="培育与链主数据")
    from chanye.cultivation.models import ChainLeader

    qs = ChainLeader.objects.for_user(request.user).select_related("industry", "enterprise", "enterprise__county")
    if status:
        qs = qs.filter(status=status)
    if industry:
        qs = qs.filter(industry__code=industry)
    return [_leader_row(x) for x in qs]


class DutyOut(Schema):
    kind: str
    label: str
    rule: str
    counted: int
    recorded: int
    target: Decimal | None
    min_amount: Decimal | None
    status: str


class DemandOut(Schema):
    id: int
    raised_on: dt.date
    content: str
    department: str
    due_on: dt.date | None
    status: str
    status_label: str
    response: str
    closed_on: dt.date | None


class LeaderChainOut(Schema):
    chain_id: int
    chain: str
    lead_bank: str
    lead_bank_since: dt.date | None
    members: int = Field(description="链上企业数（按用户范围，一家企业在多个环节只计一次）")
    covered: int = Field(description="由主办银行服务覆盖的企业数")
    credit: Decimal = Field(description="授信额度合计（万元）")


class LeaderDetailOut(LeaderOut):
    year: int
    official: str | None
    duties: list[DutyOut]
    missed_visit_months: list[str]
    demands: list[DemandOut]
    local_supporting_rate: Decimal | None
    local_supporting_rate_source: str  # invoices (增值税发票), declared (企业申报) or "" (neither)
    lead_bank: str = Field(description="所在产业链的主办银行（XN-LZ-11：一条产业链一家；在多条产业链上时以“、”分隔）")
    chain_members: int = Field(description="所在产业链的链上企业数（按用户范围；多条产业链时逐链相加）")
    chain_members_served: int = Field(description="其中由该产业链主办银行服务覆盖的企业数")
    chains: list[LeaderChainOut] = Field(description="所在产业链（链主角色在前）及各自的主办银行与覆盖")


@leaders_router.get(
    "/{int:leader_id}",
    response=LeaderDetailOut,
    summary="一家链主企业：年度履职（XN-LZ-3/4/5）、包保走访与诉求（XN-LZ-10）、本地化配套率（XN-LZ-2）、主办银行（XN-LZ-11）",
)
def leader_detail(request: HttpRequest, leader_id: int, year: Year | None = None):
    access.require_reader(request.user, what="培育与链主数据")
    from chanye.cultivation import duties, finance, supply, visits
    from chanye.cultivation.models import ChainLeader

    x = access.get(
        ChainLeader.objects.select_related("industry", "enterprise", "enterprise__county"),
        request.user,
        what="链主企业",
        pk=leader_id,
    )
    year = year or timezone.localdate().year
    official = visits.current_official(x)
    return {
        **_leader_row(x),
        "year": year,
        "official": str(official) if official else None,
        "duties": [
            {
                "kind": p.duty.kind,
                "label": p.label,
                "rule": p.duty.rule,
                "counted": p.counted,
                "recorded": p.recorded,
                "target": p.target,
                "min_amount": p.min_amount,
                "status": p.status,
            }
            for p in duties.duty_progress(x, year)
        ],
        "missed_visit_months": [f"{m:%Y-%m}" for m in visits.missed_months(x) if m.year == year],
        "demands": [
            {
                "id": d.pk,
                "raised_on": d.raised_on,
                "content": d.content,
                "department": d.department,
                "due_on": d.due_on,
                "status": d.status,
                "status_label": d.get_status_display(),
                "response": d.response,
                "closed_on": d.closed_on,
            }
            for d in x.demands.all()
        ],
        "local_supporting_rate": (rate := supply.leader_rate(x, year)).rate,
        "local_supporting_rate_source": rate.source,
        "lead_bank": finance.banks(chains := finance.leader_finance(x, user=request.user)),
        "chain_members": sum(f.members for f in chains),
        "chain_members_served": sum(f.covered for f in chains),
        "chains": [
            {
                "chain_id": f.chain_id,
                "chain": f.chain,
                "lead_bank": f.bank,
                "lead_bank_since": f.since,
                "members": f.members,
                "covered": f.covered,
                "credit": f.credit,
            }
            for f in chains
        ],
    }
