"""The monitoring catalogue of a 千亿级产业 (YY-M-1, 益阳 四（二）“各牵头单位要建立完善产业集群重点企业和项目统计监测
目录，搭建产业集群企业库，加强对龙头企业的监测分析……及时掌握重大项目实施……完善实时动态监测和反馈机制”), for the
industries of the liaison arrangement (YY-ORG-1) and their lead units.

* 企业库: the industry's members — the enterprise list's own cluster filter (`EnterpriseFilter(cluster=…)`, its
  sub-clusters included) through `enterprises.selectors.enterprise_list`, so a county officer sees their unit's firms
  only. One ordered query serves the page and the export: the pack's anchors (龙头/骨干, matched by name or former
  name) first, then 规上 members, then the others, each by 工业总产值 over the 12 months to the latest month with
  统计 figures; with the same 12 months a year earlier and the growth.
* monthly trend: each listed firm's 12 monthly outputs (one query for the rows shown) and the industry's monthly
  total over the same members.
* 重点项目: the project board's rows of the industry, through the `cluster_projects` hook (projects answers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast

from chanye.core import hooks
from chanye.enterprises.choices import FigureSource
from chanye.enterprises.filtersets import EnterpriseFilter
from chanye.enterprises.models import Enterprise, MonthlyFigure
from chanye.enterprises.selectors import enterprise_list
from chanye.industry.models import Cluster
from chanye.supervision.models import IndustryLiaison

RULE = "YY-M-1"
KIND_LABELS = {"anchor": "龙头/骨干", "above": "规上", "other": "其他成员"}


def _month_add(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


@dataclass(frozen=True)
class Window:
    """The 12 months to the latest month with 统计 figures, and the same 12 months a year earlier."""

    start: dt.date
    end: dt.date

    @property
    def months(self) -> list[dt.date]:
        return [_month_add(self.start, i) for i in range(12)]

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        return _month_add(self.start, -12), _month_add(self.end, -12)

    @property
    def label(self) -> str:
        return f"{self.start:%Y年%m月}—{self.end:%Y年%m月}"


def window(until: dt.date | None = None) -> Window | None:
    if until is None:
        until = MonthlyFigure.objects.filter(source=FigureSource.STATS).aggregate(m=Max("month"))["m"]
        if until is None:
            return None
    return Window(_month_add(until, -11), until)


def industry_clusters(cluster: Cluster) -> list[Cluster]:
    """The industry's cluster and its (active) sub-clusters — what the enterprise and project filters take in."""
    return [cluster, *Cluster.objects.filter(parent=cluster, is_active=True)]


def anchor_names(clusters: list[Cluster]) -> list[str]:
    """The pack's anchors (龙头/骨干企业) of the industry and its sub-clusters, each once, in the pack's order."""
    out: list[str] = []
    for c in clusters:
        out += [a for a in c.anchors or [] if a and a not in out]
    return out


def _output(start: dt.date, end: dt.date) -> Subquery:
    figures = (
        MonthlyFigure.objects.filter(
            enterprise=OuterRef("pk"), source=FigureSource.STATS, month__gte=start, month__lte=end
        )
        .order_by()
        .values("enterprise")
        .annotate(t=Sum("output"))
        .values("t")
    )
    return Subquery(figures, output_field=DecimalField(max_digits=20, decimal_places=4))


def members(*, user: Any, liaison: IndustryLiaison, win: Window | None) -> QuerySet[Enterprise]:
    """The industry's 企业库 in the user's scope, ordered as the catalogue lists it (page and export alike):
    anchors, then 规上, then the others; within each by the 12-month output (firms without figures last), then name."""
    clusters = industry_clusters(liaison.cluster)
    qs = enterprise_list(user=user, filters=EnterpriseFilter(cluster=liaison.cluster.code))
    names = anchor_names(clusters)
    if names:
        match = Q()
        for a in names:
            match |= Q(name__contains=a) | Q(aliases__name__contains=a)
        qs = qs.annotate(is_anchor=Exists(Enterprise.objects.filter(match, pk=OuterRef("pk"))))
    else:
        qs = qs.annotate(is_anchor=Value(False, output_field=BooleanField()))
    order: list[Any] = [F("is_anchor").desc(), F("is_above_scale").desc()]
    if win is not None:
        qs = qs.annotate(output12=_output(win.start, win.end), output_prev=_output(*win.previous))
        order.append(F("output12").desc(nulls_last=True))
    else:  # no 统计 figures at all: no output to order by (PostgreSQL refuses ORDER BY NULL)
        empty = Cast(Value(None), output_field=DecimalField(max_digits=20, decimal_places=4))
        qs = qs.annotate(output12=empty, output_prev=empty)
    return qs.prefetch_related("clusters").order_by(*order, "name", "pk")


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth on the same months a year earlier, in % to one decimal; None without a base."""
    if current is None or not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"))


def kind_of(e: Enterprise) -> str:
    return "anchor" if getattr(e, "is_anchor", False) else "above" if e.is_above_scale else "other"


@dataclass
class Row:
    """One firm of the catalogue: its kind (龙头/骨干, 规上, 其他), outputs, growth and monthly trend."""

    enterprise: Enterprise
    kind: str
    output12: Decimal | None
    output_prev: Decimal | None
    sub_clusters: list[str]
    trend: list[Decimal | None] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def growth(self) -> Decimal | None:
        return growth(self.output12, self.output_prev)

    @property
    def sparkline(self) -> str:
        return sparkline(self.trend)


def rows(enterprises: list[Enterprise], *, cluster: Cluster, win: Window | None, trend: bool = True) -> list[Row]:
    """The catalogue rows of `enterprises` (annotated by `members`), with their monthly trend (one query)."""
    series: dict[int, dict[dt.date, Decimal | None]] = {}
    if trend and win is not None and enterprises:
        for eid, month, output in MonthlyFigure.objects.filter(
            enterprise_id__in=[e.pk for e in enterprises],
            source=FigureSource.STATS,
            month__gte=win.start,
            month__lte=win.end,
        ).values_list("enterprise_id", "month", "output"):
            series.setdefault(eid, {})[month] = output
    out = []
    for e in enterprises:
        subs = [c.name for c in e.clusters.all() if c.parent_id == cluster.pk]
        months = series.get(e.pk, {})
        out.append(
            Row(
                enterprise=e,
                kind=kind_of(e),
                output12=e.output12,  # type: ignore[attr-defined]
                output_prev=e.output_prev,  # type: ignore[attr-defined]
                sub_clusters=subs,
                trend=[months.get(m) for m in win.months] if (trend and win) else [],
            )
        )
    return out


@dataclass
class Summary:
    members: int
    above_scale: int
    anchors: int
    output12: Decimal | None
    output_prev: Decimal | None
    monthly: list[tuple[dt.date, Decimal | None]]
    anchors_missing: list[str]

    @property
    def growth(self) -> Decimal | None:
        return growth(self.output12, self.output_prev)

    @property
    def sparkline(self) -> str:
        return sparkline([v for _, v in self.monthly], width=240, height=48)


def summary(qs: QuerySet[Enterprise], *, cluster: Cluster, win: Window | None, city_wide: bool) -> Summary:
    """The industry's figures over the members the user sees: counts, 12-month output and growth, the monthly total;
    for city-wide users also the pack's anchors that match no member (a 企业库 to complete)."""
    sums = {"out": Sum("output12"), "prev": Sum("output_prev")} if win is not None else {}
    totals = qs.order_by().aggregate(
        n=Count("pk"),
        above=Count("pk", filter=Q(is_above_scale=True)),
        anchors=Count("pk", filter=Q(is_anchor=True)),
        **sums,
    )
    monthly: list[tuple[dt.date, Decimal | None]] = []
    if win is not None:
        per_month = dict(
            MonthlyFigure.objects.filter(
                enterprise_id__in=qs.order_by().values("pk"),
                source=FigureSource.STATS,
                month__gte=win.start,
                month__lte=win.end,
            )
            .order_by()
            .values("month")
            .annotate(t=Sum("output"))
            .values_list("month", "t")
        )
        monthly = [(m, per_month.get(m)) for m in win.months]
    missing: list[str] = []
    if city_wide:
        found = list(qs.filter(Q(is_anchor=True)).values_list("name", flat=True))  # an annotation
        missing = [a for a in anchor_names(industry_clusters(cluster)) if not any(a in n for n in found)]
    return Summary(
        members=totals["n"],
        above_scale=totals["above"],
        anchors=totals["anchors"],
        output12=totals.get("out"),
        output_prev=totals.get("prev"),
        monthly=monthly,
        anchors_missing=missing,
    )


def key_projects(*, user: Any, cluster: Cluster, limit: int = 30) -> tuple[int, list[Any]]:
    """The industry's key projects as the project board shows them (the `cluster_projects` hook); none without the
    projects app."""
    for answer in hooks.cluster_projects(user=user, cluster_code=cluster.code, limit=limit):
        count, projects = answer
        return count, projects
    return 0, []


def sparkline(values: list[Decimal | None], *, width: int = 96, height: int = 22) -> str:
    """The points of an SVG polyline of `values` (missing months are skipped), scaled into width × height."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    lo, hi = min(v for _, v in known), max(v for _, v in known)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in known)


EXPORT_HEADERS = [
    "序号",
    "类别",
    "企业名称",
    "统一社会信用代码",
    "所属区县",
    "所属园区",
    "国民经济行业",
    "所属细分产业",
    "规上",
    "荣誉与梯度",
    "近12个月工业总产值(万元)",
    "上年同期(万元)",
    "增速(%)",
]


def export_rows(catalogue_rows: list[Row]) -> list[list[Any]]:
    """The 企业库 export: one line per row of the catalogue, in its order."""
    out = []
    for i, r in enumerate(catalogue_rows, start=1):
        e = r.enterprise
        out.append(
            [
                i,
                r.kind_label,
                e.name,
                e.uscc,
                e.county.name,
                e.park.name if e.park_id and e.park else "",
                str(e.industry_code) if e.industry_code_id else "",
                "、".join(r.sub_clusters),
                "是" if e.is_above_scale else "",
                "、".join(str(h) for h in e.honours.all()),
                r.output12,
                r.output_prev,
                r.growth,
            ]
        )
    return out
