"""/api/v1/chains/ and /api/v1/leads/ (issue 6 §7, XN-CL-5, XN-SYS-4): chain maps with each link's figures and gap
status and the chain's lead bank with its coverage (XN-LZ-11), the gap list (缺失/薄弱环节) of a chain, and the
attraction leads (招商线索) with their history.

Same rules as the pages (`chanye.chains.views_map`): readers are the city, county/park officers and department viewers;
other roles (enterprise users, auditors, system and security administrators) get 404 like everywhere else in the API.
Chain templates are city-wide; the figures on them count only the enterprises the user may see
(`LinkEnterprise.objects.for_user`), so a county officer gets their own county's figures whatever `?county=` says, and a
city-wide user may narrow them to one county-level unit. Leads are scoped by county (`Lead.objects.for_user`); a lead
outside the scope is 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from chanye.core import access
from chanye.industry.models import Cluster
from chanye.regions.models import Region

from . import finance, selectors
from .models import Chain, ChainEdge, Lead, LeadStage, Stage

STATUSES = ("missing", "weak", "single", "strong")

router = Router(tags=["产业链图谱"])
leads_router = Router(tags=["招商线索"])


def _require(request: HttpRequest) -> None:
    access.require_reader(request.user, what="产业链与招商数据")


def _county(request: HttpRequest, code: str) -> Region | None:
    """`?county=`: a county officer's figures are their own unit's already (the parameter is ignored); a city-wide user
    may pick one county-level unit by its code (an unknown code is 404)."""
    code = code.strip()
    if not code or access.is_officer(request.user):
        return None
    county = Region.objects.county_level().filter(code=code).first()
    if county is None:
        raise HttpError(404, f"区县代码“{code}”不存在")
    return county


def _chain_figures(
    request: HttpRequest, chain_id: int, county: str
) -> tuple[Chain, Region | None, tuple[dt.date, dt.date] | None, selectors.Thresholds, list[selectors.LinkFigures]]:
    """One chain (an inactive one only for those who may edit it) and its links' figures for the user and `?county=`:
    (chain, the county-level unit the figures are limited to, the output window, the thresholds, the figures)."""
    _require(request)
    try:
        chain = selectors.access_chain(user=request.user, pk=chain_id)
    except Http404 as e:
        raise HttpError(404, "未找到") from e
    unit = _county(request, county)
    window = selectors.figures_window()
    thresholds = selectors.Thresholds.from_pack()
    figures = selectors.link_figures(
        chain, user=request.user, county=unit, until=window[1] if window else None, thresholds=thresholds
    )
    shown = request.user.region if access.is_officer(request.user) else unit
    return chain, shown, window, thresholds, figures


# ---------------------------------------------------------------- chains


class StatusCounts(Schema):
    missing: int = Field(description="缺失：本地无企业")
    weak: int = Field(description="薄弱：企业数或产值占比低于门槛")
    single: int = Field(description="单一支撑：关键环节仅一家企业")
    strong: int = Field(description="较强")


class FinanceOut(Schema):
    members: int = Field(description="链上企业数（按用户范围，一家企业在多个环节只计一次）")
    covered: int = Field(description="其中由主办银行服务覆盖的企业数（XN-LZ-11）")
    credit: Decimal = Field(description="已覆盖企业的授信额度合计（万元）")
    complete: bool = Field(description="主办银行已覆盖链上每家企业")


class ChainOut(Schema):
    id: int
    code: str
    name: str
    cluster_code: str | None
    cluster: str | None
    rule: str
    description: str
    links: int = Field(description="环节数")
    enterprises: int = Field(description="链上本地企业数（按用户范围，一家企业在多个环节只计一次）")
    status_counts: StatusCounts
    lead_bank: str = Field(description="主办银行（XN-LZ-11：一家主办银行服务一条产业链）；未确定时为空")
    lead_bank_since: dt.date | None = Field(description="主办银行对接日期")
    finance: FinanceOut = Field(description="主办银行对链上企业的覆盖（按用户范围和区县）")


class FiguresOut(Schema):
    enterprises: int
    above_scale: int = Field(description="规上企业数")
    leaders: int = Field(description="链主企业数")
    output: Decimal = Field(description="近12个月工业总产值（万元，统计口径）")
    share: Decimal | None = Field(description="产值占全链比重（%）；全链无产值时为空")
    status: str
    status_label: str
    reasons: list[str]
    targets: int = Field(description="招商目标企业数")


class LinkOut(Schema):
    id: int
    code: str
    name: str
    stage: str
    stage_label: str
    position: int
    description: str
    gbt4754: list[str]
    products: list[str]
    key: bool = Field(description="关键环节")
    chokepoint: bool = Field(description="卡脖子环节")
    next: list[str] = Field(description="下游环节编号")
    figures: FiguresOut


class ChainDetail(ChainOut):
    county_code: str | None = Field(description="只统计该区县时的区县代码")
    window_from: dt.date | None = Field(description="产值统计区间起（月）")
    window_to: dt.date | None
    min_enterprises: int = Field(description="薄弱门槛：最少企业数（政策包）")
    min_share: Decimal = Field(description="薄弱门槛：最低产值占比（%，政策包）")
    chain_links: list[LinkOut]


class GapOut(Schema):
    id: int
    code: str
    name: str
    stage: str
    stage_label: str
    key: bool
    chokepoint: bool
    figures: FiguresOut


class GapsOut(Schema):
    chain_id: int
    chain_code: str
    chain: str
    county_code: str | None
    county: str | None
    gaps: list[GapOut]


def _counts(figures: list[selectors.LinkFigures]) -> dict[str, int]:
    return {k: sum(1 for f in figures if f.status == k) for k in STATUSES}


def _chain_out(chain: Chain, figures: list[selectors.LinkFigures], fin: finance.ChainFinance) -> dict[str, Any]:
    return {
        "id": chain.pk,
        "code": chain.code,
        "name": chain.name,
        "cluster_code": chain.cluster.code if chain.cluster else None,
        "cluster": chain.cluster.name if chain.cluster else None,
        "rule": chain.rule,
        "description": chain.description,
        "links": len(figures),
        "enterprises": selectors.chain_enterprises(figures),
        "status_counts": _counts(figures),
        "lead_bank": chain.lead_bank,
        "lead_bank_since": chain.lead_bank_since,
        "finance": {"members": fin.members, "covered": fin.covered, "credit": fin.credit, "complete": fin.complete},
    }


def _figures_out(f: selectors.LinkFigures) -> dict[str, Any]:
    return {
        "enterprises": f.enterprises,
        "above_scale": f.above_scale,
        "leaders": f.leaders,
        "output": f.output,
        "share": f.share,
        "status": f.status,
        "status_label": f.status_label,
        "reasons": f.reasons,
        "targets": f.targets,
    }


@router.get("/", response=list[ChainOut], summary="产业链列表：环节数与缺失/薄弱/单一支撑/较强环节数（按用户范围）")
def list_chains(
    request: HttpRequest,
    cluster: str = Query("", description="产业集群编号（含其子集群的产业链）"),
    county: str = Query("", description="区县/园区代码（市级用户；区县用户固定为本单位）"),
):
    _require(request)
    unit = _county(request, county)
    picked = Cluster.objects.filter(code=cluster.strip()).first() if cluster else None
    if cluster and picked is None:
        return []
    chains = list(selectors.chains_for(cluster=picked))
    window = selectors.figures_window()
    figures = selectors.link_figures_many(chains, user=request.user, county=unit, until=window[1] if window else None)
    fins = finance.finance_many(chains, user=request.user, county=unit)
    return [_chain_out(c, figures[c.pk], fins[c.pk]) for c in chains]


@router.get(
    "/{int:chain_id}",
    response=ChainDetail,
    summary="一条产业链：各环节（位置、行业代码、产品、关键/卡脖子、下游）及其企业数、规上、产值、占比与状态",
)
def get_chain(
    request: HttpRequest,
    chain_id: int,
    county: str = Query("", description="区县/园区代码（市级用户；区县用户固定为本单位）"),
):
    chain, shown, window, thresholds, figures = _chain_figures(request, chain_id, county)
    fin = finance.chain_finance(chain, user=request.user, county=_county(request, county))
    codes = {f.link.pk: f.link.code for f in figures}
    nxt: dict[int, list[str]] = {}
    for a, b in (
        ChainEdge.objects.filter(source__chain=chain).order_by("target__position").values_list("source_id", "target_id")
    ):
        nxt.setdefault(a, []).append(codes[b])
    return {
        **_chain_out(chain, figures, fin),
        "county_code": shown.code if shown else None,
        "window_from": window[0] if window else None,
        "window_to": window[1] if window else None,
        "min_enterprises": thresholds.min_enterprises,
        "min_share": thresholds.min_share,
        "chain_links": [
            {
                "id": f.link.pk,
                "code": f.link.code,
                "name": f.link.name,
                "stage": f.link.stage,
                "stage_label": Stage(f.link.stage).label,
                "position": f.link.position,
                "description": f.link.description,
                "gbt4754": [str(c) for c in f.link.gbt4754 or []],
                "products": [str(p) for p in f.link.products or []],
                "key": f.link.is_key,
                "chokepoint": f.link.is_chokepoint,
                "next": nxt.get(f.link.pk, []),
                "figures": _figures_out(f),
            }
            for f in figures
        ],
    }


@router.get(
    "/{int:chain_id}/gaps",
    response=GapsOut,
    summary="一条产业链的缺失/薄弱环节（XN-CL-5），缺失在前；可按区县",
)
def chain_gaps(
    request: HttpRequest,
    chain_id: int,
    county: str = Query("", description="区县/园区代码（市级用户；区县用户固定为本单位）"),
):
    chain, shown, _, _, figures = _chain_figures(request, chain_id, county)
    return {
        "chain_id": chain.pk,
        "chain_code": chain.code,
        "chain": chain.name,
        "county_code": shown.code if shown else None,
        "county": shown.name if shown else None,
        "gaps": [
            {
                "id": f.link.pk,
                "code": f.link.code,
                "name": f.link.name,
                "stage": f.link.stage,
                "stage_label": Stage(f.link.stage).label,
                "key": f.link.is_key,
                "chokepoint": f.link.is_chokepoint,
                "figures": _figures_out(f),
            }
            for f in selectors.gaps(figures)
        ],
    }


# ---------------------------------------------------------------- leads


class LeadOut(Schema):
    id: int
    code: str
    company: str
    uscc: str
    county_code: str
    county: str
    cluster_code: str | None
    cluster: str | None
    chain_id: int | None
    chain: str | None
    link_id: int | None
    link_code: str | None
    link: str | None
    target_id: int | None
    owner: str = Field(description="负责人")
    owner_username: str | None
    stage: str
    stage_label: str
    project_name: str
    investment: Decimal | None = Field(description="拟投资额（亿元）")
    found_on: dt.date
    contacted_on: dt.date | None
    visited_on: dt.date | None
    signed_on: dt.date | None
    landed_on: dt.date | None
    dropped_on: dt.date | None
    drop_reason: str
    project_id: int | None = Field(description="签约后登记的项目（四色图）")
    project_code: str | None
    updated_at: dt.datetime


class LeadPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LeadOut]


class LeadFilterIn(Schema):
    stage: str = Field("", description="clue/contact/visit/signed/landed/dropped（线索/接洽/考察/签约/落地/终止）")
    cluster: str = Field("", description="产业集群编号（含子集群）")
    county: str = Field("", description="落户区县/园区代码")
    owner: str = Field("", description="负责人：用户名或姓名")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=500)


class LeadEventOut(Schema):
    from_stage: str
    from_stage_label: str
    to_stage: str
    to_stage_label: str
    on: dt.date
    note: str
    user: str | None


class LeadDetail(LeadOut):
    notes: str
    events: list[LeadEventOut]


def _leads(request: HttpRequest) -> Any:
    return Lead.objects.for_user(request.user).select_related(
        "county", "cluster", "link", "link__chain", "owner", "project"
    )


def _lead_out(x: Lead) -> dict[str, Any]:
    return {
        "id": x.pk,
        "code": x.code,
        "company": x.company,
        "uscc": x.uscc,
        "county_code": x.county.code,
        "county": x.county.name,
        "cluster_code": x.cluster.code if x.cluster else None,
        "cluster": x.cluster.name if x.cluster else None,
        "chain_id": x.link.chain_id if x.link else None,
        "chain": x.link.chain.name if x.link else None,
        "link_id": x.link_id,
        "link_code": x.link.code if x.link else None,
        "link": x.link.name if x.link else None,
        "target_id": x.target_id,
        "owner": x.owner_label,
        "owner_username": x.owner.username if x.owner else None,
        "stage": x.stage,
        "stage_label": x.get_stage_display(),
        "project_name": x.project_name,
        "investment": x.investment,
        "found_on": x.found_on,
        "contacted_on": x.contacted_on,
        "visited_on": x.visited_on,
        "signed_on": x.signed_on,
        "landed_on": x.landed_on,
        "dropped_on": x.dropped_on,
        "drop_reason": x.drop_reason,
        "project_id": x.project_id,
        "project_code": x.project.code if x.project else None,
        "updated_at": x.updated_at,
    }


@leads_router.get("/", response=LeadPage, summary="招商线索（线索→接洽→考察→签约→落地），按用户范围，分页")
def list_leads(request: HttpRequest, filters: Query[LeadFilterIn]):
    _require(request)
    qs = _leads(request)
    if filters.stage:
        qs = qs.filter(stage=filters.stage) if filters.stage in LeadStage.values else qs.none()
    if filters.cluster:
        qs = qs.filter(Q(cluster__code=filters.cluster) | Q(cluster__parent__code=filters.cluster))
    if filters.county:
        qs = qs.filter(county__code=filters.county)
    if filters.owner:
        o = filters.owner.strip()
        qs = qs.filter(Q(owner__username=o) | Q(owner__full_name=o) | Q(owner_name=o))
    qs = qs.order_by("-updated_at", "-pk")
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [_lead_out(x) for x in qs[start : start + filters.page_size]],
    }


@leads_router.get("/{int:lead_id}", response=LeadDetail, summary="一条招商线索及其进展记录")
def get_lead(request: HttpRequest, lead_id: int):
    _require(request)
    x = access.get(_leads(request), request.user, what="招商线索", pk=lead_id)
    return {
        **_lead_out(x),
        "notes": x.notes,
        "events": [
            {
                "from_stage": e.from_stage,
                "from_stage_label": e.get_from_stage_display() if e.from_stage else "",
                "to_stage": e.to_stage,
                "to_stage_label": e.get_to_stage_display(),
                "on": e.on,
                "note": e.note,
                "user": (e.user.get_full_name() or e.user.username) if e.user else None,
            }
            for e in x.events.select_related("user").order_by("created_at", "pk")
        ],
    }
