"""One filter definition for the project board (四色图), the portfolio Gantt, the API and the export (STYLE.md, NetBox);
one for the issue list (一单三制)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chanye.core.text import squash
from chanye.projects.models import (
    Colour,
    IssueStatus,
    Milestone,
    Project,
    ProjectIssue,
    ProjectKind,
    ProjectList,
    ProjectStatus,
    ProjectType,
)

TIER_WORDS = {10: "十亿级", 50: "五十亿级", 100: "百亿级"}


def tier_label(tier: Decimal | int | None) -> str:
    """十亿级 / 五十亿级 / 百亿级 for the pack's investment tiers (YY-P-1), '' below the lowest."""
    if tier is None:
        return ""
    d = Decimal(tier)
    if d == d.to_integral_value() and int(d) in TIER_WORDS:
        return TIER_WORDS[int(d)]
    return f"{d.normalize():f}亿级"


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """A milestone past its planned date without an actual date (XN-XM-5)."""
    return Q(**{f"{prefix}planned_on__lt": today, f"{prefix}actual_on__isnull": True})


def _choice(value: str, choices: Any) -> str:
    return value if value in choices.values else ""


@dataclass
class ProjectFilter:
    q: str = ""  # project name, code or investor
    county: str = ""  # region code: county-level unit or park
    colour: str = ""
    industry: str = ""  # key industry code
    cluster: str = ""  # cluster code (its sub-clusters included)
    kind: str = ""  # 新招引 / 技改
    list_kind: str = ""  # HG-P-1 谋划/前期/新建/续建
    project_type: str = ""  # YY-P-1 产业发展/基础设施/民生环保
    tier: str = ""  # investment tier (亿元) from the pack, e.g. "10" → 10 ≤ 总投资 < next tier
    overdue: str = ""  # "1": only projects with overdue milestones
    signed_year: str = ""
    sort: str = ""  # "late": the longest overdue first (issue 13: lateness visible and sortable)

    @classmethod
    def from_params(cls, params: Any) -> ProjectFilter:
        return cls(**{f.name: (params.get(f.name) or "").strip() for f in fields(cls)})

    def apply(self, qs: QuerySet[Project], *, tiers: list[Decimal] | None = None, today: dt.date | None = None):  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
        if self.q:
            term = squash(self.q)
            lookup = "icontains" if any(c.isascii() and c.isalpha() for c in term) else "contains"
            qs = qs.filter(
                Q(**{f"name__{lookup}": term})
                | Q(**{f"investor__{lookup}": term})
                | Q(**{f"enterprise__name__{lookup}": term})
                | Q(code__iexact=term)
                | Q(enterprise__uscc=term.upper())
            )
        if self.county:
            qs = qs.filter(Q(county__code=self.county) | Q(park__code=self.county))
        if self.colour:
            qs = qs.filter(colour=_choice(self.colour, Colour) or "-")
        if self.industry:
            qs = qs.filter(industry__code=self.industry)
        if self.cluster:
            qs = qs.filter(Q(cluster__code=self.cluster) | Q(cluster__parent__code=self.cluster))
        if self.kind:
            qs = qs.filter(kind=_choice(self.kind, ProjectKind) or "-")
        if self.list_kind:
            qs = qs.filter(list_kind=_choice(self.list_kind, ProjectList) or "-")
        if self.project_type:
            qs = qs.filter(project_type=_choice(self.project_type, ProjectType) or "-")
        if self.tier and tiers:
            try:
                t = Decimal(self.tier)
            except InvalidOperation:
                return qs.none()
            ordered = sorted(tiers)
            if t not in ordered:
                return qs.none()
            higher = [x for x in ordered if x > t]
            qs = qs.filter(investment__gte=t)
            if higher:
                qs = qs.filter(investment__lt=higher[0])
        if self.overdue == "1":
            today = today or timezone.localdate()
            late = Milestone.objects.filter(overdue_q(today), project=OuterRef("pk"))
            qs = qs.exclude(status=ProjectStatus.EXITED).filter(Exists(late))
        if self.signed_year:
            if not (self.signed_year.isdigit() and len(self.signed_year) == 4):
                return qs.none()
            qs = qs.filter(signed_on__year=int(self.signed_year))
        return qs

    def without(self, *names: str) -> ProjectFilter:
        return ProjectFilter(**{f.name: ("" if f.name in names else getattr(self, f.name)) for f in fields(self)})

    def querystring(self, **override: str) -> str:
        values = {**{f.name: getattr(self, f.name) for f in fields(self)}, **override}
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass
class IssueFilter:
    q: str = ""  # issue or project text
    county: str = ""
    status: str = ""  # IssueStatus value, or "pending" = not closed
    department: str = ""
    overdue: str = ""  # "1": open with the due date passed

    @classmethod
    def from_params(cls, params: Any) -> IssueFilter:
        return cls(**{f.name: (params.get(f.name) or "").strip() for f in fields(cls)})

    def apply(self, qs: QuerySet[ProjectIssue], *, today: dt.date | None = None) -> QuerySet[ProjectIssue]:
        today = today or timezone.localdate()
        if self.q:
            term = squash(self.q)
            qs = qs.filter(Q(content__contains=term) | Q(project__name__contains=term))
        if self.county:
            qs = qs.filter(Q(project__county__code=self.county) | Q(project__park__code=self.county))
        if self.status == "pending":
            qs = qs.exclude(status=IssueStatus.CLOSED)
        elif self.status:
            qs = qs.filter(status=_choice(self.status, IssueStatus) or "-")
        if self.department:
            qs = qs.filter(department=self.department)
        if self.overdue == "1":
            qs = qs.exclude(status=IssueStatus.CLOSED).filter(due_on__lt=today)
        return qs

    def querystring(self, **override: str) -> str:
        values = {**{f.name: getattr(self, f.name) for f in fields(self)}, **override}
        return urlencode({k: v for k, v in values.items() if v})
