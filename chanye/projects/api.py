"""/api/v1/projects/: the project library with the board's filters (paginated) and one project with its milestones
(XN-XM-3), colour and grade history (XN-XM-4/5) and issues (一单三制, YY-P-2). Same scoping as the pages: a project
outside the user's scope is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from chanye.core import access
from chanye.core.apiparams import Year
from chanye.projects import rules as project_rules
from chanye.projects import selectors
from chanye.projects.filtersets import ProjectFilter

router = Router(tags=["项目"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    investor: str
    uscc: str | None
    county_code: str
    county: str
    park: str | None
    industry: str | None
    cluster: str | None
    kind: str
    list_kind: str
    project_type: str
    investment: Decimal = Field(description="总投资（亿元）")
    tier: str = Field(description="投资级别，如 十亿级")
    signed_on: dt.date | None
    started_on: dt.date | None
    producing_on: dt.date | None
    exited_on: dt.date | None
    status: str
    status_label: str
    colour: str
    colour_label: str
    grade: int
    grade_label: str
    rectify_by: dt.date | None
    overdue_milestones: int
    next_milestone: str | None
    next_milestone_on: dt.date | None


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProjectOut]


class FilterIn(Schema):
    q: str = Field("", description="项目名称、编号或投资主体")
    county: str = Field("", description="区县/园区代码")
    colour: str = Field("", description="四色：green / blue / yellow / red")
    industry: str = Field("", description="重点产业编号")
    cluster: str = Field("", description="产业集群编号（含子集群）")
    kind: str = Field("", description="new 新招引 / upgrade 技改")
    list_kind: str = Field("", description="planning 谋划 / preparatory 前期 / new_build 新建 / continuing 续建")
    project_type: str = Field("", description="industry 产业发展 / infrastructure 基础设施 / livelihood 民生环保")
    tier: str = Field("", description="投资级别（亿元），政策包 investment_tiers 之一，如 10、50、100")
    overdue: str = Field("", description="1：只看有逾期节点的项目")
    signed_year: Year | None = Field(None, description="签约年份，如 2025")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=500)


class MilestoneOut(Schema):
    seq: int
    code: str
    name: str
    planned_on: dt.date | None
    actual_on: dt.date | None
    planned_edited: bool
    overdue: bool
    note: str


class MonthOut(Schema):
    month: dt.date
    status: str
    colour: str
    grade: int
    grade_label: str
    change: str
    on_schedule: bool
    overdue: int


class EventOut(Schema):
    kind: str
    kind_label: str
    on: dt.date
    note: str


class IssueOut(Schema):
    id: int
    raised_on: dt.date
    content: str
    department: str
    due_on: dt.date | None
    status: str
    status_label: str
    overdue: bool
    assigned_on: dt.date | None
    closed_on: dt.date | None
    closing_note: str
    evidence_url: str | None
    evidence_text: str
    events: list[EventOut]


class ProjectDetail(ProjectOut):
    chain_node: str
    expected_output: Decimal | None
    exit_reason: str
    exit_unit: str
    rectify_note: str
    leader: str
    secretaries: list[str]
    steward: str
    responsible_unit: str
    note: str
    milestones: list[MilestoneOut]
    months: list[MonthOut]
    issues: list[IssueOut]


def _require(request: HttpRequest) -> None:
    access.require_reader(request.user, what="项目")


def _out(p, rules: project_rules.ProjectRules) -> dict:
    selectors.decorate(p, rules)
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "investor": p.investor_name,
        "uscc": p.enterprise.uscc if p.enterprise_id else None,
        "county_code": p.county.code,
        "county": p.county.name,
        "park": p.park.name if p.park_id else None,
        "industry": p.industry.name if p.industry_id else None,
        "cluster": p.cluster.name if p.cluster_id else None,
        "kind": p.kind,
        "list_kind": p.list_kind,
        "project_type": p.project_type,
        "investment": p.investment,
        "tier": p.tier_label,
        "signed_on": p.signed_on,
        "started_on": p.started_on,
        "producing_on": p.producing_on,
        "exited_on": p.exited_on,
        "status": p.status,
        "status_label": p.get_status_display(),
        "colour": p.colour,
        "colour_label": p.get_colour_display(),
        "grade": p.grade,
        "grade_label": p.grade_label,
        "rectify_by": p.rectify_by,
        "overdue_milestones": getattr(p, "overdue_count", 0),
        "next_milestone": None if p.status == "exited" else getattr(p, "next_name", None),
        "next_milestone_on": None if p.status == "exited" else getattr(p, "next_on", None),
    }


@router.get("/", response=Page, summary="项目库（筛选条件同四色图），按用户范围")
def list_projects(request: HttpRequest, filters: Query[FilterIn]):
    _require(request)
    today = timezone.localdate()
    f = ProjectFilter(
        **filters.dict(exclude={"page", "page_size", "signed_year"}), signed_year=str(filters.signed_year or "")
    )
    qs = selectors.project_list(user=request.user, filters=f, today=today)
    page, rows = selectors.page_of_projects(qs, number=filters.page, per_page=filters.page_size, today=today)
    rules = project_rules.current()
    in_range = page.number == filters.page  # past the last page: an empty list, not the last page again
    return {
        "count": page.paginator.count,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [_out(p, rules) for p in rows] if in_range else [],
    }


@router.get(
    "/{int:project_id}",
    response=ProjectDetail,
    summary="一个项目：12个节点计划与实际（XN-XM-3）、四色与管理档次历史（XN-XM-4/5）、问题清单（YY-P-2）",
)
def get_project(request: HttpRequest, project_id: int):
    _require(request)
    today = timezone.localdate()
    p = selectors.access_project(user=request.user, pk=project_id)
    rules = project_rules.current()
    rows = selectors.milestone_rows(p, today=today)
    overdue = sum(1 for r in rows if r.overdue)
    upcoming = next((r.m for r in rows if r.m.actual_on is None), None)
    p.overdue_count = overdue
    p.next_name = upcoming.name if upcoming else None
    p.next_on = upcoming.planned_on if upcoming else None
    return {
        **_out(p, rules),
        "chain_node": p.chain_node,
        "expected_output": p.expected_output,
        "exit_reason": p.exit_reason,
        "exit_unit": p.exit_unit,
        "rectify_note": p.rectify_note,
        "leader": p.leader,
        "secretaries": list(p.secretaries or []),
        "steward": p.steward,
        "responsible_unit": p.responsible_unit,
        "note": p.note,
        "milestones": [
            {
                "seq": r.m.seq,
                "code": r.m.code,
                "name": r.m.name,
                "planned_on": r.m.planned_on,
                "actual_on": r.m.actual_on,
                "planned_edited": r.m.planned_edited,
                "overdue": r.overdue,
                "note": r.m.note,
            }
            for r in rows
        ],
        "months": [
            {
                "month": m.month,
                "status": m.status,
                "colour": m.colour,
                "grade": m.grade,
                "grade_label": rules.grade_label(m.grade),
                "change": m.change,
                "on_schedule": m.on_schedule,
                "overdue": m.overdue,
            }
            for m in p.months.order_by("month")
        ],
        "issues": [
            {
                "id": i.pk,
                "raised_on": i.raised_on,
                "content": i.content,
                "department": i.department,
                "due_on": i.due_on,
                "status": i.status,
                "status_label": i.get_status_display(),
                "overdue": i.overdue,
                "assigned_on": i.assigned_on,
                "closed_on": i.closed_on,
                "closing_note": i.closing_note,
                "evidence_url": reverse("projects:evidence", args=[i.pk]) if i.evidence else None,
                "evidence_text": i.evidence_text,
                "events": [
                    {"kind": e.kind, "kind_label": e.get_kind_display(), "on": e.on, "note": e.note}
                    for e in i.events.all()
                ],
            }
            for i in selectors.project_issues(p, today=today)
        ],
    }
