"""Reads of the project library, always through the scoping checkpoint (`Project.objects.for_user`).

Lists are built for 20,000 projects: the board counts with one grouped query, pages hold ids first and annotate only
the rows shown (overdue milestones and the next milestone are correlated subqueries), never a query per row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, DateField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from chanye.core import access, hooks
from chanye.enterprises.models import Enterprise
from chanye.projects import rules as project_rules
from chanye.projects.filtersets import IssueFilter, ProjectFilter, overdue_q, tier_label
from chanye.projects.models import (
    COLOUR_HEX,
    Colour,
    IssueStatus,
    Milestone,
    Project,
    ProjectIssue,
    ProjectMonth,
    ProjectStatus,
)
from chanye.regions.models import Region

BADGE: dict[str, str] = {
    Colour.GREEN: "success",
    Colour.BLUE: "primary",
    Colour.YELLOW: "warning",
    Colour.RED: "danger",
}
COLOUR_MEANING: dict[str, str] = {
    Colour.GREEN: "投产达效",
    Colour.BLUE: "开工在建",
    Colour.YELLOW: "签约/入库未开工",
    Colour.RED: "退出",
}


def require_reader(user: Any) -> None:
    """Project pages are for the city, county/park officers and department viewers; others find nothing here
    (404, audited)."""
    access.require_reader(user, what="项目页面")


def projects_for(user: Any) -> QuerySet[Project]:
    return Project.objects.for_user(user) if access.is_reader(user) else Project.objects.none()


def issues_for(user: Any) -> QuerySet[ProjectIssue]:
    return ProjectIssue.objects.for_user(user) if access.is_reader(user) else ProjectIssue.objects.none()


# ---------------------------------------------------------------- lists


def project_list(*, user: Any, filters: ProjectFilter, today: dt.date | None = None) -> QuerySet[Project]:
    """The filtered projects in the user's scope, largest first within each county (no annotations: cheap to page)."""
    rules = project_rules.current()
    today = today or timezone.localdate()
    qs: QuerySet[Project] = filters.apply(projects_for(user), tiers=rules.investment_tiers, today=today)
    if filters.sort == "late":  # the longest overdue first: its earliest overdue milestone's planned date
        exited = When(status=ProjectStatus.EXITED, then=Value(None))  # a project that left is not late
        qs = qs.annotate(late_first=Case(exited, default=_late_since(today), output_field=DateField()))
        return qs.order_by(F("late_first").asc(nulls_last=True), "-investment", "pk")
    return qs.order_by("county_id", "-investment", "pk")


def _late_since(today: dt.date) -> Subquery:
    """The planned date of a project's earliest overdue milestone (XN-XM-3), as a subquery."""
    first = Milestone.objects.filter(overdue_q(today), project=OuterRef("pk")).order_by("planned_on")
    return Subquery(first.values("planned_on")[:1])


def with_progress(qs: QuerySet[Project], *, today: dt.date) -> QuerySet[Project]:
    """Annotate overdue milestones (0 for an exited project) and the next milestone not yet done."""
    late = (
        Milestone.objects.filter(overdue_q(today), project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    upcoming = Milestone.objects.filter(project=OuterRef("pk"), actual_on__isnull=True).order_by("seq")
    return qs.annotate(
        overdue_count=Case(
            When(status=ProjectStatus.EXITED, then=Value(0)),
            default=Coalesce(Subquery(late, output_field=IntegerField()), Value(0)),
            output_field=IntegerField(),
        ),
        next_name=Subquery(upcoming.values("name")[:1]),
        next_on=Subquery(upcoming.values("planned_on")[:1]),
        late_since=_late_since(today),
    )


class _CountedPaginator(Paginator):
    """A paginator told its count (the board already counted the same rows in its matrix)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def page_of_projects(
    qs: QuerySet[Project], *, number: Any, per_page: int, today: dt.date, count: int | None = None
) -> tuple[Page, list]:
    """A page of `qs` (ids first, so the per-row subqueries run only for the rows shown) with display fields set."""
    ids_qs = qs.values_list("pk", flat=True)
    paginator = Paginator(ids_qs, per_page) if count is None else _CountedPaginator(ids_qs, per_page, count)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = {
        p.pk: p
        for p in with_progress(
            Project.objects.filter(pk__in=ids)
            .select_related("county", "park", "enterprise", "industry", "cluster")
            .defer("note", "exit_reason", "enterprise__address"),
            today=today,
        )
    }
    rules = project_rules.current()
    out = [rows[i] for i in ids if i in rows]
    for p in out:
        decorate(p, rules)
        # days since the earliest overdue milestone fell due (0 when none, or the project left)
        since, overdue = getattr(p, "late_since", None), getattr(p, "overdue_count", 0)
        p.late_days = (today - since).days if since and overdue else 0  # type: ignore[attr-defined]
    return page, out


def cluster_projects(*, user: Any, cluster_code: str, limit: int = 30) -> tuple[int, list[Project]]:
    """The key projects of an industry for its monitoring catalogue (YY-M-1, the `cluster_projects` hook): the board's
    own filter (`ProjectFilter(cluster=…)`, sub-clusters included) in the user's scope, largest investment first, the
    first `limit` decorated like the board's rows; with how many there are in all."""
    today = timezone.localdate()
    qs = project_list(user=user, filters=ProjectFilter(cluster=cluster_code), today=today).order_by("-investment", "pk")
    page, rows = page_of_projects(qs, number=1, per_page=limit, today=today)
    return page.paginator.count, rows


def tier_projects(*, user: Any, at_least: Decimal, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The projects of the 梯队名单's project tiers (YY-P-1, the `tier_projects` hook): those in the user's scope
    implemented this year (`stats.implemented_at`, the definition `project_count_investment_over` counts) whose total
    investment is at least `at_least` 亿元, largest first, as plain rows (the targets app reads them, not the model)."""
    from chanye.projects.stats import implemented_at

    today = today or timezone.localdate()
    qs = (
        projects_for(user)
        .filter(implemented_at(today), investment__gte=at_least)
        .select_related("county", "park", "enterprise")
        .order_by("-investment", "code")
    )
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "county": p.county.name,
            "county_id": p.county_id,
            "park": p.park.name if p.park else "",
            "investor": p.enterprise.name if p.enterprise else p.investor,
            "investment": p.investment,
            "project_type": p.get_project_type_display() if p.project_type else "",
            "status": p.get_status_display(),
            "url": reverse("projects:detail", args=[p.pk]),
        }
        for p in qs
    ]


def map_projects(*, user: Any) -> list[dict[str, Any]]:
    """The projects in the user's scope with their current colour (XN-XM-4), as plain rows for the county map (the
    `map_projects` hook), largest first."""
    qs = projects_for(user).select_related("park").order_by("-investment", "code")
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "county_id": p.county_id,
            "park": p.park.name if p.park else "",
            "colour": p.colour,
            "colour_label": Colour(p.colour).label if p.colour in Colour.values else p.colour,
            "meaning": COLOUR_MEANING.get(p.colour, ""),
            "badge": BADGE.get(p.colour, "secondary"),
            "investment": float(p.investment or 0),
            "url": reverse("projects:detail", args=[p.pk]),
        }
        for p in qs
    ]


def decorate(p: Project, rules: project_rules.ProjectRules) -> Project:
    """Labels the templates show: grade, investment tier, colour badge."""
    p.grade_label = rules.grade_label(p.grade)  # type: ignore[attr-defined]
    p.tier_label = tier_label(rules.tier(p.investment))  # type: ignore[attr-defined]
    p.badge = BADGE.get(p.colour, "secondary")  # type: ignore[attr-defined]
    return p


def unit_choices(user: Any) -> list[Region]:
    """Counties and parks a user may filter by: all for the city, the parks of an officer's own unit for officers."""
    if access.is_officer(user):
        return list(Region.objects.filter(parent_id=user.region_id, level="park"))
    counties = list(Region.objects.county_level())
    parks = list(Region.objects.filter(level="park", is_county_level=False).select_related("parent"))
    return counties + parks


def board(*, user: Any, filters: ProjectFilter, today: dt.date | None = None) -> dict[str, Any]:
    """四色图: counts (and investment) per county × colour for the filters other than colour, with the link of each
    cell, the totals and the chart data. One grouped query."""
    base = project_list(user=user, filters=filters.without("colour"), today=today)
    grouped = base.order_by().values("county_id", "colour").annotate(n=Count("pk"), inv=Sum("investment"))
    counts: dict[tuple[int, str], int] = {}
    invest: dict[str, Any] = {c: 0 for c in Colour.values}
    for r in grouped:
        counts[(r["county_id"], r["colour"])] = r["n"]
        invest[r["colour"]] += r["inv"] or 0
    seen = {k[0] for k in counts}
    own_units = Q(is_county_level=True)  # every county-level unit gets a row, with zeros when it has no project
    if access.is_officer(user):
        own_units &= Q(pk=user.region_id)
    regions = Region.objects.filter(Q(pk__in=seen) | (own_units if not filters.county else Q(pk__in=[])))
    colours = [(c, Colour(c).label, COLOUR_MEANING[Colour(c)], COLOUR_HEX[Colour(c)], BADGE[Colour(c)]) for c in Colour]
    rows = []
    for region in regions.order_by("sort_order", "code"):
        cells = [
            {"colour": c, "n": counts.get((region.pk, c), 0), "qs": filters.querystring(county=region.code, colour=c)}
            for c, *_ in colours
        ]
        rows.append(
            {
                "region": region,
                "cells": cells,
                "total": sum(x["n"] for x in cells),
                "qs": filters.querystring(county=region.code, colour=""),
            }
        )
    totals = [
        {"colour": c, "n": sum(r["cells"][k]["n"] for r in rows), "qs": filters.querystring(colour=c)}
        for k, (c, *_) in enumerate(colours)
    ]
    return {
        "colours": colours,
        "rows": rows,
        "totals": totals,
        "total": sum(t["n"] for t in totals),
        "investment": [invest[c] for c, *_ in colours],
        "chart": {
            "has_data": any(t["n"] for t in totals),
            "counties": [r["region"].label for r in rows],
            "codes": [r["region"].code for r in rows],
            "series": [
                {"key": c, "name": f"{label}（{meaning}）", "color": hex_, "data": [r["cells"][k]["n"] for r in rows]}
                for k, (c, label, meaning, hex_, _) in enumerate(colours)
            ],
        },
    }


def export_rows(qs: QuerySet[Project], *, today: dt.date) -> Any:
    """Rows of the .xlsx export, streamed (values, not objects; the subqueries run in the database)."""
    rules = project_rules.current()
    kinds = dict(Project._meta.get_field("kind").choices)
    lists = dict(Project._meta.get_field("list_kind").choices)
    types = dict(Project._meta.get_field("project_type").choices)
    statuses = dict(ProjectStatus.choices)
    colours = dict(Colour.choices)
    values = with_progress(qs, today=today).values_list(
        "code",
        "name",
        "enterprise__name",
        "enterprise__uscc",
        "investor",
        "county__name",
        "park__name",
        "industry__name",
        "cluster__name",
        "kind",
        "list_kind",
        "project_type",
        "investment",
        "signed_on",
        "started_on",
        "producing_on",
        "status",
        "colour",
        "grade",
        "overdue_count",
        "next_name",
        "next_on",
        "rectify_by",
        "leader",
        "secretaries",
        "steward",
        "responsible_unit",
        "exit_reason",
    )
    for r in values.iterator(chunk_size=2000):
        (code, name, ent, uscc, investor, county, park, industry, cluster, kind, list_kind, ptype, inv) = r[:13]
        (signed, started, producing, status, colour, grade, overdue, next_name, next_on, rectify) = r[13:23]
        (leader, secretaries, steward, unit, exit_reason) = r[23:]
        yield (
            code,
            name,
            ent or investor,
            uscc or "",
            county,
            park or "",
            industry or "",
            cluster or "",
            kinds.get(kind, kind),
            lists.get(list_kind, list_kind),
            types.get(ptype, ptype),
            float(inv),
            tier_label(rules.tier(inv)),
            signed,
            started,
            producing,
            statuses.get(status, status),
            colours.get(colour, colour),
            rules.grade_label(grade),
            overdue,
            "" if status == ProjectStatus.EXITED else (next_name or ""),
            None if status == ProjectStatus.EXITED else next_on,
            rectify,
            leader,
            "、".join(secretaries or []),
            steward,
            unit,
            exit_reason,
        )


EXPORT_HEADERS = [
    "项目编号",
    "项目名称",
    "投资主体",
    "统一社会信用代码",
    "区县",
    "园区",
    "重点产业",
    "产业集群",
    "项目性质",
    "项目清单",
    "项目类型",
    "总投资(亿元)",
    "投资级别",
    "签约日期",
    "开工日期",
    "投产日期",
    "状态",
    "四色",
    "管理档次",
    "逾期节点数",
    "下一节点",
    "下一节点计划完成",
    "限期整改至",
    "包保领导",
    "项目秘书",
    "项目管家",
    "责任单位",
    "退出说明",
]


GANTT_FIELDS = ("pk", "name", "county__name", "colour", "signed_on", "started_on", "producing_on", "exited_on")


def portfolio_gantt(*, qs: QuerySet[Project], number: Any, per_page: int = 200) -> tuple[Page, dict[str, Any]]:
    """横道图 of many projects: one bar per signed project from signing to planned production (the 验收投产 milestone),
    with the actual start, production or exit; ordered by signing date."""
    signed = qs.filter(signed_on__isnull=False).order_by("signed_on", "pk")
    page = Paginator(signed.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    planned = Milestone.objects.filter(project=OuterRef("pk"), code=project_rules.PRODUCTION_MILESTONE)
    rows = {
        r["pk"]: r
        for r in Project.objects.filter(pk__in=ids)
        .annotate(planned_production=Subquery(planned.values("planned_on")[:1]))
        .values(*GANTT_FIELDS, "planned_production")
    }
    bars = []
    for i in ids:
        r = rows.get(i)
        if r is None:
            continue
        bars.append(
            {
                "id": r["pk"],
                "name": r["name"],
                "county": r["county__name"],
                "colour": r["colour"],
                "colour_label": Colour(r["colour"]).label,
                "hex": COLOUR_HEX[Colour(r["colour"])],
                "signed": _iso(r["signed_on"]),
                "started": _iso(r["started_on"]),
                "planned": _iso(r["planned_production"]),
                "producing": _iso(r["producing_on"]),
                "exited": _iso(r["exited_on"]),
            }
        )
    return page, {"has_data": bool(bars), "today": timezone.localdate().isoformat(), "bars": bars}


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


# ---------------------------------------------------------------- one project


def access_project(*, user: Any, pk: int) -> Project:
    """The project if the user may see it; otherwise 404 (audited when it exists outside the scope)."""
    qs = projects_for(user).select_related("county", "park", "industry", "cluster", "enterprise", "enterprise__county")
    p = access.get(qs, user, what="项目", pk=pk)
    return decorate(p, project_rules.current())


def access_milestone(*, project: Project, pk: int) -> Milestone:
    m = Milestone.objects.filter(project=project, pk=pk).first()
    if m is None:
        raise Http404("节点不存在")
    m.project = project  # the scoped instance, already checked
    return m


def access_issue(*, user: Any, pk: int) -> ProjectIssue:
    return access.get(issues_for(user).select_related("project", "project__county"), user, what="项目问题", pk=pk)


@dataclass
class MilestoneRow:
    m: Milestone
    overdue: bool
    late_days: int | None  # done after the planned date: by how many days
    behind_days: int | None  # not done and past the planned date: by how many days


def milestone_rows(project: Project, *, today: dt.date) -> list[MilestoneRow]:
    out = []
    for m in project.milestones.order_by("seq"):
        overdue = project.status != ProjectStatus.EXITED and bool(
            m.planned_on and m.planned_on < today and m.actual_on is None
        )
        done_late = bool(m.actual_on and m.planned_on and m.actual_on > m.planned_on)
        late = (m.actual_on - m.planned_on).days if done_late else None  # type: ignore[operator]
        behind = (today - m.planned_on).days if overdue and m.planned_on else None
        out.append(MilestoneRow(m=m, overdue=overdue, late_days=late, behind_days=behind))
    return out


def project_gantt(project: Project, rows: list[MilestoneRow], *, today: dt.date) -> dict[str, Any]:
    """The per-project 横道图 (XN-XM-3): for each milestone a planned bar (from the previous milestone's planned date,
    or signing) and an actual bar (from the previous actual date, or signing); overdue in red."""
    items = []
    prev_plan = prev_actual = project.signed_on
    for r in rows:
        m = r.m
        plan_start = min(prev_plan, m.planned_on) if prev_plan and m.planned_on else (prev_plan or m.planned_on)
        start_actual = prev_actual or plan_start
        if m.actual_on and start_actual and start_actual > m.actual_on:
            start_actual = m.actual_on
        items.append(
            {
                "seq": m.seq,
                "name": m.name,
                "planned_start": _iso(plan_start),
                "planned": _iso(m.planned_on),
                "actual_start": _iso(start_actual) if m.actual_on else None,
                "actual": _iso(m.actual_on),
                "overdue": r.overdue,
                "late": r.late_days is not None,
            }
        )
        prev_plan = m.planned_on or prev_plan
        prev_actual = m.actual_on or prev_actual
    return {
        "has_data": any(i["planned"] or i["actual"] for i in items),
        "today": today.isoformat(),
        "signed": _iso(project.signed_on),
        "items": items,
    }


def colour_history(project: Project, *, months: int = 24) -> list[dict[str, Any]]:
    rules = project_rules.current()
    rows = list(ProjectMonth.objects.filter(project=project).order_by("-month")[:months])
    rows.reverse()
    return [
        {
            "month": r.month,
            "colour": r.colour,
            "colour_label": r.get_colour_display(),
            "hex": COLOUR_HEX[Colour(r.colour)],
            "grade": r.grade,
            "grade_label": rules.grade_label(r.grade),
            "change": r.change,
            "change_label": r.get_change_display(),
            "overdue": r.overdue,
            "on_schedule": r.on_schedule,
        }
        for r in rows
    ]


def project_issues(project: Project, *, today: dt.date) -> list[ProjectIssue]:
    issues = list(
        project.issues.select_related("created_by")
        .prefetch_related("events__by")
        .alias(o=_ISSUE_ORDER)
        .order_by("o", "due_on", "-raised_on", "pk")
    )
    for i in issues:
        i.overdue = is_overdue(i, today)  # type: ignore[attr-defined]
    return issues


# ---------------------------------------------------------------- issues (一单三制)

_ISSUE_ORDER = Case(
    When(status=IssueStatus.ASSIGNED, then=Value(0)),
    When(status=IssueStatus.OPEN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def is_overdue(issue: ProjectIssue, today: dt.date) -> bool:
    return issue.status != IssueStatus.CLOSED and issue.due_on is not None and issue.due_on < today


def issue_list(*, user: Any, filters: IssueFilter, today: dt.date | None = None) -> QuerySet[ProjectIssue]:
    today = today or timezone.localdate()
    late = Q(due_on__lt=today) & ~Q(status=IssueStatus.CLOSED)
    return (
        filters.apply(issues_for(user), today=today)
        .select_related("project", "project__county")
        .annotate(is_late=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .alias(o=_ISSUE_ORDER)
        .order_by("is_late", "o", "due_on", "-raised_on", "pk")
    )


def issue_stats_scope(*, user: Any, filters: IssueFilter, today: dt.date) -> QuerySet[ProjectIssue]:
    """The issues the per-department table counts: the list's filters but status and overdue (the table shows those)."""
    scope = IssueFilter(q=filters.q, county=filters.county, department=filters.department)
    return scope.apply(issues_for(user), today=today)


def departments(user: Any) -> list[str]:
    return list(
        issues_for(user).exclude(department="").order_by("department").values_list("department", flat=True).distinct()
    )


# ---------------------------------------------------------------- forms


def find_enterprise(*, user: Any, text: str) -> Enterprise | None:
    """The investing enterprise by 统一社会信用代码 or exact name, within the user's scope; None for an empty text."""
    text = (text or "").strip()
    if not text:
        return None
    qs = Enterprise.objects.for_user(user)
    by_code = qs.filter(uscc=text.upper()).first()
    if by_code is not None:
        return by_code
    named = list(qs.filter(name=text)[:2])
    if len(named) > 1:
        raise ValidationError(f"名称为“{text}”的企业不止一家，请填写统一社会信用代码。")
    if not named:
        raise ValidationError(f"在您的范围内没有找到企业“{text}”（请填写统一社会信用代码或企业全称）。")
    return named[0]


def can_see_enterprise(user: Any, enterprise_id: int | None) -> bool:
    return bool(enterprise_id) and Enterprise.objects.for_user(user).filter(pk=enterprise_id).exists()


def chain_nodes() -> list[str]:
    """The link names of the active chain maps (offered, not imposed, as a project's 产业链环节), in chain order —
    from whichever app keeps chain maps (`hooks.chain_node_names`)."""
    return [name for names in hooks.chain_node_names() for name in names]


def bulletin_gap(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Why the 四色图's count differs from the latest 月通报's (issue 13): the board lists every project the user may
    see as it stands today; the bulletin counts the projects in the library at its month's end (`stats.exists_at`:
    signed by then, or registered by then if never signed). Both counts from the same scope."""
    from chanye.projects.bulletin import default_month
    from chanye.projects.stats import exists_at, scope

    month = default_month(today)
    projects = scope(user=user).projects
    now = projects.count()
    at_end = projects.filter(exists_at(project_rules.month_end(month))).count()
    return {"month": month, "now": now, "at_end": at_end, "after": now - at_end}
